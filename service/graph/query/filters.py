"""`where` inputs in the nested-operator style, compiled to Cypher conditions with parameters.

    { name: { contains: "Fox" }, AND: [...], OR: [...], NOT: {...},
      parties: { some: { company: { id: { eq: "openai" } }, role: { in: [CUSTOMER] } } } }

Relationship filters become EXISTS subqueries anchored on the already-bound node, so they never
start from a label scan of the whole graph.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from typing import Any

from seed.vocab import (
    CompanyKind,
    FacilityKind,
    FacilityStatus,
    MoneyQualifier,
    PartnershipKind,
    PartyRole,
    PositionRole,
    SourceTier,
    Status,
)
from service.errors import bad_input

MAX_FILTER_DEPTH = 6
MAX_IN_VALUES = 1000

_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


def fill(template: str, names: dict[str, str]) -> str:
    """Replace {role} placeholders with Cypher variable names (never with values)."""
    return _PLACEHOLDER.sub(lambda m: names[m.group(1)], template)


def placeholders(template: str) -> list[str]:
    return _PLACEHOLDER.findall(template)


@dataclass(frozen=True)
class Prop:
    expr: str
    kind: str  # id, string, float, date, boolean, enum
    enum: type[Enum] | None = None


@dataclass(frozen=True)
class Rel:
    """A quantified filter over related objects (some / none / all)."""

    type: str
    pattern: str
    bind: dict[str, str] = field(default_factory=lambda: {"n": "m"})


@dataclass(frozen=True)
class Nested:
    """A filter on an object bound in the same row (a party's company)."""

    type: str
    role: str


Filter = Prop | Rel | Nested

_CURRENT = "({r}.until IS NULL OR {r}.until >= date())"
_FACILITY_LINKS = "OWNS|OPERATES|DEVELOPS|OCCUPIES"

FILTERS: dict[str, dict[str, Filter]] = {
    "Company": {
        "id": Prop("{n}.id", "id"),
        "name": Prop("{n}.name", "string"),
        "kind": Prop("{n}.kind", "enum", CompanyKind),
        "country": Prop("{n}.country", "string"),
        "synthetic": Prop("coalesce({n}.synthetic, false)", "boolean"),
        "partnerships": Rel("Partnership", "({n})-[:PARTY_TO]->({m}:Partnership)"),
        "suppliers": Rel("Company", "({m}:Company)-[:SUPPLIES]->({n})"),
        "customers": Rel("Company", "({n})-[:SUPPLIES]->({m}:Company)"),
        "investors": Rel("Company", "({m}:Company)-[:INVESTS_IN]->({n})"),
        "investments": Rel("Company", "({n})-[:INVESTS_IN]->({m}:Company)"),
        "facilities": Rel("Facility", "({n})-[:" + _FACILITY_LINKS + "]->({m}:Facility)"),
    },
    "Person": {
        "id": Prop("{n}.id", "id"),
        "name": Prop("{n}.name", "string"),
        "positions": Rel(
            "Executive", "({n})-[{r}:HOLDS_POSITION]->({c}:Company)", {"p": "n", "r": "r", "c": "c"}
        ),
    },
    "Executive": {
        "title": Prop("{r}.title", "string"),
        "role": Prop("{r}.role", "enum", PositionRole),
        "current": Prop(_CURRENT, "boolean"),
        "company": Nested("Company", "c"),
        "person": Nested("Person", "p"),
    },
    "Facility": {
        "id": Prop("{n}.id", "id"),
        "name": Prop("{n}.name", "string"),
        "kind": Prop("{n}.kind", "enum", FacilityKind),
        "status": Prop("{n}.status", "enum", FacilityStatus),
        "country": Prop("{n}.country", "string"),
        "state": Prop("{n}.region", "string"),
        "city": Prop("{n}.city", "string"),
        "powerMw": Prop("{n}.power_mw", "float"),
        "synthetic": Prop("coalesce({n}.synthetic, false)", "boolean"),
        "companies": Rel("Company", "({m}:Company)-[:" + _FACILITY_LINKS + "]->({n})"),
        "partnerships": Rel("Partnership", "({m}:Partnership)-[:CONCERNS]->({n})"),
    },
    "Partnership": {
        "id": Prop("{n}.id", "id"),
        "name": Prop("{n}.name", "string"),
        "kind": Prop("{n}.kind", "enum", PartnershipKind),
        "status": Prop("{n}.status", "enum", Status),
        "announcedOn": Prop("{n}.announced_on", "date"),
        "valueUsd": Prop("{n}.value_usd", "float"),
        "valueQualifier": Prop("{n}.value_qualifier", "enum", MoneyQualifier),
        "synthetic": Prop("coalesce({n}.synthetic, false)", "boolean"),
        "parties": Rel("Party", "({c}:Company)-[{r}:PARTY_TO]->({n})", {"c": "c", "r": "r"}),
        "facilities": Rel("Facility", "({n})-[:CONCERNS]->({m}:Facility)"),
    },
    "Party": {"role": Prop("{r}.role", "enum", PartyRole), "company": Nested("Company", "c")},
    "Source": {
        "id": Prop("{n}.id", "id"),
        "tier": Prop("{n}.tier", "enum", SourceTier),
        "publisher": Prop("{n}.publisher", "string"),
        "title": Prop("{n}.title", "string"),
        "url": Prop("{n}.url", "string"),
        "publishedOn": Prop("{n}.published_on", "date"),
    },
}

_OPERATORS: dict[str, set[str]] = {
    "id": {"eq", "ne", "in"},
    "string": {"eq", "ne", "in", "contains", "containsIgnoreCase", "startsWith", "endsWith"},
    "float": {"eq", "ne", "in", "lt", "lte", "gt", "gte"},
    "date": {"eq", "ne", "lt", "lte", "gt", "gte"},
    "boolean": {"eq"},
    "enum": {"eq", "ne", "in"},
}
# Operators no null satisfies: with one of them on a property, the rows left all have it.
_NON_NULL = {"eq", "in", "lt", "lte", "gt", "gte"}
_COMPARE = {"eq": "=", "ne": "<>", "lt": "<", "lte": "<=", "gt": ">", "gte": ">="}


def _enum_value(enum: type[Enum], value: Any) -> str:
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, str) and value in enum.__members__:
        return str(enum[value].value)
    raise bad_input(f"{value!r} is not a {enum.__name__} value")


