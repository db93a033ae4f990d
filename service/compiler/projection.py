"""Turns a selection on one object into a Cypher map expression, reading the catalog.

Every connected field becomes a `CALL (vars) { ... }` subquery that ends in an aggregation, so it
always yields exactly one row and can never drop the row it hangs from; lists are ordered and
limited inside their own subquery; the final map has the response keys (aliases included), so
the result needs no reshaping in Python.
"""

from collections.abc import Callable
from typing import Any

from service.compiler.filters import FilterCompiler, FilterLimits
from service.compiler.known import KnownTime
from service.compiler.lists import Binding, Lists
from service.compiler.selection import Selection, SelectionError, merged
from service.compiler.statement import TYPE_KEY, Scope, response_key
from service.domain.catalog import (
    CATALOG,
    Bookkeeping,
    Bound,
    ColumnList,
    Computed,
    Connection,
    DateText,
    Embedded,
    Grouped,
    Hop,
    ItemEvidence,
    Items,
    Leaf,
    One,
    OnlyTierC,
    OrderKey,
    OrderSet,
    OutField,
    Prop,
)
from service.graph.fragments import ARCHIVED, RETRACTED, identifier, known_link, now, only_tier_c, prop

_HISTORY = Hop(("HAS_CHANGE",), True, "Change")
# Newest first, in commit order: a load's change and the API's share version numbers.
_HISTORY_ORDER = OrderSet(
    "Change", {"SEQ": OrderKey("SEQ", Prop("seq"), Leaf.INT, nullable=False)}, ("SEQ", True)
)


Extra = Callable[["Compiler", str, Selection, Scope], str]


