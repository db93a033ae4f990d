"""Reading the declarations: an entry model's fields with their markers sorted out."""

import inspect
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Union, get_args, get_origin

from pydantic.fields import FieldInfo

from service.domain.catalog.reads import Leaf, Named_
from service.domain.dates import PartialDateValue
from service.domain.declare import DERIVED_ATTR, Current, Derived, Named, Stored, camel
from service.domain.values import Model


@dataclass(frozen=True)
class Decl:
    """One declared field, with its markers sorted out."""

    key: str
    info: FieldInfo
    base: Any  # the Python type without Optional/list
    optional: bool  # None is allowed, or the field has a default
    many: bool
    nullable: bool  # None is allowed

    def marker(self, kind: type[Any]) -> Any:
        return next((m for m in self.info.metadata if isinstance(m, kind)), None)

    @property
    def name(self) -> str:
        named = self.marker(Named)
        return named.name if named else camel(self.key)

    @property
    def stored(self) -> str:
        stored = self.marker(Stored)
        return stored.name if stored else self.key

    @property
    def description(self) -> str:
        return self.info.description or ""


def _unwrap(annotation: Any) -> tuple[Any, bool, bool]:
    """(base type, optional, list) of a field's annotation."""
    optional = many = False
    while True:
        origin = get_origin(annotation)
        if origin is typing.Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            args = [a for a in get_args(annotation) if a is not type(None)]
            optional = optional or len(args) < len(get_args(annotation))
            annotation = args[0]
        elif origin is list:
            many = True
            annotation = get_args(annotation)[0]
        else:
            return annotation, optional, many


def declarations(model: type[Model]) -> Iterator[Decl]:
    """The model's declared fields, in declaration order (inherited ones first)."""
    for key, info in model.model_fields.items():
        base, optional, many = _unwrap(info.annotation)
        yield Decl(key, info, base, optional or not info.is_required(), many, optional)


def derived_values(model: type[Model]) -> Iterator[tuple[str, Derived]]:
    """The model's derived, stored values: (method name, declaration)."""
    for name, member in inspect.getmembers(model, inspect.isfunction):
        marker = getattr(member, DERIVED_ATTR, None)
        if isinstance(marker, Derived):
            yield name, marker


def currents(model: type[Model]) -> Iterator[Current]:
    for value in vars(model).values():
        if isinstance(value, Current):
            yield value


def leaf_of(base: Any, key: str) -> Named_:
    if isinstance(base, type) and issubclass(base, StrEnum):
        return base
    if base is PartialDateValue:
        return Leaf.DATE
    if base is bool:
        return Leaf.BOOLEAN
    if base is float:
        return Leaf.FLOAT
    if base is int:
        return Leaf.INT
    if base is str:
        return Leaf.ID if key == "id" else Leaf.STRING
    raise TypeError(f"no client type for {base!r} ({key})")


def sort_as(base: Any, key: str) -> Leaf:
    """How values of a field sort: enums as their text."""
    kind = leaf_of(base, key)
    return kind if isinstance(kind, Leaf) else Leaf.STRING


def is_model(base: Any) -> bool:
    return isinstance(base, type) and issubclass(base, Model)


def precision_name(shown: str) -> str:
    """`announcedOn` → `announcedPrecision`, `since` → `sincePrecision`."""
    return (shown[:-2] if shown.endswith("On") else shown) + "Precision"


def snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name)


def doc(model: type[Any]) -> str:
    return inspect.cleandoc(model.__doc__ or "").split("\n\n")[0].replace("\n", " ")


def kind_values(model: type[Model]) -> list[StrEnum]:
    decl = next(d for d in declarations(model) if d.key == "kind")
    return list(decl.base)
