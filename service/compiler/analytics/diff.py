"""What changed around an entity between two dates, by entity: in the world (valid time, the
facts' own dates), or in the graph (transaction time, from each entity's history of changes)."""

from typing import Any

from service.compiler.analytics.common import children
from service.compiler.lists import MAX_WITHIN
from service.compiler.projection import Compiler
from service.compiler.roots import abstract
from service.compiler.selection import Selection, merged
from service.compiler.statement import Scope, Statement, response_key
from service.domain.catalog import CATALOG, ENTITY_LABELS
from service.errors import bad_input
from service.graph.fragments import NOT_LINKS, RETRACTED, identifier, prop

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


# A change of the history, as a diff names it (the API's first upsert of an id creates it).
_KIND = (
    "CASE WHEN {ch}.action = 'retract' THEN 'RETRACTED' "
    "WHEN {ch}.action = 'load_create' OR ({ch}.action = 'upsert' AND {ch}.version = 1) THEN 'RECORDED' "
    "ELSE 'CHANGED' END"
)


def _window(args: dict[str, Any]) -> tuple[Any, Any, bool]:
    """(from, to, in known time): the pair of dates, or of moments, the diff compares."""
    dates: tuple[Any, Any] = (args.get("from"), args.get("to"))
    moments: tuple[Any, Any] = (args.get("knownFrom"), args.get("knownTo"))
    given = [pair for pair in (dates, moments) if any(v is not None for v in pair)]
    if len(given) != 1 or None in given[0]:
        raise bad_input(
            "Give from and to (dates: what changed in the world) or knownFrom and knownTo (moments: "
            "what the graph recorded), one pair."
        )
    start, end = given[0]
    if not start < end:  # both given: checked above
        raise bad_input("The first date or moment must be before the second.")
    return start, end, given[0] is moments


