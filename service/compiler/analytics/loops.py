"""Loops where money (or supply) comes back to where it started, largest first."""

from typing import Any

from service.compiler.analytics.common import FlowKind, children, in_range
from service.compiler.projection import Compiler
from service.compiler.selection import Selection, merged
from service.compiler.statement import Scope, Statement, response_key

MAX_CYCLES_SCANNED = 20_000  # money loops enumerated before ranking
MAX_LOOPS = 100


def circular_flows(c: Compiler, selection: Selection, args: dict[str, Any]) -> Statement:
    """Cycles of money (or supply) that come back to where they started, largest first."""
    length = in_range(args["maxLength"], "maxLength", low=2)
    rel = "SUPPLIES" if args["over"] is FlowKind.SUPPLY else "MONEY_FLOW"
    first = in_range(args["first"], "first", low=0, high=MAX_LOOPS)
    statuses = args.get("status")
    minimum = args.get("minValueUsd")
    c.answer_as_of(args)
    then = c.held_then("f", rel, True)
    step = f"[f:{rel} WHERE {then}]" if then != "true" else f"[:{rel}]"
    a, path, rows = c.var("a"), c.var("p"), c.var("loops")
    involving = args.get("involving")
    start = (
        f"MATCH ({a}:Company {{id: {c.entity_id(involving)}}})"
        if involving is not None
        else f"MATCH ({a}:Company) WHERE EXISTS {{ ({a})-[:{rel}]->() }} AND EXISTS {{ ()-[:{rel}]->({a}) }}"
    )
    conditions = [
        # A loop visits each company once, and is not one deal's own two-way flow.
        f"size(visited) = size(nodes({path})) - 1",
        f"any(r IN relationships({path}) WHERE r.partnership <> relationships({path})[0].partnership)",
    ]
    if involving is None:  # report each loop once, from its smallest id
        conditions.append(f"all(n IN nodes({path}) WHERE {a}.id <= n.id)")
    if statuses:
        values = [status.value for status in statuses]
        conditions.append(f"all(r IN relationships({path}) WHERE r.status IN {c.param(values)})")
    inner = Scope()
    step_parts, loop_parts = [], []
    for loops_sel in children(selection, "loops"):
        for child in merged(loops_sel.children):
            if child.name == "steps":
                for part in merged(child.children):
                    if part.name in ("from", "to"):
                        var = "sx" if part.name == "from" else "sy"
                        step_parts.append(
                            f"{response_key(part)}: {c.object('Company', {'n': var}, part.children, inner)}"
                        )
                    elif part.name == "partnership":
                        step_parts.append(
                            f"{response_key(part)}: {c.object('Partnership', {'n': 'sq'}, part.children, inner)}"
                        )
                    elif part.name == "valueUsd":
                        step_parts.append(f"{response_key(part)}: sr.value_usd")
                    elif part.name == "status":
                        step_parts.append(f"{response_key(part)}: sr.status")
                    elif part.name == "valueBasis":
                        step_parts.append(f"{response_key(part)}: sr.value_basis")
                loop_parts.append(f"{response_key(child)}: steps")
            elif child.name in ("length", "minStepUsd", "totalUsd", "knownValueUsd", "knownSteps"):
                loop_parts.append(f"{response_key(child)}: {child.name}")
            elif child.name == "valueUsd":  # deprecated: the known values' sum, as it always was
                loop_parts.append(f"{response_key(child)}: knownValueUsd")
            elif child.name == "__typename":
                loop_parts.append(f"{response_key(child)}: 'CircularFlow'")
    value_filter = f"WHERE minStepUsd >= {c.param(float(minimum))} " if minimum is not None else ""
    body = (
        f"{start} MATCH {path} = ({a})-{step}->{{2,{length}}}({a}) "
        f"WITH {a}, {path}, reduce(s = [], n IN nodes({path})[..-1] | CASE WHEN n IN s THEN s ELSE s + n END) "
        f"AS visited WHERE {' AND '.join(conditions)} "
        f"WITH {path} LIMIT {MAX_CYCLES_SCANNED} "
        f"WITH {path}, length({path}) AS length, "
        f"reduce(t = 0.0, r IN relationships({path}) | t + coalesce(r.value_usd, 0.0)) AS knownValueUsd, "
        f"size([r IN relationships({path}) WHERE r.value_usd IS NOT NULL]) AS knownSteps, "
        f"reduce(m = null, r IN relationships({path}) | CASE WHEN m IS NULL OR r.value_usd < m "
        f"THEN r.value_usd ELSE m END) AS smallest "
        # An unknown step could be any amount: only a loop known all the way round has a bound.
        f"WITH {path}, length, knownValueUsd, knownSteps, "
        f"CASE WHEN knownSteps = length THEN smallest END AS minStepUsd, "
        f"CASE WHEN knownSteps = length THEN knownValueUsd END AS totalUsd "
        f"{value_filter}"
        f"WITH {path}, length, knownValueUsd, knownSteps, minStepUsd, totalUsd "
        f"ORDER BY minStepUsd IS NULL, minStepUsd DESC, knownValueUsd DESC, length LIMIT {first} "
        f"CALL ({path}) {{ UNWIND range(0, length({path}) - 1) AS k "
        f"WITH k, relationships({path})[k] AS sr, nodes({path})[k] AS sx, nodes({path})[k + 1] AS sy "
        f"MATCH (sq:Partnership {{id: sr.partnership}}) {' '.join(inner.calls)} "
        f"WITH k, {{{', '.join(step_parts)}}} AS step ORDER BY k RETURN collect(step) AS steps }} "
        f"RETURN collect({{{', '.join(loop_parts)}}}) AS {rows}"
    )
    fields = []
    for child in merged(selection.children):
        if child.name == "loops":
            fields.append(f"{response_key(child)}: {rows}")
        elif child.name == "__typename":
            fields.append(f"{response_key(child)}: 'CircularFlows'")
    return Statement(f"CALL () {{ {body} }} RETURN {{{', '.join(fields)}}} AS result", c.params)