class Compiler(Lists):
    """Projects selections into one statement. `extras` compile fields the catalog does not hold
    (per-company figures), keyed by (type, field); they receive the object's node variable."""

    def __init__(
        self, limits: FilterLimits | None = None, extras: dict[tuple[str, str], Extra] | None = None
    ) -> None:
        super().__init__()
        self.known = KnownTime(self.var)
        self.filters = FilterCompiler(
            self.param, self.var, limits, lambda: self.as_of or "date()", self.known, self.status_then
        )
        self.extras = extras or {}

    def entity_id(self, value: Any) -> str:
        """An entity id argument as Cypher: the id, or, when a merge dropped that entity, the id of
        the one it was merged into (`merge`). Under `knownAt` the graph answers as it stood, so
        no redirect: call this after the answer's moments are set."""
        asked = self.param(str(value))
        if self.known.on:
            return asked
        merged = self.var("merged")
        redirect = f"COLLECT {{ MATCH ({merged}:Entity {{id: {asked}}}) RETURN {merged}.merged_into }}[0]"
        return f"coalesce({redirect}, {asked})"

    # -- objects -------------------------------------------------------------------------

    def object(
        self, type_name: str, binding: Binding, selections: list[Selection], scope: Scope, prefix: str = ""
    ) -> str:
        if (union := CATALOG.unions.get(type_name)) is not None:
            return self._union(union.members, binding, selections, scope)
        out_type = CATALOG.outputs[type_name]
        entries = []
        for selection in merged([s for s in selections if s.on is None or s.on == type_name]):
            if selection.name == "__typename":
                entries.append(f"{response_key(selection)}: '{type_name}'")
                continue
            out = out_type.fields.get(selection.name)
            if out is None and (extra := self.extras.get((type_name, selection.name))) is not None:
                entries.append(f"{response_key(selection)}: {extra(self, binding['n'], selection, scope)}")
                continue
            if out is None:
                raise SelectionError(f"{type_name}.{selection.name} is not compiled")
            value = self.status_then(type_name, out.read, binding) if not prefix else None
            if value is None:
                value = self.field(out, binding, selection, scope, prefix)
            entries.append(f"{response_key(selection)}: {value}")
        return "{" + ", ".join(entries) + "}"

    def _union(
        self, members: tuple[str, ...], binding: Binding, selections: list[Selection], scope: Scope
    ) -> str:
        """An entity of one of `members`, shaped by the fragments on its type, with its type name."""
        node, branches = binding["n"], []
        for member in members:
            body = self.object(member, binding, selections, scope)[1:-1]
            typed = f"{body}, {TYPE_KEY}: '{member}'" if body else f"{TYPE_KEY}: '{member}'"
            test = f"{node}:{identifier(member)}"
            if self.known.on:  # retracted since: still of its kind then
                test = f"({test} OR {node}:{RETRACTED}{identifier(member)})"
            branches.append(f"WHEN {test} THEN {{{typed}}}")
        return f"CASE {' '.join(branches)} END"

    def field(
        self, out: OutField, binding: Binding, selection: Selection, scope: Scope, prefix: str = ""
    ) -> str:
        read = out.read
        match read:
            case Prop(stored=stored, on=on, default=default):
                value = prop(self.known.values(binding[on]), f"{prefix}_{stored}" if prefix else stored)
                return value if default is None else f"coalesce({value}, {self._literal(default)})"
            case DateText(stored=stored, on=on):
                values = self.known.values(binding[on])
                return f"toString({prop(values, f'{prefix}_{stored}' if prefix else stored)})"
            case Embedded(type=type_name, prefix=inner_prefix, on=on, present=present):
                # The value's own fields read the owner's (or the link's) properties, prefixed.
                inner_binding = {**binding, "n": binding[on]}
                inner = self.object(type_name, inner_binding, selection.children, scope, inner_prefix)
                if present is None:
                    return inner
                presence = prop(self.known.values(binding[on]), present)
                return f"CASE WHEN {presence} IS NOT NULL THEN {inner} END"
            case ColumnList(type=type_name, prefix=column_prefix):
                return self._columns(type_name, column_prefix, binding, selection, scope)
            case Bound(role=role):
                assert isinstance(out.type, str)
                return self.object(out.type, {"n": binding[role]}, selection.children, scope)
            case Computed(rule=rule):
                return now(rule, binding["r"], self.as_of or "date()")
            case OnlyTierC(owner_role=None):
                return only_tier_c(binding["n"])
            case OnlyTierC(owner_role=str(owner_role)):
                return only_tier_c(binding[owner_role], binding["r"])
            case Bookkeeping(what="retracted"):
                return self.known.retracted(binding["n"], f"{binding['n']}:{RETRACTED}")
            case Bookkeeping(what="retraction"):
                inner = self.object("Retraction", binding, selection.children, scope)
                retracted = self.known.retracted(binding["n"], f"{binding['n']}:{RETRACTED}")
                return f"CASE WHEN {retracted} THEN {inner} END"
            case Bookkeeping(what="history"):
                return self._history(binding, selection, scope)
            case One() | Connection() | Items() | Grouped():
                return self.related(out, binding, selection, scope)
            case ItemEvidence(owner_role=owner_role):
                return self._item_evidence(binding[owner_role], binding["r"], selection, scope)
        raise AssertionError(read)

    def _literal(self, value: Any) -> str:
        if value == []:
            return "[]"
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(int(value)) if isinstance(value, int) else self.param(value)

    def _columns(
        self, type_name: str, prefix: str, binding: Binding, selection: Selection, scope: Scope
    ) -> str:
        index, node = self.var("i"), self.known.values(binding["n"])
        parts = []
        for child in merged(selection.children):
            if child.name == "__typename":
                parts.append(f"{response_key(child)}: '{type_name}'")
                continue
            out = CATALOG.outputs[type_name].fields[child.name]
            assert isinstance(out.read, Prop)
            value = f"{prop(node, f'{prefix}_{out.read.stored}s')}[{index}]"
            if out.nullable:  # unset values are kept as "" (lists hold no nulls)
                value = f"nullIf({value}, '')"
            parts.append(f"{response_key(child)}: {value}")
        # Every column has one value per item: the first field's column gives their number.
        leading = next(f.read for f in CATALOG.outputs[type_name].fields.values() if isinstance(f.read, Prop))
        first = prop(node, f"{prefix}_{leading.stored}s")
        return f"[{index} IN range(0, size(coalesce({first}, [])) - 1) | {{{', '.join(parts)}}}]"

    def _item_evidence(self, owner: str, rel: str, selection: Selection, scope: Scope) -> str:
        """A link's own evidence items: the owner's SOURCED_BY edges from the link's evidence_ord."""
        edge, source, out = self.var("e"), self.var("s"), self.var("sources")
        inner = Scope()
        item = self.object("Evidence", {"r": edge, "source": source}, selection.children, inner)
        # Under knownAt, the link may be an archived copy: its evidence is the edges of then.
        types, then = "SOURCED_BY", ""
        if self.known.at is not None:
            types, then = f"SOURCED_BY|{ARCHIVED}", f"{known_link(edge, self.known.at, ('SOURCED_BY',))} AND "
        scope.calls.append(
            f"CALL ({owner}, {rel}) {{ MATCH ({owner})-[{edge}:{types}]->({source}:Source) "
            f"WHERE {then}{edge}.ord >= {rel}.evidence_ord "
            f"AND {edge}.ord < {rel}.evidence_ord + size({rel}.sources) "
            f"WITH {edge}, {source} ORDER BY {edge}.ord {' '.join(inner.calls)} "
            f"RETURN collect({item}) AS {out} }}"
        )
        return out

    def _history(self, binding: Binding, selection: Selection, scope: Scope) -> str:
        out = OutField("history", "", "Change", Connection(_HISTORY), connection="Change", order="Change")
        return self.related(out, binding, selection, scope, _HISTORY_ORDER)
