"""What each GraphQL field means in the graph: the compiler's only source of Cypher fragments.

Templates use `{name}` placeholders. `{n}` is the object's own node (or, for objects built from
a relationship, the roles in its binding); any other placeholder in a `Related.match` is a fresh
variable the compiler names. Nothing here is ever filled with request text.
"""

from dataclasses import dataclass, field

from service.graph.query.paging import OrderField


@dataclass(frozen=True)
class Scalar:
    expr: str


@dataclass(frozen=True)
class Embedded:
    """An object made from the same binding (a partnership's `value`, a facility's `location`)."""

    type: str
    condition: str | None = None


@dataclass(frozen=True)
class Bound:
    """A node the enclosing match already bound as `{role}` (an executive's person, a party's
    company): projected in place, with no subquery."""

    type: str
    role: str


@dataclass(frozen=True)
class Capacities:
    """A list of Capacity objects from the parallel capacity_* list properties."""


@dataclass(frozen=True)
class Figures:
    """Per-company figures computed by aggregating subqueries (service.graph.query.analytics)."""


@dataclass(frozen=True)
class Related:
    """Objects reached by a MATCH: a connection (paged), a plain list, or a single object."""

    node_type: str
    match: str
    node_bind: dict[str, str]
    edge_type: str | None = None
    edge_bind: dict[str, str] = field(default_factory=dict)
    collect: dict[str, str] = field(default_factory=dict)
    filter_role: str | None = None  # the item role that `where` filters (a node of node_type)
    order: dict[str, OrderField] | None = None
    default_order: tuple[str, bool] = ("NAME", False)
    tiebreak: str = "{m}.id"
    paged: bool = True
    many: bool = True


FieldSpec = Scalar | Embedded | Bound | Capacities | Figures | Related


def _o(expr: str, sort_type: str = "string", nullable: bool = True) -> OrderField:
    return OrderField(expr, sort_type, nullable)  # type: ignore[arg-type]


ORDERS: dict[str, dict[str, OrderField]] = {
    "Company": {
        "NAME": _o("toLower({n}.name)"),
        "ID": _o("{n}.id", nullable=False),
        "COUNTRY": _o("{n}.country"),
    },
    "Person": {"NAME": _o("toLower({n}.name)"), "ID": _o("{n}.id", nullable=False)},
    "Facility": {
        "NAME": _o("toLower({n}.name)"),
        "ID": _o("{n}.id", nullable=False),
        "STATUS_AS_OF": _o("{n}.status_as_of_on", "date"),
        "POWER_MW": _o("{n}.power_mw", "float"),
    },
    "Partnership": {
        "NAME": _o("toLower({n}.name)"),
        "ID": _o("{n}.id", nullable=False),
        "ANNOUNCED_ON": _o("{n}.announced_on", "date"),
        "VALUE_USD": _o("{n}.value_usd", "float"),
    },
    "Source": {
        "ID": _o("{n}.id", nullable=False),
        "PUBLISHED_ON": _o("{n}.published_on", "date"),
        "PUBLISHER": _o("{n}.publisher"),
    },
    "Event": {"ON": _o("{n}.on", "date"), "ID": _o("{n}.id", nullable=False)},
}
DEFAULT_ORDER: dict[str, tuple[str, bool]] = {
    "Company": ("NAME", False),
    "Person": ("NAME", False),
    "Facility": ("NAME", False),
    "Partnership": ("ANNOUNCED_ON", True),
    "Source": ("PUBLISHED_ON", True),
    "Event": ("ON", False),
}
LABELS = {"Company", "Person", "Facility", "Partnership", "Source", "Event"}


def _nodes(node_type: str, match: str, **kwargs: object) -> Related:
    """A connection of nodes of `node_type`, bound as {m}."""
    return Related(
        node_type,
        match,
        {"n": "m"},
        filter_role="n",
        order=ORDERS[node_type],
        default_order=DEFAULT_ORDER[node_type],
        **kwargs,  # type: ignore[arg-type]
    )


def _evidence() -> Related:
    return Related(
        "Evidence",
        "MATCH ({n})-[{e}:SOURCED_BY]->({s}:Source)",
        {"e": "e", "s": "s"},
        order={"ORDER": _o("{e}.ord", "int")},
        default_order=("ORDER", False),
        tiebreak="{s}.id",
    )


