"""What changed in the world (valid time) around an entity between two dates, by entity."""

from typing import Any

from service.compiler.analytics.common import children
from service.compiler.lists import MAX_WITHIN
from service.compiler.projection import Compiler
from service.compiler.roots import abstract
from service.compiler.selection import Selection, merged
from service.compiler.statement import Scope, Statement, response_key
from service.domain.catalog import CATALOG, ENTITY_LABELS
from service.errors import bad_input
from service.graph.fragments import identifier, prop

MAX_ENTITIES = 200  # entities per diff answer


def _node_dates(var: str) -> tuple[str, str]:
    """(the start of `var`'s valid time, its precision), by its label."""
    starts, precisions = [], []
    for label, span in CATALOG.valid_nodes.items():
        if span.start is None:
            continue
        starts.append(f"WHEN {var}:{identifier(label)} THEN {prop(var, span.start)}")
        if span.start_precision:
            precisions.append(f"WHEN {var}:{identifier(label)} THEN {prop(var, span.start_precision)}")
    return f"CASE {' '.join(starts)} END", f"CASE {' '.join(precisions)} END" if precisions else "null"


def _spans() -> dict[tuple[str, str, str, str], list[str]]:
    """The relationship types with a valid time, by (start, end, their precisions)."""
    grouped: dict[tuple[str, str, str, str], list[str]] = {}
    for rel, span in CATALOG.valid_links.items():
        if span.start and span.end and span.start_precision and span.end_precision:
            key = (span.start, span.end, span.start_precision, span.end_precision)
            grouped.setdefault(key, []).append(identifier(rel))
    return grouped


