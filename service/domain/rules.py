"""Rules that span an entry's parts or point outside it, read off the declarations.

`references` lists every id an entry names (its refs, its links' ends, its evidence's sources)
with the kind of entity it must be; `entry_problems` the rules one entry breaks on its own.
The seed validator checks references against the files, the mutations against the graph.
"""

from collections.abc import Iterator
from typing import Any

from service.domain.declare import Link, Ref
from service.domain.entities import Entry, Sourced
from service.domain.values import Evidence, Model

ANY_ENTITY = "Entity"  # a reference that may name any entity but a source


def _marker(model: type[Model], key: str, kind: type[Any]) -> Any:
    return next((m for m in model.model_fields[key].metadata if isinstance(m, kind)), None)


def _evidence(prefix: str, items: list[Evidence]) -> Iterator[tuple[str, str, str]]:
    for index, item in enumerate(items):
        yield f"{prefix}{index}.source", item.source, "Source"


def references(entry: Model) -> Iterator[tuple[str, str, str]]:
    """(field path, referenced id, entity type it must be) for every id the entry names."""
    model = type(entry)
    for key in model.model_fields:
        value = getattr(entry, key)
        if not value:
            continue
        if (ref := _marker(model, key, Ref)) is not None:
            ids = value if isinstance(value, list) else [value]
            for index, target in enumerate(ids):
                yield (f"{key}.{index}" if isinstance(value, list) else key), target, ref.target
        elif (link := _marker(model, key, Link)) is not None:
            for index, item in enumerate(value):
                if link.target == "Source":
                    yield f"{key}.{index}.source", getattr(item, link.end), "Source"
                    continue
                yield f"{key}.{index}.{link.end}", getattr(item, link.end), link.target
                if isinstance(getattr(item, "evidence", None), list):
                    yield from _evidence(f"{key}.{index}.evidence.", item.evidence)


def entry_problems(entry: Entry) -> Iterator[tuple[str, str]]:
    """(field, message) for rules one entry breaks: no source at all, or pointing at itself."""
    if isinstance(entry, Sourced) and not entry.all_evidence():
        yield "evidence", "needs at least one source with a quote"
    for path, target, _ in references(entry):
        if target == entry.id and not path.startswith("evidence"):
            yield path.split(".")[0], "an entity cannot point at itself"
