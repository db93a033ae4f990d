"""Supply chains and exposure: companies by tier along supply links, each with its paths."""

from typing import Any

from service.compiler.analytics.common import Direction, children, in_range, rooted
from service.compiler.projection import Compiler
from service.compiler.selection import Selection, merged
from service.compiler.statement import Scope, Statement, response_key
from service.errors import bad_input

MAX_ENTRIES = 500  # companies per supply chain or exposure answer
PATHS_PER_COMPANY = 3


def _hops(c: Compiler, via: str, selection: Selection, scope: Scope) -> str:
    """Partnership objects for each list of partnership ids in `via` (one list per path)."""
    one, item, index, hops, paths = c.var("via"), c.var("q"), c.var("i"), c.var("hops"), c.var("paths")
    inner = Scope()
    projection = c.object("Partnership", {"n": item}, selection.children, inner)
    scope.calls.append(
        f"CALL ({via}) {{ UNWIND {via} AS {one} "
        f"CALL ({one}) {{ UNWIND range(0, size({one}) - 1) AS {index} "
        f"MATCH ({item}:Partnership {{id: {one}[{index}]}}) WITH {item}, {index} ORDER BY {index} "
        f"{' '.join(inner.calls)} RETURN collect({projection}) AS {hops} }} "
        f"RETURN collect({hops}) AS {paths} }}"
    )
    return paths


def _tiers(
    c: Compiler,
    selection: Selection,
    scope: Scope,
    imports: tuple[str, ...],
    start: str,
    steps: str,
    prelude: str = "",
    base_tier: int = 0,
    exclude_start: bool = True,
    max_length: int | None = None,
) -> str:
    """Companies reached over `steps` (a quantified path pattern) from `start`, each with its tier
    (shortest distance) and up to PATHS_PER_COMPANY partnership paths; one subquery."""
    target, path, vias, tier, rows = c.var("c"), c.var("p"), c.var("vias"), c.var("tier"), c.var("rows")
    inner = Scope()
    parts = []
    for entry in children(selection, "entries"):
        for child in merged(entry.children):
            if child.name == "company":
                parts.append(
                    f"{response_key(child)}: {c.object('Company', {'n': target}, child.children, inner)}"
                )
            elif child.name == "tier":
                parts.append(f"{response_key(child)}: {tier}")
            elif child.name == "paths":
                parts.append(f"{response_key(child)}: {_hops(c, vias, child, inner)}")
            elif child.name == "__typename":
                parts.append(f"{response_key(child)}: 'TierEntry'")
    conditions = [f"{target} <> {start}"] if exclude_start else []
    if max_length is not None:
        conditions.append(f"length({path}) <= {max_length}")
    where = f"WHERE {' AND '.join(conditions)} " if conditions else ""
    body = (
        f"{prelude} MATCH {path} = SHORTEST {PATHS_PER_COMPANY} ({start}){steps}({target}:Company) "
        f"WITH {target}, {path} {where}ORDER BY length({path}) "
        f"WITH {target}, {base_tier} + min(length({path})) AS {tier}, "
        f"collect([r IN relationships({path}) | r.partnership])[..{PATHS_PER_COMPANY}] AS {vias} "
        f"ORDER BY {tier}, toLower({target}.name) LIMIT {MAX_ENTRIES + 1} "
        f"{' '.join(inner.calls)} RETURN collect({{{', '.join(parts)}}}) AS {rows}"
    )
    scope.calls.append(f"CALL ({', '.join(imports)}) {{ {body} }}")
    fields = []
    for child in merged(selection.children):
        if child.name == "entries":
            fields.append(f"{response_key(child)}: {rows}[..{MAX_ENTRIES}]")
        elif child.name == "truncated":
            fields.append(f"{response_key(child)}: size({rows}) > {MAX_ENTRIES}")
        elif child.name == "__typename":
            fields.append(f"{response_key(child)}: 'Tiers'")
    return "{" + ", ".join(fields) + "}"


def _hop_filter(c: Compiler, where: Any, scope: Scope) -> tuple[str, tuple[str, ...]]:
    """A predicate keeping hops whose partnership matches `where` and, under `asOf`, was
    announced by then; and the variables it needs."""
    conditions: list[str] = []
    needs: tuple[str, ...] = ()
    if c.as_of is not None:
        conditions.append(c.held_then("hop", "SUPPLIES", True))
    if condition := c.filters.where("Partnership", {"n": "q"}, where):
        ids = c.var("allowed")
        scope.calls.append(
            f"CALL () {{ MATCH (q:Partnership) WHERE {condition} RETURN collect(q.id) AS {ids} }}"
        )
        conditions.append(f"hop.partnership IN {ids}")
        needs = (ids,)
    return (f" WHERE {' AND '.join(conditions)}" if conditions else ""), needs


def supply_chain(c: Compiler, selection: Selection, args: dict[str, Any]) -> Statement:
    """Tiers of suppliers (UPSTREAM) or customers (DOWNSTREAM) of a company."""
    company = args["company"]
    depth = in_range(args["maxDepth"], "maxDepth")
    c.answer_as_of(args)
    root, scope = c.var("root"), Scope()
    predicate, needs = _hop_filter(c, args.get("where"), scope)
    hop = f"[hop:SUPPLIES{predicate}]"
    arrow = f"<-{hop}-" if args["direction"] is Direction.UPSTREAM else f"-{hop}->"
    result = _tiers(c, selection, scope, (root, *needs), root, "(()" + arrow + f"()){{1,{depth}}}")
    return rooted(c, "Company", company, scope, root, result)


def exposure(c: Compiler, selection: Selection, args: dict[str, Any]) -> Statement:
    """Who depends on a facility or a company, directly (tier 1) and through their customers."""
    depth = in_range(args["maxDepth"], "maxDepth")
    facility, company = args.get("facility"), args.get("company")
    if (facility is None) == (company is None):
        raise bad_input("give exactly one of facility or company")
    scope, root = Scope(), c.var("root")
    c.answer_as_of(args)
    predicate, _ = _hop_filter(c, None, scope)
    if company is not None:
        result = _tiers(
            c, selection, scope, (root,), root, f"(()-[hop:SUPPLIES{predicate}]->()){{1,{depth}}}"
        )
        return rooted(c, "Company", str(company), scope, root, result)
    # Tier 1: the companies tied to the site, and the customers of deals that concern it.
    direct = c.var("d")
    tie, deal = c.var("tie"), c.var("deal")
    tie_held, deal_held = c.held_then(tie, "OWNS", True), c.held_then(deal, "Partnership", False)
    prelude = (
        f"CALL ({root}) {{ MATCH ({root})<-[{tie}:OWNS|OPERATES|OCCUPIES|DEVELOPS]-({direct}:Company) "
        f"WHERE {tie_held} RETURN {direct} UNION "
        f"MATCH ({root})<-[:CONCERNS]-({deal}:Partnership)<-[r:PARTY_TO]-({direct}:Company) "
        f"WHERE r.role IN ['customer', 'lessee', 'buyer'] AND {deal_held} RETURN {direct} }}"
    )
    # A quantifier needs an upper bound of at least 1: tier 1 alone is {0,1} cut to length 0.
    steps = f"(()-[hop:SUPPLIES{predicate}]->()){{0,{max(depth - 1, 1)}}}"
    result = _tiers(
        c,
        selection,
        scope,
        (root,),
        direct,
        steps,
        prelude=prelude,
        base_tier=1,
        exclude_start=False,
        max_length=depth - 1,
    )
    return rooted(c, "Facility", str(facility), scope, root, result)