def diff(c: Compiler, selection: Selection, args: dict[str, Any]) -> Statement:
    """Around `around` (within `depth` links), what began or ended between `from` and `to`: deals
    announced, events and statements, figures stated, positions and facility ties started or
    ended; or between `knownFrom` and `knownTo`, what the graph recorded: entities recorded,
    changed or retracted, links added and removed. A fact counts once, under the entity it
    belongs to, with its sources."""
    depth = args["depth"]
    if not 0 <= depth <= MAX_WITHIN:
        raise bad_input(f"depth must be between 0 and {MAX_WITHIN}, got {depth}")
    first, second, known = _window(args)
    start, end = c.param(first), c.param(second)
    a, y, r, z = c.var("a"), c.var("y"), c.var("r"), c.var("z")
    owner, fact, other, link = c.var("owner"), c.var("fact"), c.var("other"), c.var("link")
    on, precision, change, evidence, rows = (
        c.var("on"),
        c.var("precision"),
        c.var("change"),
        c.var("ev"),
        c.var("rows"),
    )
    rel, title, at, changed = c.var("rel"), c.var("title"), c.var("at"), c.var("fields")
    # Known time follows retracted entities too (their retraction is a change to report).
    live = "" if known else f"WHERE NOT {y}:{RETRACTED} "
    around = (
        f"MATCH ({a})-[:{NOT_LINKS}]-{{1,{depth}}}({y}:Entity) {live}RETURN DISTINCT {y} "
        f"UNION WITH {a} RETURN {a} AS {y}"
        if depth
        else f"RETURN {a} AS {y}"
    )
    if known:
        ch, i, o = c.var("ch"), c.var("i"), c.var("o")
        recorded = f"MATCH ({y})-[:HAS_CHANGE]->({ch}:Change) WHERE {ch}.at > {start} AND {ch}.at <= {end}"
        moment = f"date({ch}.at) AS {on}, null AS {precision}, toString({ch}.at) AS {at}"
        branches = [
            f"{recorded} RETURN {y} AS {owner}, {_KIND.format(ch=ch)} AS {change}, {y} AS {fact}, "
            f"null AS {other}, null AS {link}, null AS {rel}, null AS {title}, {moment}, {ch}.fields AS {changed}"
        ]
        for side, kind in (("added", "LINKED"), ("removed", "UNLINKED")):
            ids = f"{ch}.links_{side}_ids"
            branches.append(
                f"{recorded} UNWIND range(0, size(coalesce({ids}, [])) - 1) AS {i} "
                f"OPTIONAL MATCH ({o}:Entity {{id: {ids}[{i}]}}) "
                f"RETURN {y} AS {owner}, '{kind}' AS {change}, {y} AS {fact}, {o} AS {other}, null AS {link}, "
                f"{ch}.links_{side}_relationships[{i}] AS {rel}, null AS {title}, {moment}, null AS {changed}"
            )
    else:
        began, began_precision = _node_dates(y)
        unknown = f"null AS {rel}, null AS {title}, null AS {at}, null AS {changed}"
        branches = [
            f"WITH {y}, {began} AS {on}, {began_precision} AS {precision} WHERE {on} > {start} AND {on} <= {end} "
            f"RETURN {y} AS {owner}, 'BEGAN' AS {change}, {y} AS {fact}, null AS {other}, null AS {link}, "
            f"{on}, {precision}, {unknown}"
        ]
        for (since, until, since_precision, until_precision), rels in _spans().items():
            pattern = f"MATCH ({y})-[{r}:{'|'.join(rels)}]-({z})"
            ends = (
                f"startNode({r}) AS {owner}, null AS {fact}, endNode({r}) AS {other}, {r} AS {link}, "
                f"type({r}) AS {rel}, {r}.title AS {title}, null AS {at}, null AS {changed}"
            )
            branches.append(
                f"{pattern} WHERE {prop(r, since)} > {start} AND {prop(r, since)} <= {end} RETURN {ends}, "
                f"'BEGAN' AS {change}, {prop(r, since)} AS {on}, {prop(r, since_precision)} AS {precision}"
            )
            branches.append(
                f"{pattern} WHERE {prop(r, until)} >= {start} AND {prop(r, until)} < {end} RETURN {ends}, "
                f"'ENDED' AS {change}, {prop(r, until)} AS {on}, {prop(r, until_precision)} AS {precision}"
            )
    inner, outer = Scope(), Scope()  # subqueries per change, and per entity after grouping
    change_parts, entry_parts = [], []
    for entries in children(selection, "entities"):
        for child in merged(entries.children):
            if child.name == "entity":
                entry_parts.append(
                    f"{response_key(child)}: {abstract(c, owner, child, outer, ENTITY_LABELS, known)}"
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
                            change_parts.append(
                                f"{key}: {abstract(c, fact, part, inner, ENTITY_LABELS, known)}"
                            )
                        case "other":
                            change_parts.append(
                                f"{key}: {abstract(c, other, part, inner, ENTITY_LABELS, known)}"
                            )
                        case "relationship":
                            change_parts.append(f"{key}: {rel}")
                        case "title":
                            change_parts.append(f"{key}: {title}")
                        case "at":
                            change_parts.append(f"{key}: {at}")
                        case "fields":
                            change_parts.append(f"{key}: {changed}")
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
        f"WITH DISTINCT {owner}, {change}, {fact}, {other}, {link}, {on}, {precision}, {rel}, {title}, "
        f"{at}, {changed} "
        f"CALL ({fact}, {link}) {{ "
        f"OPTIONAL MATCH ({fact})-[e:SOURCED_BY]->(s:Source) WITH e, s ORDER BY e.ord "
        f"WITH collect(CASE WHEN s IS NULL THEN null ELSE [e, s] END) AS own "
        f"RETURN own + [i IN range(0, size(coalesce({link}.sources, [])) - 1) | "
        f"[{{quote: {link}.quotes[i]}}, COLLECT {{ MATCH (s:Source {{id: {link}.sources[i]}}) RETURN s }}[0]]] "
        f"AS {evidence} }} "
        f"{' '.join(inner.calls)} "
        f"WITH {owner}, {on}, {at}, {{{', '.join(change_parts)}}} AS item ORDER BY {on}, {at}, {change} "
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
        elif child.name in ("from", "to"):
            fields.append(f"{key}: {'null' if known else start if child.name == 'from' else end}")
        elif child.name in ("knownFrom", "knownTo"):
            moment = start if child.name == "knownFrom" else end
            fields.append(f"{key}: {f'toString({moment})' if known else 'null'}")
        elif child.name == "__typename":
            fields.append(f"{key}: 'Diff'")
    text = (
        f"OPTIONAL MATCH ({a}:Entity {{id: {c.entity_id(args['around'])}}}) "
        f"{'' if known else f'WHERE NOT {a}:{RETRACTED} '}"
        f"CALL ({a}) {{ WITH {a} WHERE {a} IS NOT NULL {body} }} "
        f"RETURN {{{', '.join(fields)}}} AS result"
    )
    return Statement(text, c.params)
