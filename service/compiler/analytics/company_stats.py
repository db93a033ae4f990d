"""Per-company figures (`Company.stats`), each from one aggregating subquery."""

from service.compiler.projection import Compiler
from service.compiler.selection import Selection, merged
from service.compiler.statement import Scope, response_key
from service.domain.vocab import DEFAULT_LINKS, LINK_TYPES
from service.errors import bad_input
from service.graph.fragments import link_kind

_DEGREE_TYPES = "|".join(t for k in DEFAULT_LINKS for t in LINK_TYPES[k])


def company_stats(c: Compiler, node: str, selection: Selection, scope: Scope) -> str:
    """Per-company figures, each from one aggregating subquery (so each yields one row)."""
    parts = []
    for child in merged(selection.children):
        out = c.var(child.name)
        match child.name:
            case "degree":
                # Under asOf, a link counts when it and what it leads to held then.
                then = f"{c.held_any('r', True)} AND {c.held_any('o', False)}"
                scope.calls.append(
                    f"CALL ({node}) {{ OPTIONAL MATCH ({node})-[r:{_DEGREE_TYPES}]-(o) WHERE {then} "
                    f"WITH {link_kind('r')} AS kind, count(r) AS links WHERE kind IS NOT NULL "
                    f"RETURN collect({{kind: kind, count: links}}) AS {out} }}"
                )
            case "suppliers" | "customers":
                arrow = (
                    "(x:Company)-[h:SUPPLIES]->({n})"
                    if child.name == "suppliers"
                    else "({n})-[h:SUPPLIES]->(x:Company)"
                )
                then = c.held_then("h", "SUPPLIES", True)
                scope.calls.append(
                    f"CALL ({node}) {{ OPTIONAL MATCH {arrow.format(n=node)} WHERE {then} "
                    f"RETURN count(DISTINCT x) AS {out} }}"
                )
            case "moneyIn" | "moneyOut":
                arrow = "()-[f:MONEY_FLOW]->({n})" if child.name == "moneyIn" else "({n})-[f:MONEY_FLOW]->()"
                # One amount per partnership: a deal's several flows to the same company count once.
                scope.calls.append(
                    f"CALL ({node}) {{ MATCH {arrow.format(n=node)} WHERE {c.held_then('f', 'MONEY_FLOW', True)} "
                    "WITH DISTINCT f.partnership AS pid, f.value_usd AS v "
                    "MATCH (q:Partnership {id: pid}) WITH q.status AS status, q.value_qualifier AS qualifier, "
                    "sum(v) AS total, count(v) AS valued, count(*) AS deals ORDER BY status, qualifier "
                    "RETURN collect({status: status, qualifier: qualifier, "
                    "valueUsd: CASE WHEN valued > 0 THEN total END, "
                    f"partnerships: deals, valuedPartnerships: valued}}) AS {out} }}"
                )
            case "__typename":
                parts.append(f"{response_key(child)}: 'CompanyStats'")
                continue
            case _:
                raise bad_input(f"CompanyStats has no field {child.name}")
        parts.append(f"{response_key(child)}: {out}")
    return "{" + ", ".join(parts) + "}"
