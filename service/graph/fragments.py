"""The model's Cypher vocabulary: how a catalog read (a property, a hop, a read-time rule)
is written in Cypher, for the query compiler to assemble into statements.

Names come from the declarations (property names, relationship types, labels), which are fixed
identifiers checked here; values never appear in these fragments, only `$parameters`.
"""

import re

from service.domain.catalog import CATALOG, DatedStatus, Hop, ValidSpan
from service.domain.declare import Now
from service.domain.vocab import LINK_TYPES, SourceTier

RETRACTED = "Retracted"  # the label every retracted entity carries instead of its kind's
ARCHIVED = "WAS"  # the type of a link's archived copy, once it is removed or rewritten
VERSION, EARLIER = "Version", "PREVIOUSLY"  # an entity's earlier values, and the link to them
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def identifier(name: str) -> str:
    """A property, label or relationship type name from the declarations, checked."""
    if not _IDENTIFIER.match(name):
        raise ValueError(f"not an identifier: {name!r}")
    return name


def prop(var: str, stored: str) -> str:
    return f"{var}.{identifier(stored)}"


# Relationships that are not links between entities: left out of every neighbourhood.
NOT_LINKS = f"!SOURCED_BY&!HAS_CHANGE&!{ARCHIVED}&!{EARLIER}"


def labels(hop: Hop, retracted_too: bool = False) -> str:
    """The label expression of a hop's far end: a label, a union's labels (`:Person|Company`);
    with `retracted_too`, their retracted forms as well."""
    if hop.target == "Entity":
        return ""
    union = CATALOG.unions.get(hop.target)
    names = [identifier(label) for label in (union.members if union else (hop.target,))]
    if retracted_too:
        names += [f"{RETRACTED}{name}" for name in names]
    return ":" + "|".join(names)


def pattern(start: str, hop: Hop, end: str, rel: str = "", known: bool = False) -> str:
    """`(start)-[rel:TYPES]->(end:Label)`, or reversed for an incoming hop. With `known` (a
    `knownAt` query, which tests each link and end with `known_link` and `known_node`), archived
    links and retracted ends match too."""
    types = "|".join([*(identifier(r) for r in hop.rels), *([ARCHIVED] if known else [])])
    step = f"[{rel}:{types}]"
    end_node = f"({end}{labels(hop, known)})"
    return f"({start})-{step}->{end_node}" if hop.outgoing else f"({start})<-{step}-{end_node}"


def degree(start: str, hop: Hop) -> str:
    """How many links of the hop's types `start` has: an upper bound of any count of the ends or
    links of that hop, which Neo4j reads from the node's degree without following a link."""
    step = f"[:{'|'.join(identifier(r) for r in hop.rels)}]"
    return f"COUNT {{ ({start})-{step}->() }}" if hop.outgoing else f"COUNT {{ ({start})<-{step}-() }}"


def now(rule: Now, rel: str, today: str = "date()") -> str:
    """A value computed when read, as of `today` (an expression: the date of an `asOf` query)."""
    match rule:
        case Now.HELD:
            return f"({rel}.until IS NULL OR {rel}.until >= {today})"
    raise AssertionError(rule)


def held(var: str, span: ValidSpan, on: str) -> str:
    """True when the node or relationship `var` held on the date `on`: started by then (or its
    start is unknown) and not ended before it. Partial dates are stored as their first day."""
    parts = []
    if span.start:
        parts.append(f"({prop(var, span.start)} IS NULL OR {prop(var, span.start)} <= {on})")
    if span.end:
        parts.append(f"({prop(var, span.end)} IS NULL OR {prop(var, span.end)} >= {on})")
    return " AND ".join(parts) or "true"


def known_node(var: str, at: str, retracted_too: bool = False) -> str:
    """True when the graph held the node `var` at the moment `at` (transaction time): recorded
    by then (what was loaded before recording began counts as always known; a change by its
    time) and, unless `retracted_too`, not yet retracted."""
    recorded = f"coalesce({var}.recorded_at, {var}.at)"
    parts = [f"({recorded} IS NULL OR {recorded} <= {at})"]
    if not retracted_too:
        parts.append(f"({var}.retracted_at IS NULL OR {var}.retracted_at > {at})")
    return " AND ".join(parts)


