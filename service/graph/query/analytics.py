"""Connected questions as single bounded statements: supply chains, paths, money loops, exposure,
per-company figures and rankings.

Every traversal has a depth cap, a cap on the rows it may enumerate, and the statement timeout.
Where a cap cut the answer short, the result says `truncated: true`. Entities inside results are
projected by the same compiler as everywhere else, so clients select their fields as usual.
"""

from typing import Any

from service.errors import bad_input
from service.graph.query.compiler import TYPE_KEY, Compiler, Scope, Statement, response_key
from service.graph.query.selection import Selection, merged

MAX_DEPTH = 6
MAX_ENTRIES = 500  # companies per supply chain or exposure answer
MAX_PATHS = 20  # paths per connections answer
MAX_CYCLES_SCANNED = 20_000  # money loops enumerated before ranking
PATHS_PER_COMPANY = 3

LINK_TYPES: dict[str, tuple[str, ...]] = {
    "SUPPLY": ("SUPPLIES",),
    "MONEY": ("MONEY_FLOW",),
    "OWNERSHIP": ("INVESTS_IN", "SUBSIDIARY_OF"),
    "EXECUTIVE": ("HOLDS_POSITION",),
    "FACILITY": ("OWNS", "OPERATES", "DEVELOPS", "OCCUPIES", "CONCERNS", "PART_OF"),
    "PARTNERSHIP": ("PARTY_TO",),
    "HISTORY": ("ABOUT",),
}
DEFAULT_LINKS = ("SUPPLY", "MONEY", "OWNERSHIP", "EXECUTIVE", "FACILITY", "PARTNERSHIP")
_ENTITY_TYPES = ("Company", "Person", "Facility", "Partnership", "Source", "Event")


def _depth(value: Any, default: int, name: str, cap: int = MAX_DEPTH) -> int:
    depth = default if value is None else value
    if not isinstance(depth, int) or not 1 <= depth <= cap:
        raise bad_input(f"{name} must be an integer from 1 to {cap}")
    return depth


def _id(value: Any, name: str) -> str:
    if not isinstance(value, str) or not value:
        raise bad_input(f"{name} must be an id")
    return value


def _children(selection: Selection, name: str) -> list[Selection]:
    return [c for c in merged(selection.children) if c.name == name]


def _entity(c: Compiler, var: str, selection: Selection, scope: Scope) -> str:
    """Any entity, shaped by the fragments selected, with the hidden concrete-type key."""
    branches = []
    for type_name in _ENTITY_TYPES:
        body = c.object(type_name, {"n": var}, selection.for_type(type_name), scope)[1:-1]
        branches.append(
            f"WHEN {var}:{type_name} THEN {{{body}{', ' if body else ''}{TYPE_KEY}: '{type_name}'}}"
        )
    return f"CASE {' '.join(branches)} END"


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
) -> str:
    """Companies reached over `steps` (a quantified path pattern) from `start`, each with its tier
    (shortest distance) and up to PATHS_PER_COMPANY partnership paths; one subquery."""
    target, path, vias, tier, rows = c.var("c"), c.var("p"), c.var("vias"), c.var("tier"), c.var("rows")
    inner = Scope()
    parts = []
    for entry in _children(selection, "entries"):
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
    where = f"WHERE {target} <> {start} " if exclude_start else ""
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
    """A predicate keeping hops whose partnership matches `where`, and the variable it needs."""
    condition = c.filters.where("Partnership", {"n": "q"}, where)
    if not condition:
        return "", ()
    ids = c.var("allowed")
    scope.calls.append(f"CALL () {{ MATCH (q:Partnership) WHERE {condition} RETURN collect(q.id) AS {ids} }}")
    return f" WHERE hop.partnership IN {ids}", (ids,)


def _rooted(c: Compiler, label: str, entity_id: str, scope: Scope, root: str, result: str) -> Statement:
    text = " ".join(
        [
            f"OPTIONAL MATCH ({root}:{label} {{id: {c.param(entity_id)}}})",
            *scope.calls,
            f"RETURN CASE WHEN {root} IS NULL THEN null ELSE {result} END AS result",
        ]
    )
    return Statement(text, c.params)


