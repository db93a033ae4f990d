"""Related objects as one subquery each: a single object, a plain list, or a keyset-paged
connection (its edges, nodes, cursors, page info and total), and a grouped connection's edge data.

Each list is ordered and limited inside its own `CALL (vars) { ... }`, which ends in an
aggregation, so it always yields exactly one row and never drops the row it hangs from.
"""

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from service.compiler.aggregates import Aggregation
from service.compiler.filters import FilterCompiler, excludes_null
from service.compiler.known import KnownTime
from service.compiler.paging import Page, parse_page, sentinel
from service.compiler.selection import Selection, SelectionError, merged
from service.compiler.statement import Names, Scope, response_key
from service.domain.catalog import (
    AGGREGATES,
    CATALOG,
    Connection,
    Grouped,
    Hop,
    Items,
    One,
    OrderKey,
    OrderSet,
    OutField,
    Prop,
)
from service.graph.fragments import NOT_LINKS, RETRACTED, held, identifier, link_type, prop, status_then

Binding = dict[str, str]  # roles ("n", "r", "person", ...) -> Cypher variables


MAX_WITHIN = 3  # links out from `near` or a watch's entities


def _one_row_each(read: object) -> bool:
    """Whether a list's rows are its items, one each (a root's), so counting needs no DISTINCT."""
    return isinstance(read, Everything)


@dataclass(frozen=True)
class Everything:
    """Every entity of a type (a root list), retracted ones too when asked."""

    type: str
    retracted: bool = False
    # Changes only: those of the entities within `within` links of the entity whose id the
    # parameter `near` names (sources and history are not links).
    near: str | None = None
    within: int = 1
    # Changes only: those a saved watch follows (the parameter `watch` names its id). The watch
    # is read inside the statement, so a changed watch applies to the next page.
    watch: str | None = None
    # Events only: those about the entity whose id the parameter `about` names, and about the
    # partnerships it is party to (its timeline).
    about: str | None = None