def diff(c: Compiler, selection: Selection, args: dict[str, Any]) -> Statement:
    """Around `around` (within `depth` links), what began or ended between `from` and `to`: deals
    announced, events and statements, figures stated, positions and facility ties started or
    ended. A fact counts once, under the entity it belongs to, with its sources."""
    depth = args["depth"]
    if not 0 <= depth <= MAX_WITHIN:
        raise bad_input(f"depth must be between 0 and {MAX_WITHIN}, got {depth}")
    if not args["from"] < args["to"]:
        raise bad_input("from must be before to")
    start, end = c.param(args["from"]), c.param(args["to"])
    a, y, r, z = c.var("a"), c.var("y"), c.var("r"), c.var("z")
    owner, fact, other, link = c.var("owner"), c.var("fact"), c.var("other"), c.var("link")
    on, precision, change, evidence, rows = (
        c.var("on"),
        c.var("precision"),
        c.var("change"),
        c.var("ev"),
        c.var("rows"),
    )
    around = (
        f"MATCH ({a})-[:!SOURCED_BY&!HAS_CHANGE]-{{1,{depth}}}({y}:Entity) RETURN DISTINCT {y} "
        f"UNION WITH {a} RETURN {a} AS {y}"
        if depth
        else f"RETURN {a} AS {y}"
    )
    began, began_precision = _node_dates(y)
    branches = [
        f"WITH {y}, {began} AS {on}, {began_precision} AS {precision} WHERE {on} > {start} AND {on} <= {end} "
        f"RETURN {y} AS {owner}, 'BEGAN' AS {change}, {y} AS {fact}, null AS {other}, null AS {link}, "
        f"{on}, {precision}"
    ]
    for (since, until, since_precision, until_precision), rels in _spans().items():
        pattern = f"MATCH ({y})-[{r}:{'|'.join(rels)}]-({z})"
        ends = f"startNode({r}) AS {owner}, null AS {fact}, endNode({r}) AS {other}, {r} AS {link}"
        branches.append(
            f"{pattern} WHERE {prop(r, since)} > {start} AND {prop(r, since)} <= {end} "
            f"RETURN {ends}, 'BEGAN' AS {change}, {prop(r, since)} AS {on}, {prop(r, since_precision)} AS {precision}"
        )
        branches.append(
            f"{pattern} WHERE {prop(r, until)} >= {start} AND {prop(r, until)} < {end} "
            f"RETURN {ends}, 'ENDED' AS {change}, {prop(r, until)} AS {on}, {prop(r, until_precision)} AS {precision}"
        )
    inner, outer = Scope(), Scope()  # subqueries per change, and per entity after grouping
    change_parts, entry_parts = [], []
    for entries in children(selection, "entities"):
        for child in merged(entries.children):
            if child.name == "entity":
                entry_parts.append(
                    f"{response_key(child)}: {abstract(c, owner, child, outer, ENTITY_LABELS)}"
                )
            elif child.name == "changes":
                entry_parts.append(f"{response_key(child)}: changes")
                for part in merged(child.children):
                    key = response_key(part)
                    match part.name:
                        case "change":
                            change_parts.append(f"{key}: {change}")
                        case "on":
                            change_parts.append(f"{key}: {on}")
                        case "precision":
                            change_parts.append(f"{key}: {precision}")
                        case "fact":
                            change_parts.append(f"{key}: {abstract(c, fact, part, inner, ENTITY_LABELS)}")
                        case "other":
                            change_parts.append(f"{key}: {abstract(c, other, part, inner, ENTITY_LABELS)}")
                        case "relationship":
                            change_parts.append(
                                f"{key}: CASE WHEN {link} IS NULL THEN null ELSE type({link}) END"
                            )
                        case "title":
                            change_parts.append(f"{key}: {link}.title")
                        case "evidence":
                            # One subquery per change: each (evidence, source) pair projected.
                            er, es, listed, each = c.var("er"), c.var("es"), c.var("listed"), Scope()
                            item = c.object("Evidence", {"r": er, "source": es}, part.children, each)
                            inner.calls.append(
                                f"CALL ({evidence}) {{ UNWIND {evidence} AS pair "
                                f"WITH pair[0] AS {er}, pair[1] AS {es} {' '.join(each.calls)} "
                                f"RETURN collect({item}) AS {listed} }}"
                            )
                            change_parts.append(f"{key}: {listed}")
                        case "__typename":
                            change_parts.append(f"{key}: 'DiffChange'")
                        case _:
                            raise bad_input(f"DiffChange has no field {part.name}")
            elif child.name == "__typename":
                entry_parts.append(f"{response_key(child)}: 'DiffEntry'")
    body = (
        f"CALL ({a}) {{ {around} }} "
        f"CALL ({y}) {{ {' UNION '.join(branches)} }} "
        f"WITH DISTINCT {owner}, {change}, {fact}, {other}, {link}, {on}, {precision} "
        f"CALL ({fact}, {link}) {{ "
        f"OPTIONAL MATCH ({fact})-[e:SOURCED_BY]->(s:Source) WITH e, s ORDER BY e.ord "
        f"WITH collect(CASE WHEN s IS NULL THEN null ELSE [e, s] END) AS own "
        f"RETURN own + [i IN range(0, size(coalesce({link}.sources, [])) - 1) | "
        f"[{{quote: {link}.quotes[i]}}, COLLECT {{ MATCH (s:Source {{id: {link}.sources[i]}}) RETURN s }}[0]]] "
        f"AS {evidence} }} "
        f"{' '.join(inner.calls)} "
        f"WITH {owner}, {on}, {{{', '.join(change_parts)}}} AS item ORDER BY {on}, {change} "
        f"WITH {owner}, collect(item) AS changes, min({on}) AS first ORDER BY first, {owner}.id "
        f"LIMIT {MAX_ENTITIES + 1} {' '.join(outer.calls)} "
        f"RETURN collect({{{', '.join(entry_parts)}}}) AS {rows}"
    )
    fields = []
    for child in merged(selection.children):
        key = response_key(child)
        if child.name == "entities":
            fields.append(f"{key}: {rows}[..{MAX_ENTITIES}]")
        elif child.name == "truncated":
            fields.append(f"{key}: size({rows}) > {MAX_ENTITIES}")
        elif child.name == "from":
            fields.append(f"{key}: {start}")
        elif child.name == "to":
            fields.append(f"{key}: {end}")
        elif child.name == "__typename":
            fields.append(f"{key}: 'Diff'")
    text = (
        f"OPTIONAL MATCH ({a}:Entity {{id: {c.param(str(args['around']))}}}) "
        f"CALL ({a}) {{ WITH {a} WHERE {a} IS NOT NULL {body} }} "
        f"RETURN {{{', '.join(fields)}}} AS result"
    )
    return Statement(text, c.params)