def supply_chain(c: Compiler, selection: Selection) -> Statement:
    """Tiers of suppliers (UPSTREAM) or customers (DOWNSTREAM) of a company."""
    args = selection.args
    company = _id(args.get("company"), "company")
    depth = _depth(args.get("maxDepth"), 3, "maxDepth")
    root, scope = c.var("root"), Scope()
    predicate, needs = _hop_filter(c, args.get("where"), scope)
    hop = f"[hop:SUPPLIES{predicate}]"
    arrow = f"<-{hop}-" if (args.get("direction") or "UPSTREAM") == "UPSTREAM" else f"-{hop}->"
    result = _tiers(c, selection, scope, (root, *needs), root, "(()" + arrow + f"()){{1,{depth}}}")
    return _rooted(c, "Company", company, scope, root, result)


def exposure(c: Compiler, selection: Selection) -> Statement:
    """Who depends on a facility or a company, directly (tier 1) and through their customers."""
    args = selection.args
    depth = _depth(args.get("maxDepth"), 3, "maxDepth")
    facility, company = args.get("facility"), args.get("company")
    if (facility is None) == (company is None):
        raise bad_input("give exactly one of facility or company")
    scope, root = Scope(), c.var("root")
    if company is not None:
        result = _tiers(c, selection, scope, (root,), root, f"(()-[:SUPPLIES]->()){{1,{depth}}}")
        return _rooted(c, "Company", _id(company, "company"), scope, root, result)
    # Tier 1: the companies tied to the site, and the customers of deals that concern it.
    direct = c.var("d")
    prelude = (
        f"CALL ({root}) {{ MATCH ({root})<-[:OWNS|OPERATES|OCCUPIES|DEVELOPS]-({direct}:Company) "
        f"RETURN {direct} UNION MATCH ({root})<-[:CONCERNS]-(:Partnership)<-[r:PARTY_TO]-({direct}:Company) "
        f"WHERE r.role IN ['customer', 'lessee', 'buyer'] RETURN {direct} }}"
    )
    steps = f"(()-[:SUPPLIES]->()){{0,{depth - 1}}}"
    result = _tiers(
        c, selection, scope, (root,), direct, steps, prelude=prelude, base_tier=1, exclude_start=False
    )
    return _rooted(c, "Facility", _id(facility, "facility"), scope, root, result)


def _link_types(via: Any) -> str:
    kinds = DEFAULT_LINKS if via is None else via
    if not isinstance(kinds, list | tuple) or not kinds or any(k not in LINK_TYPES for k in kinds):
        raise bad_input(f"via takes a non-empty list of {', '.join(LINK_TYPES)}")
    return "|".join(sorted({t for k in kinds for t in LINK_TYPES[k]}))


_KIND_OF_TYPE = " ".join(f"WHEN '{t}' THEN '{k}'" for k, types in LINK_TYPES.items() for t in types)