def _coerce(prop: Prop, value: Any, where: str) -> Any:
    if value is None:
        raise bad_input(f"{where}: null is not a value here (use isNull)")
    match prop.kind:
        case "enum":
            assert prop.enum is not None
            return _enum_value(prop.enum, value)
        case "date":
            if isinstance(value, date):
                return value
            try:
                return date.fromisoformat(str(value))
            except ValueError:
                raise bad_input(f"{where}: {value!r} is not a date (YYYY-MM-DD)") from None
        case "float":
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise bad_input(f"{where}: {value!r} is not a number")
            return float(value)
        case "boolean":
            if not isinstance(value, bool):
                raise bad_input(f"{where}: {value!r} is not a boolean")
            return value
    if not isinstance(value, str):
        raise bad_input(f"{where}: {value!r} is not a string")
    return value


class FilterCompiler:
    """Builds conditions; `param` stores a value and returns its $name, `var` names a variable."""

    def __init__(self, param: Callable[[Any], str], var: Callable[[str], str]) -> None:
        self.param, self.var = param, var

    def where(self, type_name: str, binding: dict[str, str], where: Any, depth: int = 0) -> str | None:
        if where is None:
            return None
        if not isinstance(where, dict):
            raise bad_input(f"where on {type_name} must be an object")
        if depth > MAX_FILTER_DEPTH:
            raise bad_input(f"filters nest at most {MAX_FILTER_DEPTH} levels deep")
        table = FILTERS[type_name]
        conditions: list[str] = []
        for key, value in where.items():
            if value is None:
                continue
            if key in ("AND", "OR"):
                items = value if isinstance(value, list) else [value]
                parts = [p for p in (self.where(type_name, binding, v, depth + 1) for v in items) if p]
                if parts:
                    conditions.append("(" + f" {key} ".join(f"({p})" for p in parts) + ")")
            elif key == "NOT":
                if (inner := self.where(type_name, binding, value, depth + 1)) is not None:
                    conditions.append(f"NOT ({inner})")
            elif key not in table:
                raise bad_input(f"{type_name} cannot be filtered by {key}")
            else:
                conditions.extend(self._field(table[key], key, binding, value, depth))
        return " AND ".join(conditions) if conditions else None

    def _field(self, spec: Filter, key: str, binding: dict[str, str], value: Any, depth: int) -> list[str]:
        if isinstance(spec, Nested):
            inner = self.where(spec.type, {"n": binding[spec.role]}, value, depth + 1)
            return [inner] if inner else []
        if isinstance(spec, Rel):
            return self._relation(spec, key, binding, value, depth)
        if not isinstance(value, dict):
            raise bad_input(f"{key} takes an operator object such as {{eq: ...}}")
        target = fill(spec.expr, binding)
        out = []
        for operator, operand in value.items():
            if operand is None:
                continue
            if operator == "isNull":
                out.append(f"{target} IS {'' if operand else 'NOT '}NULL")
                continue
            if operator not in _OPERATORS[spec.kind]:
                raise bad_input(f"{key} has no operator {operator}")
            if operator == "in":
                if not isinstance(operand, list) or len(operand) > MAX_IN_VALUES:
                    raise bad_input(f"{key}.in takes a list of at most {MAX_IN_VALUES} values")
                values = [_coerce(spec, v, f"{key}.in") for v in operand]
                out.append(f"{target} IN {self.param(values)}")
            elif operator == "contains":
                out.append(f"{target} CONTAINS {self.param(_coerce(spec, operand, key))}")
            elif operator == "containsIgnoreCase":
                out.append(f"toLower({target}) CONTAINS toLower({self.param(_coerce(spec, operand, key))})")
            elif operator == "startsWith":
                out.append(f"{target} STARTS WITH {self.param(_coerce(spec, operand, key))}")
            elif operator == "endsWith":
                out.append(f"{target} ENDS WITH {self.param(_coerce(spec, operand, key))}")
            else:
                out.append(f"{target} {_COMPARE[operator]} {self.param(_coerce(spec, operand, key))}")
        return out

    def _relation(self, spec: Rel, key: str, binding: dict[str, str], value: Any, depth: int) -> list[str]:
        if not isinstance(value, dict):
            raise bad_input(f"{key} takes {{some: ...}}, {{none: ...}} or {{all: ...}}")
        out = []
        for quantifier, inner_where in value.items():
            if inner_where is None:
                continue
            if quantifier not in ("some", "none", "all"):
                raise bad_input(f"{key} has no quantifier {quantifier}")
            names = dict(binding)
            for name in placeholders(spec.pattern):
                names.setdefault(name, self.var(name))
            pattern = fill(spec.pattern, names)
            inner_binding = {role: names[ph] for role, ph in spec.bind.items()}
            condition = self.where(spec.type, inner_binding, inner_where, depth + 1)
            if quantifier == "all":
                out.append(
                    f"NOT EXISTS {{ MATCH {pattern} WHERE NOT ({condition}) }}" if condition else "true"
                )
            else:
                exists = f"EXISTS {{ MATCH {pattern}{f' WHERE {condition}' if condition else ''} }}"
                out.append(exists if quantifier == "some" else f"NOT {exists}")
        return out


def excludes_null(type_name: str, where: Any, expr: str) -> bool:
    """True when `where` keeps only rows where the property `expr` is set (a comparison on it,
    at the top level or in an AND), so that ordering by it needs no stand-in for nulls."""
    if not isinstance(where, dict):
        return False
    for key, value in where.items():
        if key == "AND" and isinstance(value, list):
            if any(excludes_null(type_name, part, expr) for part in value):
                return True
            continue
        spec = FILTERS.get(type_name, {}).get(key)
        compared = isinstance(spec, Prop) and spec.expr == expr and isinstance(value, dict)
        if compared and any(op in _NON_NULL and operand is not None for op, operand in value.items()):
            return True
    return False