def known_link(var: str, at: str, types: tuple[str, ...]) -> str:
    """True when the relationship `var` (live, or an archived copy) was one of `types` that the
    graph held at the moment `at`."""
    listed = ", ".join(f"'{identifier(t)}'" for t in types)
    return (
        f"({var}.recorded_at IS NULL OR {var}.recorded_at <= {at}) "
        f"AND ({var}.removed_at IS NULL OR {var}.removed_at > {at}) "
        f"AND ({var}.was_type IS NULL OR {var}.was_type IN [{listed}])"
    )


def retracted_then(var: str, at: str) -> str:
    return f"({var}:{RETRACTED} AND {var}.retracted_at <= {at})"


def values_then(var: str, at: str, earlier: str) -> str:
    """The node `var` as its values stood at the moment `at`: the first version replaced after
    it, or the node itself when none was."""
    return (
        f"coalesce(COLLECT {{ MATCH ({var})-[:{EARLIER}]->({earlier}:{VERSION}) "
        f"WHERE {earlier}.replaced_at > {at} RETURN {earlier} ORDER BY {earlier}.replaced_at LIMIT 1 }}[0], "
        f"{var})"
    )


def link_type(var: str, known: bool) -> str:
    """The type of the relationship `var`; under `knownAt`, an archived copy's original type."""
    return f"coalesce({var}.was_type, type({var}))" if known else f"type({var})"


def status_then(var: str, values: str, dated: DatedStatus, on: str, event: str) -> str:
    """The status of the node `var` (its properties read from `values`) on the date `on`: the
    newest by then of those its events set and its own (from the date it holds since, if known);
    before all of them, `dated.before` (the sources do not say); with none dated at all, its own
    (nothing says it changed)."""
    span = CATALOG.valid_nodes["Event"]
    assert span.start is not None
    set_by, day = prop(event, dated.event_status), prop(event, span.start)
    events = f"MATCH ({var})<-[:ABOUT]-({event}:Event) WHERE {set_by} IS NOT NULL"
    latest = (
        f"COLLECT {{ {events} AND {day} <= {on} RETURN [{day}, {set_by}] ORDER BY {day} DESC LIMIT 1 }}[0]"
    )
    before, own = identifier(dated.before), prop(values, dated.status)
    branches = []
    if dated.since is not None:
        since = prop(values, dated.since)
        branches.append(f"WHEN {since} <= {on} AND coalesce({latest}[0] <= {since}, true) THEN {own}")
    branches.append(f"WHEN {latest} IS NOT NULL THEN {latest}[1]")
    # Before every dated status: the one the first change replaced, where it says.
    replaced = (
        f"COLLECT {{ {events} AND {day} > {on} "
        f"RETURN {prop(event, dated.replaced)} ORDER BY {day} LIMIT 1 }}[0]"
    )
    dated_later = f"EXISTS {{ {events} }}" + (
        f" OR {prop(values, dated.since)} > {on}" if dated.since else ""
    )
    branches.append(f"WHEN {dated_later} THEN coalesce({replaced}, '{before}')")
    return f"CASE {' '.join(branches)} ELSE {own} END"


def only_tier_c(node: str, link: str | None = None) -> str:
    """True when the evidence of `node` (or only that of its link object `link`, whose items are
    the node's SOURCED_BY edges from `link.evidence_ord`) has items and all cite tier-C sources."""
    edge = "[e:SOURCED_BY]"
    within = (
        f" AND e.ord >= {link}.evidence_ord AND e.ord < {link}.evidence_ord + size({link}.sources)"
        if link
        else ""
    )
    tier = f"'{SourceTier.C.value}'"
    return (
        f"(EXISTS {{ MATCH ({node})-{edge}->(:Source) WHERE true{within} }} "
        f"AND NOT EXISTS {{ MATCH ({node})-{edge}->(s:Source) WHERE s.tier <> {tier}{within} }})"
    )


def link_kind(rel: str, known: bool = False) -> str:
    """The kind of link (`LinkKind`) of the relationship `rel`, by its type."""
    cases = " ".join(f"WHEN '{t}' THEN '{kind.value}'" for kind, types in LINK_TYPES.items() for t in types)
    return f"CASE {link_type(rel, known)} {cases} END"