def connections(c: Compiler, selection: Selection) -> Statement:
    """Shortest paths between two entities over the chosen kinds of link, each step explained."""
    args = selection.args
    start, end = _id(args.get("from"), "from"), _id(args.get("to"), "to")
    length = _depth(args.get("maxLength"), 4, "maxLength")
    types = _link_types(args.get("via"))
    a, b, path, index, hop, rows = c.var("a"), c.var("b"), c.var("p"), c.var("i"), c.var("r"), c.var("paths")
    left, right, deal, src = c.var("x"), c.var("y"), c.var("deal"), c.var("src")
    inner = Scope()
    step_parts = []
    for paths_sel in _children(selection, "paths"):
        for steps_sel in [s for s in merged(paths_sel.children) if s.name == "steps"]:
            for child in merged(steps_sel.children):
                match child.name:
                    case "from":
                        step_parts.append(f"{response_key(child)}: {_entity(c, left, child, inner)}")
                    case "to":
                        step_parts.append(f"{response_key(child)}: {_entity(c, right, child, inner)}")
                    case "relationship":
                        step_parts.append(f"{response_key(child)}: type({hop})")
                    case "kind":
                        step_parts.append(f"{response_key(child)}: CASE type({hop}) {_KIND_OF_TYPE} END")
                    case "forward":
                        step_parts.append(f"{response_key(child)}: startNode({hop}) = {left}")
                    case "partnership":
                        body = c.object("Partnership", {"n": deal}, child.children, inner)
                        step_parts.append(
                            f"{response_key(child)}: CASE WHEN {deal} IS NULL THEN null ELSE {body} END"
                        )
                    case "evidence":
                        source_map = c.object("Evidence", {"e": "ev", "s": src}, child.children, inner)
                        step_parts.append(
                            f"{response_key(child)}: CASE WHEN {src} IS NULL THEN null ELSE {source_map} END"
                        )
                    case "__typename":
                        step_parts.append(f"{response_key(child)}: 'PathStep'")
                    case _:
                        raise bad_input(f"PathStep has no field {child.name}")
    # Which partnership explains a step: the one a derived edge is stamped with, or the
    # partnership node the step touches. The evidence is that partnership's first source, else
    # an event's the step touches, else the link's own (positions and facility links carry one).
    body = (
        f"MATCH {path} = ALL SHORTEST ({a})-[:{types}]-{{1,{length}}}({b}) WITH {path} LIMIT {MAX_PATHS + 1} "
        f"WITH {path}, elementId(last(relationships({path}))) + toString(length({path})) AS pid "
        f"UNWIND range(0, length({path}) - 1) AS {index} "
        f"WITH {path}, pid, {index}, nodes({path})[{index}] AS {left}, nodes({path})[{index} + 1] AS {right}, "
        f"relationships({path})[{index}] AS {hop} "
        f"OPTIONAL MATCH ({deal}:Partnership) WHERE {deal}.id = coalesce({hop}.partnership, "
        f"CASE WHEN {left}:Partnership THEN {left}.id WHEN {right}:Partnership THEN {right}.id END) "
        f"WITH *, coalesce({deal}, CASE WHEN {left}:Event THEN {left} WHEN {right}:Event THEN {right} END) AS why "
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
        f"OPTIONAL MATCH ({a}:Entity {{id: {c.param(start)}}}) OPTIONAL MATCH ({b}:Entity {{id: {c.param(end)}}}) "
        f"CALL ({a}, {b}) {{ {body} }} RETURN {{{', '.join(fields)}}} AS result"
    )
    return Statement(text, c.params)


