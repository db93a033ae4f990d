"""Companies ranked by how many depend on them as a supplier, or by the money moving through them."""

from typing import Any

from service.compiler.analytics.common import RankingKind, in_range
from service.compiler.projection import Compiler
from service.compiler.selection import Selection, merged
from service.compiler.statement import Scope, Statement, response_key

RANKINGS = {
    # Most-depended-on suppliers: how many distinct companies each one supplies.
    RankingKind.MOST_DEPENDED_ON_SUPPLIERS: (
        "size(COLLECT {{ MATCH ({c})-[f:SUPPLIES]->(x:Company) WHERE {then} RETURN DISTINCT x }})"
    ),
    # Largest money hubs: the value of the distinct deals moving money in or out of it.
    RankingKind.LARGEST_MONEY_HUBS: "reduce(t = 0.0, v IN COLLECT {{ MATCH ({c})-[f:MONEY_FLOW]-() WHERE {then} "
    "WITH DISTINCT f.partnership AS pid, f.value_usd AS v RETURN coalesce(v, 0.0) }} | t + v)",
}
RANKED_LINK = {
    RankingKind.MOST_DEPENDED_ON_SUPPLIERS: "SUPPLIES",
    RankingKind.LARGEST_MONEY_HUBS: "MONEY_FLOW",
}


def rankings(c: Compiler, selection: Selection, args: dict[str, Any]) -> Statement:
    by: RankingKind = args["by"]
    first = in_range(args["first"], "first", high=100)
    c.answer_as_of(args)
    company, score, rank, rows = c.var("c"), c.var("score"), c.var("rank"), c.var("rows")
    inner = Scope()
    parts = []
    for child in merged(selection.children):
        if child.name == "company":
            parts.append(
                f"{response_key(child)}: {c.object('Company', {'n': company}, child.children, inner)}"
            )
        elif child.name == "score":
            parts.append(f"{response_key(child)}: {score}")
        elif child.name == "rank":
            parts.append(f"{response_key(child)}: {rank}")
        elif child.name == "__typename":
            parts.append(f"{response_key(child)}: 'RankingEntry'")
    body = (
        f"MATCH ({company}:Company) WITH {company}, {RANKINGS[by].format(c=company, then=c.held_then('f', RANKED_LINK[by], True))} AS {score} "
        f"WHERE {score} > 0 ORDER BY {score} DESC, {company}.id LIMIT {first} "
        f"WITH collect([{company}, {score}]) AS ranked UNWIND range(0, size(ranked) - 1) AS i "
        f"WITH ranked[i][0] AS {company}, ranked[i][1] AS {score}, i + 1 AS {rank} "
        f"{' '.join(inner.calls)} RETURN collect({{{', '.join(parts)}}}) AS {rows}"
    )
    return Statement(f"CALL () {{ {body} }} RETURN {rows} AS result", c.params)