def _events() -> Related:
    return _nodes("Event", "MATCH ({m}:Event)-[:ABOUT]->({n})")


def _grouped(node_type: str, match: str, edge_type: str, name: str, aggregate: str) -> Related:
    """A connection with one edge per distinct node; `aggregate` gathers what ties it (roles,
    partnerships) into the edge field `name`."""
    return Related(
        node_type,
        match,
        {"n": "m"},
        edge_type=edge_type,
        edge_bind={"n": "m", name: name},
        collect={name: aggregate},
        filter_role="n",
        order=ORDERS[node_type],
        default_order=DEFAULT_ORDER[node_type],
    )


def _linked_companies(match: str) -> Related:
    """Companies tied by derived edges, each with the partnerships behind the link."""
    return _grouped("Company", match, "CompanyLinkEdge", "via", "collect(DISTINCT {l}.partnership)")


_FACILITY_ROLES = "collect(DISTINCT toLower(type({l})))"


_SPAN = {
    "title": Scalar("{r}.title"),
    "role": Scalar("{r}.role"),
    "since": Scalar("toString({r}.since)"),
    "sincePrecision": Scalar("{r}.since_precision"),
    "until": Scalar("toString({r}.until)"),
    "untilPrecision": Scalar("{r}.until_precision"),
    "current": Scalar("({r}.until IS NULL OR {r}.until >= date())"),
}

# What every entity has: its version, its retraction and the history of its changes.
_BOOKKEEPING: dict[str, FieldSpec] = {
    "version": Scalar("coalesce({n}.version, 1)"),
    "retracted": Scalar("{n}:Retracted"),
    "retraction": Embedded("Retraction", "{n}:Retracted"),
    "history": Related(
        "Change",
        "MATCH ({n})-[:HAS_CHANGE]->({m}:Change)",
        {"n": "m"},
        order={"VERSION": _o("{n}.version", "int", nullable=False)},
        default_order=("VERSION", True),
    ),
}

