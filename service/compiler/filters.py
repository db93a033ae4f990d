"""`where` values, as graphql-core coerced them, compiled to Cypher conditions with parameters.

Relationship filters become EXISTS subqueries anchored on the already-bound node, so they never
start from a label scan of the whole graph. Every condition costs planning time in Neo4j, and
the transaction timeout stops a planning only at its next check (a 10,000-branch OR timed out
at 2 s came back after 6.9 s), so a filter's size is bounded here, literals and variables alike:
conditions in all (`FilterLimits.terms`), related-item filters, values in one `in` list, and
nesting depth.
"""

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any

from service.compiler.known import KnownTime
from service.domain.catalog import (
    CATALOG,
    Connection,
    DateText,
    Grouped,
    Items,
    ListFilter,
    NestedFilter,
    One,
    OnlyTierC,
    Prop,
    PropFilter,
)
from service.errors import ApiError, bad_input
from service.graph.fragments import degree, now, only_tier_c, prop

_COMPARE = {"eq": "=", "ne": "<>", "lt": "<", "lte": "<=", "gt": ">", "gte": ">="}
_TEXT = {"contains": "CONTAINS", "startsWith": "STARTS WITH", "endsWith": "ENDS WITH"}
# Operators no null satisfies: with one of them on a property, the rows left all have it.
NON_NULL = {"eq", "in", "lt", "lte", "gt", "gte", "contains", "containsIgnoreCase", "startsWith", "endsWith"}


@dataclass(frozen=True)
class FilterLimits:
    terms: int = 100  # conditions in one field's filters, relations included
    in_values: int = 1000  # values in one `in` list
    depth: int = 6  # levels of AND/OR/NOT and related-item filters
    # Related-item filters (some, none, all) in one field's filters: each is an EXISTS subquery,
    # and Neo4j's planning time grows much faster than their number (three ORed trees of 14
    # took 5 to 6.5 s to plan, before any row was read).
    relations: int = 8
    relation_depth: int = 4  # related-item filters inside one another (6 deep took 1.7 s to plan)


def too_complex(message: str) -> ApiError:
    return ApiError(message, "QUERY_TOO_COMPLEX")


