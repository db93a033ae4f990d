"""Turns one root field's selection into one Cypher statement whose single row is the answer.

Every connected field becomes a `CALL (vars) { ... }` subquery that ends in an aggregation, so it
always yields exactly one row and can never drop the row it hangs from; lists are ordered and
limited inside their own subquery; the final map has the response keys (aliases included), so
the result needs no reshaping in Python.
"""

from dataclasses import dataclass, field
from typing import Any

from service.errors import bad_input
from service.graph.query.filters import FilterCompiler, excludes_null, fill, placeholders
from service.graph.query.model import (
    DEFAULT_ORDER,
    LABELS,
    MODEL,
    ORDERS,
    Bound,
    Capacities,
    Embedded,
    FieldSpec,
    Figures,
    Related,
    Scalar,
)
from service.graph.query.paging import Page, parse_page, sentinel
from service.graph.query.selection import Selection, SelectionError, merged

TYPE_KEY = "__type"  # hidden key naming the concrete type where the field is abstract
SEARCH_CANDIDATES = 500  # index hits ranked per search; the page is cut from these


@dataclass
class Statement:
    text: str
    params: dict[str, Any]


@dataclass
class Scope:
    calls: list[str] = field(default_factory=list)


def response_key(selection: Selection) -> str:
    # Response keys are GraphQL names ([_A-Za-z][_0-9A-Za-z]*), safe inside backticks.
    return f"`{selection.key}`"