MODEL: dict[str, dict[str, FieldSpec]] = {
    "Company": {
        **_BOOKKEEPING,
        "id": Scalar("{n}.id"),
        "name": Scalar("{n}.name"),
        "kind": Scalar("{n}.kind"),
        "legalName": Scalar("{n}.legal_name"),
        "aliases": Scalar("coalesce({n}.aliases, [])"),
        "country": Scalar("{n}.country"),
        "ticker": Scalar("{n}.ticker"),
        "description": Scalar("{n}.description"),
        "unknown": Scalar("coalesce({n}.unknown, [])"),
        "synthetic": Scalar("coalesce({n}.synthetic, false)"),
        "sources": _evidence(),
        "events": _events(),
        "executives": Related(
            "Executive",
            "MATCH ({p}:Person)-[{r}:HOLDS_POSITION]->({n})",
            {"p": "p", "r": "r", "c": "n"},
            order={"SINCE": _o("{r}.since", "date")},
            default_order=("SINCE", True),
            tiebreak="{p}.id + '/' + {r}.title",
        ),
        "facilities": _grouped(
            "Facility",
            "MATCH ({n})-[{l}:OWNS|OPERATES|DEVELOPS|OCCUPIES]->({m}:Facility)",
            "CompanyFacilityEdge",
            "roles",
            _FACILITY_ROLES,
        ),
        "partnerships": _grouped(
            "Partnership",
            "MATCH ({n})-[{l}:PARTY_TO]->({m}:Partnership)",
            "CompanyPartnershipEdge",
            "roles",
            "collect(DISTINCT {l}.role)",
        ),
        "suppliers": _linked_companies("MATCH ({m}:Company)-[{l}:SUPPLIES]->({n})"),
        "customers": _linked_companies("MATCH ({n})-[{l}:SUPPLIES]->({m}:Company)"),
        "investors": _linked_companies("MATCH ({m}:Company)-[{l}:INVESTS_IN]->({n})"),
        "investments": _linked_companies("MATCH ({n})-[{l}:INVESTS_IN]->({m}:Company)"),
        "partners": _grouped(
            "Company",
            "MATCH ({n})-[:PARTY_TO]->({q}:Partnership)<-[:PARTY_TO]-({m}:Company) WHERE {m} <> {n}",
            "CompanyLinkEdge",
            "via",
            "collect(DISTINCT {q}.id)",
        ),
        "parent": Related(
            "Company", "MATCH ({n})-[:SUBSIDIARY_OF]->({m}:Company)", {"n": "m"}, paged=False, many=False
        ),
        "subsidiaries": _nodes("Company", "MATCH ({m}:Company)-[:SUBSIDIARY_OF]->({n})"),
        "stats": Figures(),
    },
    "Person": {
        **_BOOKKEEPING,
        "id": Scalar("{n}.id"),
        "name": Scalar("{n}.name"),
        "aliases": Scalar("coalesce({n}.aliases, [])"),
        "unknown": Scalar("coalesce({n}.unknown, [])"),
        "synthetic": Scalar("coalesce({n}.synthetic, false)"),
        "sources": _evidence(),
        "positions": Related(
            "Executive",
            "MATCH ({n})-[{r}:HOLDS_POSITION]->({c}:Company)",
            {"p": "n", "r": "r", "c": "c"},
            order={"SINCE": _o("{r}.since", "date")},
            default_order=("SINCE", True),
            tiebreak="{c}.id + '/' + {r}.title",
        ),
    },
    "Executive": {
        **_SPAN,
        "person": Bound("Person", "p"),
        "company": Bound("Company", "c"),
        "sources": Related(
            "Evidence",
            "UNWIND range(0, size(coalesce({r}.sources, [])) - 1) AS {i} "
            "MATCH ({s}:Source {id: {r}.sources[{i}]}) WITH {s}, {i}, {quote: {r}.quotes[{i}]} AS {e}",
            {"s": "s", "e": "e"},
            order={"ORDER": _o("{i}", "int")},
            default_order=("ORDER", False),
            tiebreak="{s}.id",
            paged=False,
        ),
    },
    "Facility": {
        **_BOOKKEEPING,
        "id": Scalar("{n}.id"),
        "name": Scalar("{n}.name"),
        "kind": Scalar("{n}.kind"),
        "status": Scalar("{n}.status"),
        "statusAsOf": Scalar("toString({n}.status_as_of_on)"),
        "statusAsOfPrecision": Scalar("{n}.status_as_of_precision"),
        "aliases": Scalar("coalesce({n}.aliases, [])"),
        "description": Scalar("{n}.description"),
        "powerMw": Scalar("{n}.power_mw"),
        "unknown": Scalar("coalesce({n}.unknown, [])"),
        "synthetic": Scalar("coalesce({n}.synthetic, false)"),
        "location": Embedded("Location"),
        "capacity": Capacities(),
        "sources": _evidence(),
        "events": _events(),
        "companies": _grouped(
            "Company",
            "MATCH ({m}:Company)-[{l}:OWNS|OPERATES|DEVELOPS|OCCUPIES]->({n})",
            "FacilityCompanyEdge",
            "roles",
            _FACILITY_ROLES,
        ),
        "partnerships": _nodes("Partnership", "MATCH ({m}:Partnership)-[:CONCERNS]->({n})"),
        "partOf": Related(
            "Facility", "MATCH ({n})-[:PART_OF]->({m}:Facility)", {"n": "m"}, paged=False, many=False
        ),
        "parts": _nodes("Facility", "MATCH ({m}:Facility)-[:PART_OF]->({n})"),
    },
    "Location": {
        "city": Scalar("{n}.city"),
        "state": Scalar("{n}.region"),
        "country": Scalar("{n}.country"),
        "latitude": Scalar("{n}.latitude"),
        "longitude": Scalar("{n}.longitude"),
        "precision": Scalar("{n}.location_precision"),
    },
    "Partnership": {
        **_BOOKKEEPING,
        "id": Scalar("{n}.id"),
        "name": Scalar("{n}.name"),
        "kind": Scalar("{n}.kind"),
        "status": Scalar("{n}.status"),
        "announcedOn": Scalar("toString({n}.announced_on)"),
        "announcedPrecision": Scalar("{n}.announced_precision"),
        "summary": Scalar("{n}.summary"),
        "products": Scalar("coalesce({n}.products, [])"),
        "unknown": Scalar("coalesce({n}.unknown, [])"),
        "synthetic": Scalar("coalesce({n}.synthetic, false)"),
        "value": Embedded("Money", "{n}.value_qualifier IS NOT NULL"),
        "capacity": Capacities(),
        "sources": _evidence(),
        "events": _events(),
        "parties": Related(
            "Party",
            "MATCH ({c}:Company)-[{r}:PARTY_TO]->({n})",
            {"c": "c", "r": "r"},
            order={"ORDER": _o("{r}.ord", "int")},
            default_order=("ORDER", False),
            tiebreak="{c}.id",
            paged=False,
        ),
        "facilities": _nodes("Facility", "MATCH ({n})-[:CONCERNS]->({m}:Facility)"),
        "partOf": Related(
            "Partnership", "MATCH ({n})-[:PART_OF]->({m}:Partnership)", {"n": "m"}, paged=False, many=False
        ),
        "parts": _nodes("Partnership", "MATCH ({m}:Partnership)-[:PART_OF]->({n})"),
    },
    "Capacity": {
        "amount": Scalar("{n}.capacity_amounts[{i}]"),
        "unit": Scalar("{n}.capacity_units[{i}]"),
        "qualifier": Scalar("{n}.capacity_qualifiers[{i}]"),
    },
    "Money": {
        "amount": Scalar("{n}.value_amount"),
        "currency": Scalar("{n}.value_currency"),
        "usd": Scalar("{n}.value_usd"),
        "qualifier": Scalar("{n}.value_qualifier"),
    },
    "PartyMoney": {
        "amount": Scalar("{r}.value_amount"),
        "currency": Scalar("{r}.value_currency"),
        "usd": Scalar("{r}.value_usd"),
        "qualifier": Scalar("{r}.value_qualifier"),
    },
    "Party": {
        "role": Scalar("{r}.role"),
        "company": Bound("Company", "c"),
        "value": Embedded("PartyMoney", "{r}.value_qualifier IS NOT NULL"),
    },
    "Source": {
        **_BOOKKEEPING,
        "id": Scalar("{n}.id"),
        "title": Scalar("{n}.title"),
        "publisher": Scalar("{n}.publisher"),
        "url": Scalar("{n}.url"),
        "publishedOn": Scalar("toString({n}.published_on)"),
        "publishedPrecision": Scalar("{n}.published_precision"),
        "tier": Scalar("{n}.tier"),
        "dateBasis": Scalar("{n}.date_basis"),
        "note": Scalar("{n}.note"),
        "synthetic": Scalar("coalesce({n}.synthetic, false)"),
    },
    "Evidence": {
        "quote": Scalar("{e}.quote"),
        "attribute": Scalar("{e}.attribute"),
        "value": Scalar("{e}.value"),
        "preferred": Scalar("{e}.preferred"),
        "note": Scalar("{e}.note"),
        "row": Scalar("{e}.row"),
        "post2025": Scalar("coalesce({e}.post_2025, false)"),
        "source": Bound("Source", "s"),
    },
    "Event": {
        **_BOOKKEEPING,
        "id": Scalar("{n}.id"),
        "on": Scalar("toString({n}.on)"),
        "onPrecision": Scalar("{n}.on_precision"),
        "kind": Scalar("{n}.kind"),
        "description": Scalar("{n}.description"),
        "sources": _evidence(),
    },
    "CompanyLinkEdge": {
        "partnerships": Related(
            "Partnership",
            "UNWIND {via} AS {pid} MATCH ({m}:Partnership {id: {pid}})",
            {"n": "m"},
            order=ORDERS["Partnership"],
            default_order=DEFAULT_ORDER["Partnership"],
            paged=False,
        ),
    },
    "CompanyFacilityEdge": {"roles": Scalar("{roles}")},
    "FacilityCompanyEdge": {"roles": Scalar("{roles}")},
    "CompanyPartnershipEdge": {"roles": Scalar("{roles}")},
}

MODEL["Change"] = {
    "version": Scalar("{n}.version"),
    "action": Scalar("{n}.action"),
    "at": Scalar("toString({n}.at)"),
    "keyId": Scalar("{n}.key_id"),
    "keyName": Scalar("{n}.key_name"),
    "reason": Scalar("{n}.reason"),
    "fields": Scalar("coalesce({n}.fields, [])"),
    "before": Scalar("{n}.before"),
    "after": Scalar("{n}.after"),
}
MODEL["Retraction"] = {
    "reason": Scalar("{n}.retracted_reason"),
    "at": Scalar("toString({n}.retracted_at)"),
    "keyId": Scalar("{n}.retracted_by"),
}
