"""The model's Cypher vocabulary: how a catalog read (a property, a hop, a read-time rule)
is written in Cypher, for the query compiler to assemble into statements.

Names come from the declarations (property names, relationship types, labels), which are fixed
identifiers checked here; values never appear in these fragments, only `$parameters`.
"""

import re

from service.domain.catalog import CATALOG, Hop, ValidSpan
from service.domain.declare import Now
from service.domain.vocab import LINK_TYPES, SourceTier

RETRACTED = "Retracted"  # the label every retracted entity carries instead of its kind's
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def identifier(name: str) -> str:
    """A property, label or relationship type name from the declarations, checked."""
    if not _IDENTIFIER.match(name):
        raise ValueError(f"not an identifier: {name!r}")
    return name


def prop(var: str, stored: str) -> str:
    return f"{var}.{identifier(stored)}"


def labels(hop: Hop) -> str:
    """The label expression of a hop's far end: a label, a union's labels (`:Person|Company`)."""
    if hop.target == "Entity":
        return ""
    union = CATALOG.unions.get(hop.target)
    return ":" + "|".join(identifier(label) for label in (union.members if union else (hop.target,)))


def pattern(start: str, hop: Hop, end: str, rel: str = "") -> str:
    """`(start)-[rel:TYPES]->(end:Label)`, or reversed for an incoming hop."""
    types = "|".join(identifier(r) for r in hop.rels)
    step = f"[{rel}:{types}]"
    end_node = f"({end}{labels(hop)})"
    return f"({start})-{step}->{end_node}" if hop.outgoing else f"({start})<-{step}-{end_node}"


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


def link_kind(rel: str) -> str:
    """The kind of link (`LinkKind`) of the relationship `rel`, by its type."""
    cases = " ".join(f"WHEN '{t}' THEN '{kind.value}'" for kind, types in LINK_TYPES.items() for t in types)
    return f"CASE type({rel}) {cases} END"