class Compiler:
    def __init__(self) -> None:
        self.params: dict[str, Any] = {}
        self._count = 0
        self.filters = FilterCompiler(self.param, self.var)

    def var(self, hint: str) -> str:
        self._count += 1
        return f"{hint}_{self._count}"

    def param(self, value: Any) -> str:
        name = f"p{len(self.params)}"
        self.params[name] = value
        return f"${name}"

    # -- objects -------------------------------------------------------------------------

    def object(
        self, type_name: str, binding: dict[str, str], selections: list[Selection], scope: Scope
    ) -> str:
        entries = []
        for selection in merged([s for s in selections if s.on is None or s.on == type_name]):
            if selection.name == "__typename":
                entries.append(f"{response_key(selection)}: '{type_name}'")
                continue
            spec = MODEL.get(type_name, {}).get(selection.name)
            if spec is None:
                raise SelectionError(f"{type_name}.{selection.name} is not compiled")
            entries.append(f"{response_key(selection)}: {self._field(spec, binding, selection, scope)}")
        return "{" + ", ".join(entries) + "}"

    def _field(self, spec: FieldSpec, binding: dict[str, str], selection: Selection, scope: Scope) -> str:
        match spec:
            case Scalar(expr=expr):
                return fill(expr, binding)
            case Embedded(type=type_name, condition=condition):
                inner = self.object(type_name, binding, selection.children, scope)
                return f"CASE WHEN {fill(condition, binding)} THEN {inner} END" if condition else inner
            case Bound(type=type_name, role=role):
                return self.object(type_name, {"n": binding[role]}, selection.children, scope)
            case Capacities():
                index = self.var("i")
                item = self.object("Capacity", {**binding, "i": index}, selection.children, scope)
                node = binding["n"]
                return f"[{index} IN range(0, size(coalesce({node}.capacity_amounts, [])) - 1) | {item}]"
            case Related():
                return self.related(spec, binding, selection, scope)
            case Figures():
                from service.graph.query.analytics import company_stats  # it builds on this module

                return company_stats(self, binding["n"], selection, scope)
        raise AssertionError(spec)

    # -- related objects -----------------------------------------------------------------

    def related(self, spec: Related, outer: dict[str, str], selection: Selection, scope: Scope) -> str:
        names = dict(outer)
        templates = [
            spec.match,
            spec.tiebreak,
            *spec.collect.values(),
            *(o.expr for o in (spec.order or {}).values()),
        ]
        for template in templates:
            for name in placeholders(template):
                if name not in names and name != "n":
                    names[name] = self.var(name)
        for name in [*spec.node_bind.values(), *spec.edge_bind.values(), *spec.collect]:
            names.setdefault(name, self.var(name))
        imports = sorted({outer[p] for p in placeholders(spec.match) if p in outer})
        node_binding = {role: names[p] for role, p in spec.node_bind.items()}
        edge_binding = {role: names[p] for role, p in (spec.edge_bind or spec.node_bind).items()}
        item_names = {**names, "n": node_binding["n"]} if "n" in node_binding else names

        lines = [fill(spec.match, names)]
        if spec.collect:
            keys = sorted({*imports, *(names[p] for p in spec.node_bind.values() if p not in spec.collect)})
            if any(child.name == "edges" for child in selection.children):
                aggregates = [f"{fill(e, names)} AS {names[n]}" for n, e in spec.collect.items()]
                lines.append("WITH " + ", ".join([*keys, *aggregates]))
            else:
                # What the aggregates gather only edges show: without edges, one row per item is all.
                lines.append("WITH DISTINCT " + ", ".join(keys))
        if spec.filter_role is not None:
            condition = self.filters.where(
                spec.node_type, {"n": node_binding[spec.filter_role]}, selection.args.get("where")
            )
            if condition:
                lines.append(f"WITH * WHERE {condition}")
        count_lines = list(lines)

        page: Page | None = None
        sort_key, tiebreak = self.var("k"), self.var("t")
        if spec.order:
            args = selection.args if spec.paged else {}
            page = parse_page(args, spec.order, spec.default_order)
            order = spec.order[page.field]
            expr, tie = fill(order.expr, item_names), fill(spec.tiebreak, item_names)
            where = selection.args.get("where") if spec.filter_role is not None else None
            op = "<" if page.descending else ">"
            if not order.nullable or excludes_null(spec.node_type, where, order.expr):
                # No nulls to place last: conditions on the property itself (not on an alias)
                # let Neo4j seek its index in order and stop after the page (PartialTop).
                lines.append(f"WITH * WHERE {expr} IS NOT NULL")
                if page.after is not None:
                    value, last = self.param(page.after[0]), self.param(page.after[1])
                    if expr == tie:
                        lines.append(f"WITH * WHERE {expr} {op} {last}")
                    else:
                        beyond = f"({expr} {op} {value} OR {tie} {op} {last})"
                        lines.append(f"WITH * WHERE {expr} {op}= {value} AND {beyond}")
                lines.append(f"WITH *, {expr} AS {sort_key}, {tie} AS {tiebreak}")
            else:
                null_last = self.param(sentinel(order, page.descending))
                lines.append(f"WITH *, coalesce({expr}, {null_last}) AS {sort_key}, {tie} AS {tiebreak}")
                if page.after is not None:
                    value, last = self.param(page.after[0]), self.param(page.after[1])
                    beyond = f"{sort_key} = {value} AND {tiebreak} {op} {last}"
                    lines.append(f"WITH * WHERE ({sort_key} {op} {value} OR ({beyond}))")
            direction = "DESC" if page.descending else "ASC"
            limit = f" LIMIT {page.first + 1}" if spec.paged else ("" if spec.many else " LIMIT 1")
            lines.append(f"WITH * ORDER BY {sort_key} {direction}, {tiebreak} {direction}{limit}")
        elif not spec.many:
            lines.append("WITH * LIMIT 1")

        inner = Scope()
        if spec.paged:
            assert page is not None
            return self._connection(
                spec,
                selection,
                scope,
                inner,
                lines,
                count_lines,
                imports,
                page,
                node_binding,
                edge_binding,
                sort_key,
                tiebreak,
            )
        item = self.object(spec.node_type, node_binding, selection.children, inner)
        result = self.var("items")
        body = " ".join([*lines, *inner.calls, f"RETURN collect({item}) AS {result}"])
        scope.calls.append(f"CALL ({', '.join(imports)}) {{ {body} }}")
        return result if spec.many else f"{result}[0]"

    def _connection(
        self,
        spec: Related,
        selection: Selection,
        scope: Scope,
        inner: Scope,
        lines: list[str],
        count_lines: list[str],
        imports: list[str],
        page: Page,
        node_binding: dict[str, str],
        edge_binding: dict[str, str],
        sort_key: str,
        tiebreak: str,
    ) -> str:
        cursor = f"'{page.token}|' + toString({sort_key}) + '|' + {tiebreak}"
        children = merged(selection.children)
        # Cursors cost a string per row: build them only when the page's ends are asked for.
        info = [p.name for c in children if c.name == "pageInfo" for p in c.children]
        ends = "endCursor" in info or "startCursor" in info
        row: list[str] = [f"c: {cursor}"] if ends else []
        edges_sel = [s for s in children if s.name == "edges"]
        nodes_sel = [s for s in children if s.name == "nodes"]
        for index, edges in enumerate(edges_sel):
            parts = []
            for child in merged(edges.children):
                if child.name == "cursor":
                    parts.append(f"{response_key(child)}: {cursor}")
                elif child.name == "node":
                    node_map = self.object(spec.node_type, node_binding, child.children, inner)
                    parts.append(f"{response_key(child)}: {node_map}")
                elif child.name == "__typename":
                    parts.append(f"{response_key(child)}: '{spec.edge_type or spec.node_type + 'Edge'}'")
                else:
                    edge_spec = MODEL.get(spec.edge_type or "", {}).get(child.name)
                    if edge_spec is None:
                        raise SelectionError(f"edge field {child.name} is not compiled")
                    parts.append(
                        f"{response_key(child)}: {self._field(edge_spec, edge_binding, child, inner)}"
                    )
            row.append(f"e{index}: {{{', '.join(parts)}}}")
        for index, nodes in enumerate(nodes_sel):
            row.append(f"n{index}: {self.object(spec.node_type, node_binding, nodes.children, inner)}")

        rows = self.var("rows")
        body = " ".join([*lines, *inner.calls, f"RETURN collect({{{', '.join(row)}}}) AS {rows}"])
        scope.calls.append(f"CALL ({', '.join(imports)}) {{ {body} }}")
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
                    key = node_binding.get("n", edge_binding.get("n", ""))
                    counted = f"count(DISTINCT {key})" if key else "count(*)"
                    count_body = f"{' '.join(count_lines)} RETURN {counted} AS {total}"
                    scope.calls.append(f"CALL ({', '.join(imports)}) {{ {count_body} }}")
                    entries.append(f"{response_key(child)}: {total}")
                case "pageInfo":
                    info = []
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
                        info.append(f"{response_key(part)}: {value}")
                    entries.append(f"{response_key(child)}: {{{', '.join(info)}}}")
                case "__typename":
                    entries.append(f"{response_key(child)}: '{spec.node_type}Connection'")
                case _:
                    raise SelectionError(f"connections have no field {child.name}")
        return "{" + ", ".join(entries) + "}"

    # -- roots ---------------------------------------------------------------------------

    def one(self, type_name: str, entity_id: Any, selection: Selection, retracted: bool = False) -> Statement:
        """A lookup by id; with `retracted`, a retracted entity of the type is found too."""
        if not isinstance(entity_id, str):
            raise bad_input("id must be a string")
        scope, node = Scope(), self.var("n")
        projection = self.object(type_name, {"n": node}, selection.children, scope)
        found = (
            f"OPTIONAL MATCH ({node}:Entity {{id: {self.param(entity_id)}}}) "
            f"WHERE {node}:{type_name} OR {node}:Retracted{type_name}"
            if retracted
            else f"OPTIONAL MATCH ({node}:{type_name} {{id: {self.param(entity_id)}}})"
        )
        text = " ".join(
            [
                found,
                *scope.calls,
                f"RETURN CASE WHEN {node} IS NULL THEN null ELSE {projection} END AS result",
            ]
        )
        return Statement(text, self.params)

    def node(self, entity_id: Any, selection: Selection, retracted: bool = False) -> Statement:
        """`node(id)`: whichever labelled entity has the id, shaped by the fragments selected."""
        if not isinstance(entity_id, str):
            raise bad_input("id must be a string")
        scope, node = Scope(), self.var("n")
        branches = []
        for type_name in sorted(LABELS):
            projection = self.object(type_name, {"n": node}, selection.for_type(type_name), scope)
            label = (
                f"{node}:{type_name} OR {node}:Retracted{type_name}" if retracted else f"{node}:{type_name}"
            )
            branches.append(
                f"WHEN {label} THEN {projection[:-1]}"
                f"{', ' if projection != '{}' else ''}{TYPE_KEY}: '{type_name}'}}"
            )
        text = " ".join(
            [
                f"OPTIONAL MATCH ({node}:Entity {{id: {self.param(entity_id)}}})",
                *scope.calls,
                f"RETURN CASE {' '.join(branches)} ELSE null END AS result",
            ]
        )
        return Statement(text, self.params)

    def many(self, type_name: str, selection: Selection, retracted: bool = False) -> Statement:
        labels = f"{type_name}|Retracted{type_name}" if retracted else type_name
        spec = Related(
            type_name,
            "MATCH ({m}:" + labels + ")",
            {"n": "m"},
            filter_role="n",
            order=ORDERS[type_name],
            default_order=DEFAULT_ORDER[type_name],
        )
        scope = Scope()
        connection = self.related(spec, {}, selection, scope)
        return Statement(" ".join([*scope.calls, f"RETURN {connection} AS result"]), self.params)

    def search(self, text: Any, first: int, selection: Selection) -> Statement:
        if not isinstance(text, str) or not text.strip():
            raise bad_input("text must be a non-empty string")
        node, score, rows = self.var("n"), self.var("score"), self.var("rows")
        inner = Scope()
        edge_parts: list[list[str]] = []
        for edges in [s for s in selection.children if s.name == "edges"]:
            parts = []
            for child in edges.children:
                if child.name == "node":
                    parts.append(f"{response_key(child)}: {self._abstract(node, child, inner)}")
                elif child.name == "score":
                    parts.append(f"{response_key(child)}: {score}")
                elif child.name == "__typename":
                    parts.append(f"{response_key(child)}: 'SearchEdge'")
                else:
                    raise SelectionError(f"SearchEdge.{child.name} is not compiled")
            edge_parts.append(parts)
        nodes_parts = [self._abstract(node, s, inner) for s in selection.children if s.name == "nodes"]
        row = (
            ", ".join(
                [
                    *(f"e{i}: {{{', '.join(p)}}}" for i, p in enumerate(edge_parts)),
                    *(f"n{i}: {p}" for i, p in enumerate(nodes_parts)),
                ]
            )
            or "x: 1"
        )
        # Prefix matches all score alike in Lucene, so rank by what a reader expects: a name that
        # starts with the text, then companies before people, facilities, deals and pages.
        starts = self.param(text.strip().lower())
        rank = (
            f"CASE WHEN toLower(coalesce({node}.name, {node}.title, '')) STARTS WITH {starts} "
            f"THEN 0 ELSE 1 END, CASE WHEN {node}:Company THEN 0 WHEN {node}:Person THEN 1 "
            f"WHEN {node}:Facility THEN 2 WHEN {node}:Partnership THEN 3 ELSE 4 END, {score} DESC, {node}.id"
        )
        call = (
            f"CALL () {{ CALL db.index.fulltext.queryNodes('entity_names', {self.param(lucene_query(text))}, "
            f"{{limit: {SEARCH_CANDIDATES}}}) YIELD node AS {node}, score AS {score} "
            f"WITH {node}, {score} ORDER BY {rank} LIMIT {first + 1} "
            f"{' '.join(inner.calls)} RETURN collect({{{row}}}) AS {rows} }}"
        )
        entries, edge_index, node_index = [], 0, 0
        for child in selection.children:
            if child.name == "edges":
                entries.append(f"{response_key(child)}: [x IN {rows}[..{first}] | x.e{edge_index}]")
                edge_index += 1
            elif child.name == "nodes":
                entries.append(f"{response_key(child)}: [x IN {rows}[..{first}] | x.n{node_index}]")
                node_index += 1
            elif child.name == "pageInfo":
                info = {
                    "hasNextPage": f"size({rows}) > {first}",
                    "hasPreviousPage": "false",
                    "endCursor": "null",
                    "startCursor": "null",
                    "__typename": "'PageInfo'",
                }
                entries.append(
                    f"{response_key(child)}: {{"
                    + ", ".join(f"{response_key(p)}: {info[p.name]}" for p in child.children)
                    + "}"
                )
            elif child.name == "__typename":
                entries.append(f"{response_key(child)}: 'SearchConnection'")
        return Statement(f"{call} RETURN {{{', '.join(entries)}}} AS result", self.params)

    def _abstract(self, node: str, selection: Selection, scope: Scope) -> str:
        branches = []
        for type_name in ("Company", "Person", "Facility", "Partnership", "Source"):
            projection = self.object(type_name, {"n": node}, selection.for_type(type_name), scope)
            body = projection[1:-1]
            branches.append(
                f"WHEN {node}:{type_name} THEN {{{body}{', ' if body else ''}{TYPE_KEY}: '{type_name}'}}"
            )
        return f"CASE {' '.join(branches)} END"


_LUCENE_SPECIAL = set('+-&|!(){}[]^"~*?:\\/')


def lucene_query(text: str) -> str:
    """User text as a Lucene query that only ever means "these words" (prefix on the last)."""
    # Lower case: AND, OR, NOT and TO are operators only in upper case.
    words = [
        "".join(f"\\{ch}" if ch in _LUCENE_SPECIAL else ch for ch in word.lower()) for word in text.split()
    ]
    words = [w for w in words if w][:16]
    if not words:
        raise bad_input("text has no searchable words")
    return " AND ".join([*words[:-1], f"{words[-1]}*"]) if len(words) > 1 else f"{words[0]}* OR {words[0]}"