def circular_flows(c: Compiler, selection: Selection) -> Statement:
    """Cycles of money (or supply) that come back to where they started, largest first."""
    args = selection.args
    length = _depth(args.get("maxLength"), 4, "maxLength")
    if length < 2:
        raise bad_input("maxLength must be at least 2: a loop needs two steps")
    rel = "SUPPLIES" if args.get("over") == "SUPPLY" else "MONEY_FLOW"
    first = min(args.get("first") or 20, 100)
    statuses = args.get("status")
    minimum = args.get("minValueUsd")
    a, path, rows = c.var("a"), c.var("p"), c.var("loops")
    involving = args.get("involving")
    start = (
        f"MATCH ({a}:Company {{id: {c.param(_id(involving, 'involving'))}}})"
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
        values = [s.lower() if isinstance(s, str) else str(s) for s in statuses]
        conditions.append(f"all(r IN relationships({path}) WHERE r.status IN {c.param(values)})")
    inner = Scope()
    step_parts, loop_parts = [], []
    for loops_sel in _children(selection, "loops"):
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
                loop_parts.append(f"{response_key(child)}: steps")
            elif child.name in ("length", "valueUsd", "minStepUsd", "knownSteps"):
                loop_parts.append(f"{response_key(child)}: {child.name}")
            elif child.name == "__typename":
                loop_parts.append(f"{response_key(child)}: 'CircularFlow'")
    value_filter = f"WHERE valueUsd >= {c.param(float(minimum))} " if minimum is not None else ""
    body = (
        f"{start} MATCH {path} = ({a})-[:{rel}]->{{2,{length}}}({a}) "
        f"WITH {a}, {path}, reduce(s = [], n IN nodes({path})[..-1] | CASE WHEN n IN s THEN s ELSE s + n END) "
        f"AS visited WHERE {' AND '.join(conditions)} "
        f"WITH {path} LIMIT {MAX_CYCLES_SCANNED} "
        f"WITH {path}, length({path}) AS length, "
        f"reduce(t = 0.0, r IN relationships({path}) | t + coalesce(r.value_usd, 0.0)) AS valueUsd, "
        f"size([r IN relationships({path}) WHERE r.value_usd IS NOT NULL]) AS knownSteps, "
        f"reduce(m = null, r IN relationships({path}) | CASE WHEN r.value_usd IS NULL THEN m "
        f"WHEN m IS NULL OR r.value_usd < m THEN r.value_usd ELSE m END) AS minStepUsd "
        f"{value_filter}"
        f"WITH {path}, length, valueUsd, knownSteps, minStepUsd ORDER BY valueUsd DESC, length LIMIT {first} "
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


_DEGREE_TYPES = "|".join(t for k in DEFAULT_LINKS for t in LINK_TYPES[k])


def company_stats(c: Compiler, node: str, selection: Selection, scope: Scope) -> str:
    """Per-company figures, each from one aggregating subquery (so each yields one row)."""
    parts = []
    for child in merged(selection.children):
        out = c.var(child.name)
        match child.name:
            case "degree":
                scope.calls.append(
                    f"CALL ({node}) {{ OPTIONAL MATCH ({node})-[r:{_DEGREE_TYPES}]-() "
                    f"WITH CASE type(r) {_KIND_OF_TYPE} END AS kind, count(r) AS links WHERE kind IS NOT NULL "
                    f"RETURN collect({{kind: kind, count: links}}) AS {out} }}"
                )
            case "suppliers" | "customers":
                arrow = (
                    "(x:Company)-[:SUPPLIES]->({n})"
                    if child.name == "suppliers"
                    else "({n})-[:SUPPLIES]->(x:Company)"
                )
                scope.calls.append(
                    f"CALL ({node}) {{ OPTIONAL MATCH {arrow.format(n=node)} RETURN count(DISTINCT x) AS {out} }}"
                )
            case "moneyIn" | "moneyOut":
                arrow = "()-[f:MONEY_FLOW]->({n})" if child.name == "moneyIn" else "({n})-[f:MONEY_FLOW]->()"
                # One amount per partnership: a deal's several flows to the same company count once.
                scope.calls.append(
                    f"CALL ({node}) {{ MATCH {arrow.format(n=node)} WITH DISTINCT f.partnership AS pid, f.value_usd AS v "
                    "MATCH (q:Partnership {id: pid}) WITH q.status AS status, q.value_qualifier AS qualifier, "
                    "sum(v) AS total, count(*) AS deals ORDER BY status, qualifier "
                    f"RETURN collect({{status: status, qualifier: qualifier, valueUsd: total, partnerships: deals}}) AS {out} }}"
                )
            case "__typename":
                parts.append(f"{response_key(child)}: 'CompanyStats'")
                continue
            case _:
                raise bad_input(f"CompanyStats has no field {child.name}")
        parts.append(f"{response_key(child)}: {out}")
    return "{" + ", ".join(parts) + "}"


RANKINGS = {
    # Most-depended-on suppliers: how many distinct companies each one supplies.
    "MOST_DEPENDED_ON_SUPPLIERS": "size(COLLECT {{ MATCH ({c})-[:SUPPLIES]->(x:Company) RETURN DISTINCT x }})",
    # Largest money hubs: the value of the distinct deals moving money in or out of it.
    "LARGEST_MONEY_HUBS": "reduce(t = 0.0, v IN COLLECT {{ MATCH ({c})-[f:MONEY_FLOW]-() "
    "WITH DISTINCT f.partnership AS pid, f.value_usd AS v RETURN coalesce(v, 0.0) }} | t + v)",
}


def rankings(c: Compiler, selection: Selection) -> Statement:
    by = selection.args.get("by")
    if by not in RANKINGS:
        raise bad_input(f"by must be one of {', '.join(RANKINGS)}")
    first = selection.args.get("first", 10)
    if not isinstance(first, int) or not 1 <= first <= 100:
        raise bad_input("first must be from 1 to 100")
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
        f"MATCH ({company}:Company) WITH {company}, {RANKINGS[by].format(c=company)} AS {score} "
        f"WHERE {score} > 0 ORDER BY {score} DESC, {company}.id LIMIT {first} "
        f"WITH collect([{company}, {score}]) AS ranked UNWIND range(0, size(ranked) - 1) AS i "
        f"WITH ranked[i][0] AS {company}, ranked[i][1] AS {score}, i + 1 AS {rank} "
        f"{' '.join(inner.calls)} RETURN collect({{{', '.join(parts)}}}) AS {rows}"
    )
    return Statement(f"CALL () {{ {body} }} RETURN {rows} AS result", c.params)