def _operand(value: Any) -> Any:
    """A coerced value as a parameter: vocabulary members as their stored text."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list):
        return [_operand(v) for v in value]
    return value


class FilterCompiler:
    """Builds conditions; `param` stores a value and returns its $name, `var` names a variable."""

    def __init__(
        self,
        param: Callable[[Any], str],
        var: Callable[[str], str],
        limits: FilterLimits | None = None,
        today: Callable[[], str] = lambda: "date()",
        known: KnownTime | None = None,
        dated: Callable[[str, Any, dict[str, str]], str | None] = lambda *_: None,
    ) -> None:
        self.param, self.var, self.today = param, var, today
        self.known = known or KnownTime(var)
        self.dated = dated  # (type, read, binding) -> the status dated events set, under asOf
        self.limits = limits or FilterLimits()
        self.terms = 0
        self.relations = 0
        self._inside = 0  # related-item filters around the one being compiled

    def where(self, type_name: str, binding: dict[str, str], where: Any, depth: int = 0) -> str | None:
        if not where:
            return None
        if depth > self.limits.depth:
            raise too_complex(f"filters nest at most {self.limits.depth} levels deep")
        table = CATALOG.wheres[type_name].fields
        conditions: list[str] = []
        for key, value in where.items():
            if value is None:
                continue
            if key in ("AND", "OR"):
                parts = [p for p in (self.where(type_name, binding, v, depth + 1) for v in value) if p]
                if parts:
                    conditions.append("(" + f" {key} ".join(f"({p})" for p in parts) + ")")
                elif key == "OR" and value == []:
                    conditions.append("false")  # no alternative holds
            elif key == "NOT":
                if (inner := self.where(type_name, binding, value, depth + 1)) is not None:
                    conditions.append(f"NOT ({inner})")
            else:
                conditions.extend(self._field(type_name, table[key], binding, value, depth))
        return " AND ".join(conditions) if conditions else None

    def _count(self, terms: int = 1) -> None:
        self.terms += terms
        if self.terms > self.limits.terms:
            raise too_complex(f"filters may have at most {self.limits.terms} conditions")

    def _field(self, type_name: str, spec: Any, binding: dict[str, str], value: Any, depth: int) -> list[str]:
        match spec:
            case NestedFilter(type=type_name, role=role):
                inner = self.where(type_name, {"n": binding[role]}, value, depth + 1)
                return [inner] if inner else []
            case ListFilter():
                return self._related(spec, binding, value, depth)
            case PropFilter(read=read):
                target = self.dated(type_name, read, binding) or self._target(read, binding)
                return self._operators(spec.name, target, value)
        raise AssertionError(spec)

    def _target(self, read: Any, binding: dict[str, str]) -> str:
        match read:
            case Prop(stored=stored, on=on, default=default) if default is not None:
                return f"coalesce({prop(self.known.values(binding[on]), stored)}, {self.param(default)})"
            case Prop(stored=stored, on=on) | DateText(stored=stored, on=on):
                return prop(self.known.values(binding[on]), stored)
            case OnlyTierC(owner_role=None):
                return only_tier_c(binding["n"])
            case OnlyTierC(owner_role=owner_role) if owner_role is not None:
                return only_tier_c(binding[owner_role], binding["r"])
        return now(read.rule, binding["r"], self.today())

    def _operators(self, name: str, target: str, value: dict[str, Any]) -> list[str]:
        out = []
        for operator, operand in value.items():
            if operand is None:
                raise bad_input(f"{name}.{operator}: null is not a value here (use isNull)")
            self._count()
            if operator == "isNull":
                out.append(f"{target} IS {'' if operand else 'NOT '}NULL")
            elif operator == "in":
                if len(operand) > self.limits.in_values:
                    raise too_complex(f"{name}.in takes at most {self.limits.in_values} values")
                out.append(f"{target} IN {self.param(_operand(operand))}")
            elif operator in _TEXT:
                out.append(f"{target} {_TEXT[operator]} {self.param(operand)}")
            elif operator == "containsIgnoreCase":
                out.append(f"toLower({target}) CONTAINS toLower({self.param(operand)})")
            else:
                out.append(f"{target} {_COMPARE[operator]} {self.param(_operand(operand))}")
        return out

    def _comparisons(self, name: str, value: dict[str, Any]) -> list[tuple[str, str]]:
        """A `count` filter's comparisons as (operator, $parameter), each a filter term."""
        comparisons = []
        for operator, operand in value.items():
            if operator == "where":
                continue
            if operand is None:
                raise bad_input(f"{name}.count.{operator}: null is not a value here")
            self._count()
            comparisons.append((_COMPARE[operator], self.param(operand)))
        if not comparisons:
            raise bad_input(f"{name}.count needs a comparison (eq, ne, lt, lte, gt or gte)")
        return comparisons

    def _compared(self, found: str, comparisons: list[tuple[str, str]]) -> str:
        """The count held to its comparisons, counted once however many there are."""
        if len(comparisons) == 1:
            ((operator, operand),) = comparisons
            return f"{found} {operator} {operand}"
        n = self.var("k")
        tests = " AND ".join(f"{n} {operator} {operand}" for operator, operand in comparisons)
        # `any` of the one count, not `all`: the planner splits `all(... WHERE a AND b)` into one
        # `all` per comparison, each with its own copy of the subquery to plan and to run.
        return f"any({n} IN [{found}] WHERE {tests})"

    def _related(
        self, spec: ListFilter, binding: dict[str, str], value: dict[str, Any], depth: int
    ) -> list[str]:
        if isinstance(spec.read, One):
            # One related entity: its `where` directly, as `some` would match it.
            value = {"some": value}
        out = []
        for quantifier, inner_where in value.items():
            if inner_where is None:
                continue
            if quantifier == "count":
                comparisons = self._comparisons(spec.name, inner_where)
                inner_where = inner_where.get("where")
            else:
                self._count()
            self.relations += 1
            if self.relations > self.limits.relations:
                raise too_complex(
                    f"filters may have at most {self.limits.relations} related-item filters (some, none, all)"
                )
            other, rel = self.known.node("m"), self.var("r")
            match spec.read:
                case Items(hop=hop, owner_role=owner_role, end_role=end_role):
                    inner_binding = {owner_role: binding["n"], end_role: other, "r": rel}
                case Grouped(hop=hop, via=None) | Connection(hop=hop) | One(hop=hop):
                    rel = self.known.link_var("r")
                    inner_binding = {"n": other}
                case _:
                    raise AssertionError(spec.read)
            match_pattern = self.known.step(binding["n"], hop, other, rel)
            held = self.known.held((other,), ((rel, hop),))
            self._inside += 1
            if self._inside > self.limits.relation_depth:
                raise too_complex(
                    f"related-item filters nest at most {self.limits.relation_depth} levels deep"
                )
            try:
                condition = self.where(spec.type, inner_binding, inner_where, depth + 1)
            finally:
                self._inside -= 1
            # Under knownAt, only what the graph held then takes part.
            if quantifier == "count":
                met = " AND ".join([*([held] if held else []), *([condition] if condition else [])])
                # Link items are counted one per link; entities once, however many links lead there.
                counted = rel if isinstance(spec.read, Items) else other
                matched = f"MATCH {match_pattern}{f' WHERE {met}' if met else ''}"
                found = f"COUNT {{ {matched} RETURN DISTINCT {counted} }}"
                # No more items than links: a lower bound on the count is first held to the
                # node's degree, so that only the nodes with enough links are followed. (Not
                # under knownAt, whose links of then include archived ones.)
                if not self.known.on:
                    links = degree(binding["n"], hop)
                    out += [f"{links} {op} {operand}" for op, operand in _at_least(comparisons)]
                out.append(self._compared(found, comparisons))
            elif quantifier == "all":
                unmet = " AND ".join([*([held] if held else []), f"NOT ({condition})"])
                out.append(f"NOT EXISTS {{ MATCH {match_pattern} WHERE {unmet} }}" if condition else "true")
            else:
                met = " AND ".join([*([held] if held else []), *([condition] if condition else [])])
                exists = f"EXISTS {{ MATCH {match_pattern}{f' WHERE {met}' if met else ''} }}"
                out.append(exists if quantifier == "some" else f"NOT {exists}")
        return out


def _at_least(comparisons: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The lower bounds among a count's comparisons (`=` is one too), as comparisons."""
    return [(">=" if op == "=" else op, operand) for op, operand in comparisons if op in (">", ">=", "=")]


def excludes_null(type_name: str, where: Any, stored: str) -> bool:
    """True when `where` keeps only rows where the property `stored` is set (a comparison on it,
    at the top level or in an AND), so that ordering by it needs no stand-in for nulls."""
    if not isinstance(where, dict):
        return False
    table = CATALOG.wheres.get(type_name)
    for key, value in where.items():
        if key == "AND" and isinstance(value, list):
            if any(excludes_null(type_name, part, stored) for part in value):
                return True
            continue
        spec = table.fields.get(key) if table else None
        compared = (
            isinstance(spec, PropFilter)
            and isinstance(spec.read, Prop | DateText)
            and spec.read.stored == stored
            and isinstance(value, dict)
        )
        if compared and any(op in NON_NULL and operand is not None for op, operand in value.items()):
            return True
    return False