class Lists(Names, ABC):
    """The related-objects half of the compiler; `object` is the projection's."""

    filters: FilterCompiler
    known: KnownTime  # transaction time: `knownAt`
    # Valid time: the parameter holding an `asOf` date, set by the root for the whole statement
    # (every list of it keeps only what held on that date); None answers for today.
    as_of: str | None = None

    def answer_as_of(self, args: dict[str, Any]) -> None:
        """Answer the whole statement as of the root's `asOf` date and as the graph stood at its
        `knownAt` moment, when it has them."""
        if args.get("asOf") is not None:
            self.as_of = self.param(args["asOf"])
        if args.get("knownAt") is not None:
            self.known.at = self.param(args["knownAt"])

    def held_then(self, var: str, name: str, is_link: bool) -> str:
        """A condition: `var` (a node of label `name`, or a relationship of that type) held on
        the `asOf` date; true without one, or for what has no valid time."""
        span = (CATALOG.valid_links if is_link else CATALOG.valid_nodes).get(name)
        if self.as_of is None or span is None:
            return "true"
        return held(self.known.values(var), span, self.as_of)

    def status_then(self, type_name: str, read: Any, binding: Binding) -> str | None:
        """Under `asOf`, the status the dated events of the entity gave it by then, when `read`
        reads a status they set (`SetsStatus`); None otherwise."""
        dated = CATALOG.dated_status.get(type_name)
        if self.as_of is None or dated is None or not isinstance(read, Prop) or read.stored != dated.status:
            return None
        node = binding[read.on]
        return status_then(node, self.known.values(node), dated, self.as_of, self.var("se"))

    def held_any(self, var: str, is_link: bool) -> str:
        """A condition: `var`, a node (or relationship) of any label (or type), held on the
        `asOf` date: every valid time the catalog knows is tested, since the properties of one
        are absent (null, so passing) on the others."""
        if self.as_of is None:
            return "true"
        spans = (CATALOG.valid_links if is_link else CATALOG.valid_nodes).values()
        return " AND ".join(dict.fromkeys(held(var, span, self.as_of) for span in spans)) or "true"

    def holding(self, *bound: tuple[str, str, bool]) -> list[str]:
        """`WITH * WHERE` lines keeping, under `asOf`, only what held on its date: for each
        (variable, label or relationship type, is a relationship) that has a valid time."""
        conditions = [c for var, name, link in bound if (c := self.held_then(var, name, link)) != "true"]
        return [f"WITH * WHERE {' AND '.join(conditions)}"] if conditions else []

    @abstractmethod
    def object(
        self, type_name: str, binding: Binding, selections: list[Selection], scope: Scope, prefix: str = ""
    ) -> str: ...

    def related(
        self,
        out: OutField,
        outer: Binding,
        selection: Selection,
        scope: Scope,
        orders: OrderSet | None = None,
        read_as: "Everything | None" = None,
    ) -> str:
        read = read_as or out.read
        start = outer.get("n", "")
        item, rel = self.known.node("m"), self.var("l")
        known = self.known
        gathered = self.var("via")
        lines: list[str] = []
        keys = [start] if start else []
        match read:
            case Everything(type=type_name, about=str() as about):
                subject, event = self.var("s"), self.var("e")
                label = identifier(type_name)
                lines.append(
                    f"MATCH ({subject}:Entity {{id: {about}}}) CALL ({subject}) {{ "
                    f"MATCH ({subject})<-[:ABOUT]-({event}:{label}) RETURN {event} AS {item} UNION "
                    f"MATCH ({subject})-[:PARTY_TO]->(:Partnership)<-[:ABOUT]-({event}:{label}) "
                    f"RETURN {event} AS {item} }}"
                )
                lines.extend(self.holding((item, type_name, False)))
                binding, filtered = {"n": item}, True
            case Everything(type=type_name, watch=str() as watch):
                around, saved, link = self.var("y"), self.var("w"), self.var("r")
                # The depth and the link kinds come from the watch: one branch per depth (a
                # pattern's bounds are literals; only the branch of the watch's depth expands),
                # the kinds as a predicate on each link.
                kinds = f"WHERE size({saved}.rels) = 0 OR type({link}) IN {saved}.rels"
                branches = " UNION ".join(
                    f"WITH {saved}, start WHERE {saved}.within = {depth} MATCH "
                    + (
                        f"(:Entity {{id: start}})-[{link}:{NOT_LINKS} {kinds}]-{{0,{depth}}}({around}:Entity)"
                        if depth
                        else f"({around}:Entity {{id: start}})"
                    )
                    + f" RETURN {around}"
                    for depth in range(MAX_WITHIN + 1)
                )
                lines.append(
                    f"MATCH ({saved}:Watch {{id: {watch}}}) UNWIND {saved}.entities AS start "
                    f"CALL ({saved}, start) {{ {branches} }} WITH DISTINCT {saved}, {around} "
                    f"MATCH ({around})-[:HAS_CHANGE]->({item}:{identifier(type_name)}) "
                    f"WHERE size({saved}.actions) = 0 OR {item}.action IN {saved}.actions"
                )
                binding, filtered = {"n": item}, True
            case Everything(type=type_name, near=str() as near, within=within):
                around = self.var("y")
                lines.append(
                    f"MATCH (:Entity {{id: {near}}})-[:{NOT_LINKS}]-{{0,{within}}}"
                    f"({around}:Entity) WITH DISTINCT {around} "
                    f"MATCH ({around})-[:HAS_CHANGE]->({item}:{identifier(type_name)})"
                )
                binding, filtered = {"n": item}, True
            case Everything(type=type_name, retracted=retracted):
                label = identifier(type_name)
                either = retracted or known.on  # under knownAt: those retracted since, too
                lines.append(f"MATCH ({item}:{label}{f'|{RETRACTED}{label}' if either else ''})")
                if known.on:
                    lines.append(f"WITH * WHERE {known.present(item, retracted)}")
                lines.extend(self.holding((item, type_name, False)))
                binding, filtered = {"n": item}, True
            case One(hop=hop) | Connection(hop=hop):
                step = known.link_var("k")
                lines.append(f"MATCH {known.step(start, hop, item, step)}")
                lines.extend(known.lines((item,), ((step, hop),) if step else ()))
                lines.extend(self.holding((item, hop.target, False)))
                binding, type_name, filtered = {"n": item}, hop.target, True
            case Items(hop=hop, owner_role=owner_role, end_role=end_role):
                lines.append(f"MATCH {known.step(start, hop, item, rel)}")
                lines.extend(known.lines((item,), ((rel, hop),)))
                lines.extend(self.holding((rel, hop.rels[0], True), (item, hop.target, False)))
                binding = {owner_role: start, end_role: item, "r": rel}
                type_name, filtered = read.type, False
            case Grouped(hop=hop, gather=gather, via=via):
                middle = known.node("q")
                if via is not None:
                    step = known.link_var("k")
                    lines.append(
                        f"MATCH {known.step(start, via, middle, step)}, {known.step(middle, hop, item, rel)}"
                    )
                    lines.append(f"WHERE {item} <> {start}")
                    lines.extend(known.lines((middle, item), ((step, via), (rel, hop)) if step else ()))
                    lines.extend(
                        self.holding(
                            (middle, via.target, False), (rel, hop.rels[0], True), (item, hop.target, False)
                        )
                    )
                    aggregate = f"collect(DISTINCT {middle}.id)"
                else:
                    lines.append(f"MATCH {known.step(start, hop, item, rel)}")
                    lines.extend(known.lines((item,), ((rel, hop),)))
                    lines.extend(self.holding((rel, hop.rels[0], True), (item, hop.target, False)))
                    aggregate = {
                        "type": f"collect(DISTINCT toLower({link_type(rel, known.on)}))",
                        "partnership": f"collect(DISTINCT {rel}.partnership)",
                    }.get(gather, f"collect(DISTINCT {rel}.{gather})")
                if any(child.name == "edges" for child in selection.children):
                    lines.append(f"WITH {start}, {item}, {aggregate} AS {gathered}")
                else:
                    # What the aggregate gathers only edges show: without edges, one row per item is all.
                    lines.append(f"WITH DISTINCT {start}, {item}")
                binding, type_name, filtered = {"n": item, "gathered": gathered}, hop.target, True
            case _:
                raise AssertionError(read)
        where = selection.args.get("where") if filtered else None
        if where:
            condition = self.filters.where(type_name, {"n": item}, where)
            if condition:
                lines.append(f"WITH * WHERE {condition}")
        count_lines = list(lines)

        paged = out.connection is not None
        if isinstance(read, One):
            lines.append("WITH * LIMIT 1")
            return self._collected(type_name, binding, selection, scope, lines, keys, single=True)
        if isinstance(read, Items):
            orders = OrderSet(
                read.type, {read.order.member: read.order}, (read.order.member, read.descending)
            )
            tiebreak = f"{item}.id + '/' + toString(coalesce({rel}.ord, {rel}.title, ''))"
        else:
            orders = orders or CATALOG.orders[type_name]
            tiebreak = f"{item}.id"
        page = parse_page(selection.args if paged else {}, orders.keys, orders.default)
        sort_key, tie = self._order(lines, page, orders.keys[page.field], binding, tiebreak, type_name, where)
        direction = "DESC" if page.descending else "ASC"
        limit = f" LIMIT {page.first + 1}" if paged else ""
        lines.append(f"WITH * ORDER BY {sort_key} {direction}, {tie} {direction}{limit}")
        if not paged:
            return self._collected(type_name, binding, selection, scope, lines, keys, single=False)
        return self._connection(
            out, type_name, binding, selection, scope, lines, count_lines, keys, page, sort_key, tie, read
        )

    def _order(
        self,
        lines: list[str],
        page: Page,
        key: OrderKey,
        binding: Binding,
        tiebreak: str,
        type_name: str,
        where: Any,
    ) -> tuple[str, str]:
        sort_key, tie = self.var("k"), self.var("t")
        on = binding["r"] if key.read.on == "r" else binding["n"]
        expr = prop(self.known.values(on), key.read.stored)
        if key.ignore_case:
            expr = f"toLower({expr})"
        op = "<" if page.descending else ">"
        if not key.nullable or excludes_null(type_name, where, key.read.stored):
            # No nulls to place last: conditions on the property itself (not on an alias) let
            # Neo4j seek its index in order and stop after the page (PartialTop).
            lines.append(f"WITH * WHERE {expr} IS NOT NULL")
            if page.after is not None:
                value, last = self.param(page.after[0]), self.param(page.after[1])
                if expr == tiebreak:
                    lines.append(f"WITH * WHERE {expr} {op} {last}")
                else:
                    lines.append(
                        f"WITH * WHERE {expr} {op}= {value} "
                        f"AND ({expr} {op} {value} OR {tiebreak} {op} {last})"
                    )
            lines.append(f"WITH *, {expr} AS {sort_key}, {tiebreak} AS {tie}")
        else:
            null_last = self.param(sentinel(key, page.descending))
            lines.append(f"WITH *, coalesce({expr}, {null_last}) AS {sort_key}, {tiebreak} AS {tie}")
            if page.after is not None:
                value, last = self.param(page.after[0]), self.param(page.after[1])
                lines.append(
                    f"WITH * WHERE ({sort_key} {op} {value} OR ({sort_key} = {value} AND {tie} {op} {last}))"
                )
        return sort_key, tie

    def _collected(
        self,
        type_name: str,
        binding: Binding,
        selection: Selection,
        scope: Scope,
        lines: list[str],
        keys: list[str],
        single: bool,
    ) -> str:
        inner = Scope()
        item = self.object(type_name, binding, selection.children, inner)
        result = self.var("items")
        body = " ".join([*lines, *inner.calls, f"RETURN collect({item}) AS {result}"])
        scope.calls.append(f"CALL ({', '.join(keys)}) {{ {body} }}")
        return f"{result}[0]" if single else result

    def _connection(
        self,
        out: OutField,
        type_name: str,
        binding: Binding,
        selection: Selection,
        scope: Scope,
        lines: list[str],
        count_lines: list[str],
        keys: list[str],
        page: Page,
        sort_key: str,
        tie: str,
        read: Any = None,
    ) -> str:
        inner = Scope()
        cursor = f"'{page.token}|' + toString({sort_key}) + '|' + {tie}"
        children = merged(selection.children)
        # Cursors cost a string per row: build them only when the page's ends are asked for.
        info = [p.name for c in children if c.name == "pageInfo" for p in c.children]
        row: list[str] = [f"c: {cursor}"] if "endCursor" in info or "startCursor" in info else []
        edges_sel = [s for s in children if s.name == "edges"]
        nodes_sel = [s for s in children if s.name == "nodes"]
        prefix = out.connection or type_name
        for index, edges in enumerate(edges_sel):
            parts = []
            for child in merged(edges.children):
                if child.name == "cursor":
                    parts.append(f"{response_key(child)}: {cursor}")
                elif child.name == "node":
                    parts.append(
                        f"{response_key(child)}: {self.object(type_name, binding, child.children, inner)}"
                    )
                elif child.name == "__typename":
                    parts.append(f"{response_key(child)}: '{prefix}Edge'")
                elif out.edge is not None and child.name == out.edge.name:
                    parts.append(f"{response_key(child)}: {self._edge(out.edge, binding, child, inner)}")
                else:
                    raise SelectionError(f"{prefix}Edge.{child.name} is not compiled")
            row.append(f"e{index}: {{{', '.join(parts)}}}")
        for index, nodes in enumerate(nodes_sel):
            row.append(f"n{index}: {self.object(type_name, binding, nodes.children, inner)}")

        rows = self.var("rows")
        body = " ".join([*lines, *inner.calls, f"RETURN collect({{{', '.join(row)}}}) AS {rows}"])
        if any(c.name in ("edges", "nodes", "pageInfo") for c in children):
            # Only the page needs its rows: an aggregate or a count alone reads none of them.
            scope.calls.append(f"CALL ({', '.join(keys)}) {{ {body} }}")
        page_rows = f"{rows}[..{page.first}]"

        entries = []
        for child in children:
            match child.name:
                case "edges":
                    entries.append(f"{response_key(child)}: [x IN {page_rows} | x.e{edges_sel.index(child)}]")
                case "nodes":
                    entries.append(f"{response_key(child)}: [x IN {page_rows} | x.n{nodes_sel.index(child)}]")
                case "totalCount":
                    total = self.var("total")
                    counted = binding.get("r") if isinstance(out.read, Items) else binding["n"]
                    count_body = f"{' '.join(count_lines)} RETURN count(DISTINCT {counted}) AS {total}"
                    scope.calls.append(f"CALL ({', '.join(keys)}) {{ {count_body} }}")
                    entries.append(f"{response_key(child)}: {total}")
                case "pageInfo":
                    parts = []
                    for part in child.children:
                        value = {
                            "hasNextPage": f"size({rows}) > {page.first}",
                            "hasPreviousPage": "true" if page.after is not None else "false",
                            "endCursor": f"last({page_rows}).c",
                            "startCursor": f"head({page_rows}).c",
                            "__typename": "'PageInfo'",
                        }.get(part.name)
                        if value is None:
                            raise SelectionError(f"PageInfo.{part.name} is not compiled")
                        parts.append(f"{response_key(part)}: {value}")
                    entries.append(f"{response_key(child)}: {{{', '.join(parts)}}}")
                case "aggregate" | "groupBy" if type_name in AGGREGATES and not isinstance(out.read, Items):
                    aggregation = Aggregation(
                        self,
                        type_name,
                        binding["n"],
                        self._reader(type_name),
                        not _one_row_each(read),
                        self._related_key,
                        keys[0] if keys and not isinstance(read, Everything) else None,
                    )
                    compile = aggregation.aggregate if child.name == "aggregate" else aggregation.group_by
                    aggregate_body, result = compile(child, count_lines)
                    scope.calls.append(f"CALL ({', '.join(keys)}) {{ {aggregate_body} }}")
                    entries.append(f"{response_key(child)}: {result}")
                case "__typename":
                    entries.append(f"{response_key(child)}: '{prefix}Connection'")
                case _:
                    raise SelectionError(f"connections have no field {child.name}")
        return "{" + ", ".join(entries) + "}"

    def _related_key(self, item: str, hop: Hop, other: str, owner: str | None) -> str:
        """The entity an item is grouped under: one hop away, held then, not the list's owner."""
        rel = self.var("l")
        conditions = [f"{other} <> {owner}"] if owner else []
        if known := self.known.held((other,), ((rel, hop),)):
            conditions.append(known)
        then = (self.held_then(rel, hop.rels[0], True), self.held_then(other, hop.target, False))
        conditions += [c for c in then if c != "true"]
        where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
        return f"OPTIONAL MATCH {self.known.step(item, hop, other, rel)}{where}"

    def _reader(self, type_name: str) -> Callable[[str, str], str]:
        """Reads a stored property of an item as the statement answers it (the status events gave
        it under `asOf`, its value of then under `knownAt`)."""

        def read(stored: str, var: str) -> str:
            then = self.status_then(type_name, Prop(stored), {"n": var})
            return then or prop(self.known.values(var), stored)

        return read

    def _edge(self, edge: OutField, binding: Binding, selection: Selection, scope: Scope) -> str:
        """Edge data of a grouped connection: the gathered values, or the partnerships they name."""
        gathered = binding["gathered"]
        if edge.type != "Partnership":
            return gathered
        deal, ids = self.known.node("deal"), self.var("pid")
        orders = CATALOG.orders["Partnership"]
        page = parse_page({}, orders.keys, orders.default)
        partnership = f"Partnership|{RETRACTED}Partnership" if self.known.on else "Partnership"
        lines = [f"UNWIND {gathered} AS {ids} MATCH ({deal}:{partnership} {{id: {ids}}})"]
        lines.extend(self.known.lines((deal,)))
        sort_key, tie = self._order(
            lines, page, orders.keys[page.field], {"n": deal}, f"{deal}.id", "Partnership", None
        )
        lines.append(f"WITH * ORDER BY {sort_key} {'DESC' if page.descending else 'ASC'}, {tie}")
        return self._collected("Partnership", {"n": deal}, selection, scope, lines, [gathered], single=False)
