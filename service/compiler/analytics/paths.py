"""Shortest paths between any two entities, each step explained by its link, deal and source."""

from typing import Any

from service.compiler.analytics.common import children, in_range
from service.compiler.projection import Compiler
from service.compiler.roots import abstract
from service.compiler.selection import Selection, merged
from service.compiler.statement import Scope, Statement, response_key
from service.domain.catalog import ENTITY_LABELS
from service.domain.vocab import DEFAULT_LINKS, LINK_TYPES, LinkKind
from service.errors import bad_input
from service.graph.fragments import link_kind

MAX_PATHS = 20  # paths per connections answer


def _link_types(via: list[LinkKind] | None) -> str:
    kinds = DEFAULT_LINKS if via is None else via
    if not kinds:
        raise bad_input(f"via takes a non-empty list of {', '.join(LINK_TYPES)}")
    return "|".join(sorted({t for k in kinds for t in LINK_TYPES[k]}))


def connections(c: Compiler, selection: Selection, args: dict[str, Any]) -> Statement:
    """Shortest paths between two entities over the chosen kinds of link, each step explained."""
    start, end = args["from"], args["to"]
    length = in_range(args["maxLength"], "maxLength")
    types = _link_types(args.get("via"))
    a, b, path, index, hop, rows = c.var("a"), c.var("b"), c.var("p"), c.var("i"), c.var("r"), c.var("paths")
    c.answer_as_of(args)
    # Under asOf, every link and every node past the start must have held then.
    link_held = c.held_any("s", True)
    node_held = c.held_any("t", False)
    steps = (
        f"-[:{types}]-{{1,{length}}}"
        if link_held == node_held == "true"
        else f"(()-[s:{types} WHERE {link_held}]-(t WHERE {node_held})){{1,{length}}}"
    )
    left, right, deal, src = c.var("x"), c.var("y"), c.var("deal"), c.var("src")
    inner = Scope()
    step_parts = []
    for paths_sel in children(selection, "paths"):
        for steps_sel in [s for s in merged(paths_sel.children) if s.name == "steps"]:
            for child in merged(steps_sel.children):
                match child.name:
                    case "from":
                        step_parts.append(
                            f"{response_key(child)}: {abstract(c, left, child, inner, ENTITY_LABELS)}"
                        )
                    case "to":
                        step_parts.append(
                            f"{response_key(child)}: {abstract(c, right, child, inner, ENTITY_LABELS)}"
                        )
                    case "relationship":
                        step_parts.append(f"{response_key(child)}: type({hop})")
                    case "kind":
                        step_parts.append(f"{response_key(child)}: {link_kind(hop)}")
                    case "forward":
                        step_parts.append(f"{response_key(child)}: startNode({hop}) = {left}")
                    case "partnership":
                        body = c.object("Partnership", {"n": deal}, child.children, inner)
                        step_parts.append(
                            f"{response_key(child)}: CASE WHEN {deal} IS NULL THEN null ELSE {body} END"
                        )
                    case "evidence":
                        source_map = c.object("Evidence", {"r": "ev", "source": src}, child.children, inner)
                        step_parts.append(
                            f"{response_key(child)}: CASE WHEN {src} IS NULL THEN null ELSE {source_map} END"
                        )
                    case "__typename":
                        step_parts.append(f"{response_key(child)}: 'PathStep'")
                    case _:
                        raise bad_input(f"PathStep has no field {child.name}")
    # Which partnership explains a step: the one a derived edge is stamped with, or the
    # partnership node the step touches. The evidence is that partnership's first source, else
    # an event's or a statement's the step touches, else the link's own (positions and facility links carry one).
    body = (
        f"MATCH {path} = ALL SHORTEST ({a}){steps}({b}) WITH {path} LIMIT {MAX_PATHS + 1} "
        f"WITH {path}, elementId(last(relationships({path}))) + toString(length({path})) AS pid "
        f"UNWIND range(0, length({path}) - 1) AS {index} "
        f"WITH {path}, pid, {index}, nodes({path})[{index}] AS {left}, nodes({path})[{index} + 1] AS {right}, "
        f"relationships({path})[{index}] AS {hop} "
        f"OPTIONAL MATCH ({deal}:Partnership) WHERE {deal}.id = coalesce({hop}.partnership, "
        f"CASE WHEN {left}:Partnership THEN {left}.id WHEN {right}:Partnership THEN {right}.id END) "
        f"WITH *, coalesce({deal}, CASE WHEN {left}:Event OR {left}:Statement THEN {left} "
        f"WHEN {right}:Event OR {right}:Statement THEN {right} END) AS why "
        f"CALL (why, {hop}) {{ OPTIONAL MATCH (why)-[e:SOURCED_BY]->(s1:Source) WITH e, s1 ORDER BY e.ord LIMIT 1 "
        f"OPTIONAL MATCH (s2:Source {{id: {hop}.sources[0]}}) "
        f"RETURN coalesce(s1, s2) AS {src}, CASE WHEN s1 IS NOT NULL THEN e ELSE {{quote: {hop}.quotes[0]}} END AS ev }} "
        f"{' '.join(inner.calls)} "
        f"WITH {path}, pid, {index}, {{{', '.join(step_parts)}}} AS step ORDER BY pid, {index} "
        f"WITH {path}, pid, collect(step) AS steps "
        f"RETURN collect({{length: length({path}), steps: steps}}) AS {rows}"
    )
    fields = []
    for child in merged(selection.children):
        if child.name == "paths":
            entries = []
            for part in merged(child.children):
                if part.name == "length":
                    entries.append(f"{response_key(part)}: x.length")
                elif part.name == "steps":
                    entries.append(f"{response_key(part)}: x.steps")
                elif part.name == "__typename":
                    entries.append(f"{response_key(part)}: 'ConnectionPath'")
            fields.append(f"{response_key(child)}: [x IN {rows}[..{MAX_PATHS}] | {{{', '.join(entries)}}}]")
        elif child.name == "truncated":
            fields.append(f"{response_key(child)}: size({rows}) > {MAX_PATHS}")
        elif child.name == "__typename":
            fields.append(f"{response_key(child)}: 'Connections'")
    text = (
        f"OPTIONAL MATCH ({a}:Entity {{id: {c.entity_id(start)}}}) WHERE {c.held_any(a, False)} "
        f"OPTIONAL MATCH ({b}:Entity {{id: {c.entity_id(end)}}}) "
        f"CALL ({a}, {b}) {{ {body} }} RETURN {{{', '.join(fields)}}} AS result"
    )
    return Statement(text, c.params)
