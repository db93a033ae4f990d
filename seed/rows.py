"""Turns validated entries into the flat rows the graph layer writes (one row per node or link).

Each entity row carries `content_hash`, the hash of everything the entry says (its own links
included), so a load can skip what has not changed and say so.
"""

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from seed.models import (
    Capacity,
    Company,
    Event,
    Evidence,
    Facility,
    Money,
    Partnership,
    Person,
    Source,
    Sourced,
    as_date,
)
from seed.partial_date import PartialDateValue
from seed.vocab import INVESTMENT_DIRECTIONS, MONEY_DIRECTIONS, SUPPLY_DIRECTIONS, PartyRole

# Bump when the mapping below changes, so the next load rewrites every entity.
ROW_FORMAT = "4"

Row = dict[str, Any]


def content_hash(entry: Source | Sourced) -> str:
    payload = ROW_FORMAT + json.dumps(entry.model_dump(mode="json"), sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()[:32]


def _date_props(prefix: str, value: PartialDateValue | None) -> Row:
    return {
        f"{prefix}_on" if prefix else "on": as_date(value),
        f"{prefix}_precision" if prefix else "on_precision": value.precision.value if value else None,
    }


def _span_props(value_since: PartialDateValue | None, value_until: PartialDateValue | None) -> Row:
    """since/until of a position or facility link, named as the model documents them."""
    return {
        "since": as_date(value_since),
        "since_precision": value_since.precision.value if value_since else None,
        "until": as_date(value_until),
        "until_precision": value_until.precision.value if value_until else None,
    }


def _capacity_props(items: list[Capacity]) -> Row:
    power = [c.amount * (1000 if c.unit == "gw" else 1) for c in items if c.unit in {"gw", "mw"}]
    return {
        "capacity_amounts": [c.amount for c in items],
        "capacity_units": [c.unit for c in items],
        "capacity_qualifiers": [c.qualifier.value for c in items],
        "power_mw": max(power) if power else None,
    }


def _money_props(prefix: str, money: Money | None) -> Row:
    return {
        f"{prefix}_amount": money.amount if money else None,
        f"{prefix}_currency": money.currency if money else None,
        f"{prefix}_usd": money.usd if money else None,
        f"{prefix}_qualifier": money.qualifier.value if money else None,
    }


def _evidence_rows(entity_id: str, items: list[Evidence], start: int = 0) -> Iterator[Row]:
    for order, item in enumerate(items, start=start):
        yield {
            "entity": entity_id,
            "source": item.source,
            "ord": order,
            "quote": item.quote,
            "row": item.row,
            "attribute": item.attribute,
            "value": item.value,
            "preferred": item.preferred,
            "note": item.note,
            "post_2025": item.post_2025,
        }


def _common(entry: Sourced, origin: str) -> Row:
    return {
        "id": entry.id,
        "unknown": list(entry.unknown),
        "synthetic": entry.synthetic,
        "origin": origin,
        "content_hash": content_hash(entry),
    }


@dataclass
class Rows:
    """Rows grouped by the statement that writes them."""

    nodes: dict[str, list[Row]] = field(default_factory=dict)
    links: dict[str, list[Row]] = field(default_factory=dict)

    def node(self, label: str, row: Row) -> None:
        self.nodes.setdefault(label, []).append(row)

    def link(self, kind: str, row: Row) -> None:
        self.links.setdefault(kind, []).append(row)

    def extend(self, kind: str, rows: Iterator[Row]) -> None:
        self.links.setdefault(kind, []).extend(rows)

    def relationship_count(self) -> int:
        return sum(len(rows) for rows in self.links.values())


def add_source(rows: Rows, source: Source, origin: str) -> None:
    rows.node(
        "Source",
        {
            "id": source.id,
            "url": source.url,
            "title": source.title,
            "publisher": source.publisher,
            **_date_props("published", source.published),
            "date_basis": source.date_basis,
            "tier": source.tier.value,
            "note": source.note,
            "synthetic": source.synthetic,
            "origin": origin,
            "content_hash": content_hash(source),
            "unknown": [],
        },
    )


def add_company(rows: Rows, company: Company, origin: str) -> None:
    rows.node(
        "Company",
        {
            **_common(company, origin),
            "name": company.name,
            "kind": company.kind.value,
            "legal_name": company.legal_name,
            "aliases": list(company.aliases),
            "aliases_text": " | ".join(company.aliases),
            "country": company.country,
            "ticker": company.ticker,
            "description": company.description,
        },
    )
    rows.extend("SOURCED_BY", _evidence_rows(company.id, company.evidence))
    if company.parent:
        rows.link("SUBSIDIARY_OF", {"child": company.id, "parent": company.parent})


def add_person(rows: Rows, person: Person, origin: str) -> None:
    rows.node(
        "Person",
        {
            **_common(person, origin),
            "name": person.name,
            "aliases": list(person.aliases),
            "aliases_text": " | ".join(person.aliases),
        },
    )
    rows.extend("SOURCED_BY", _evidence_rows(person.id, person.all_evidence()))
    # A link's evidence follows the entity's own on SOURCED_BY; evidence_ord says where it starts.
    start = len(person.evidence)
    for position in person.positions:
        rows.link(
            "HOLDS_POSITION",
            {
                "person": person.id,
                "company": position.company,
                "title": position.title,
                "role": position.role.value,
                **_span_props(position.since, position.until),
                "sources": [e.source for e in position.evidence],
                "quotes": [e.quote for e in position.evidence],
                "evidence_ord": start,
            },
        )
        start += len(position.evidence)


def add_facility(rows: Rows, facility: Facility, origin: str) -> None:
    location = facility.location
    rows.node(
        "Facility",
        {
            **_common(facility, origin),
            "name": facility.name,
            "kind": facility.kind.value,
            "status": facility.status.value,
            **_date_props("status_as_of", facility.status_as_of),
            "aliases": list(facility.aliases),
            "aliases_text": " | ".join(facility.aliases),
            "city": location.city,
            "region": location.region,
            "country": location.country,
            "latitude": location.latitude,
            "longitude": location.longitude,
            "location_precision": location.precision.value,
            "description": facility.description,
            **_capacity_props(facility.capacity),
        },
    )
    rows.extend("SOURCED_BY", _evidence_rows(facility.id, facility.all_evidence()))
    start = len(facility.evidence)
    for link in facility.links:
        rows.link(
            "FACILITY_LINK",
            {
                "facility": facility.id,
                "company": link.company,
                "type": link.kind.value.upper(),
                **_span_props(link.since, link.until),
                "sources": [e.source for e in link.evidence],
                "quotes": [e.quote for e in link.evidence],
                "evidence_ord": start,
            },
        )
        start += len(link.evidence)
    if facility.part_of:
        rows.link("PART_OF", {"child": facility.id, "parent": facility.part_of})


def _derived(partnership: Partnership) -> Iterator[tuple[str, Row]]:
    """SUPPLIES, INVESTS_IN and MONEY_FLOW edges implied by the parties' roles."""
    by_role: dict[PartyRole, list[Any]] = {}
    for party in partnership.parties:
        by_role.setdefault(party.role, []).append(party)
    tables = (
        ("SUPPLIES", SUPPLY_DIRECTIONS),
        ("INVESTS_IN", INVESTMENT_DIRECTIONS),
        ("MONEY_FLOW", MONEY_DIRECTIONS),
    )
    total = partnership.value.usd if partnership.value else None
    # Where parties carry their own amounts, the total belongs to those flows only: a deal that
    # pairs a US$100B investment with a purchase must not show US$100B moving both ways.
    split = any(party.value for party in partnership.parties)
    seen: set[tuple[str, str, str]] = set()
    for kind, table in tables:
        for from_role, to_role in table:
            for source in by_role.get(from_role, []):
                for target in by_role.get(to_role, []):
                    key = (kind, source.company, target.company)
                    if source.company == target.company or key in seen:
                        continue
                    seen.add(key)
                    own = source.value or target.value
                    yield (
                        kind,
                        {
                            "from": source.company,
                            "to": target.company,
                            "partnership": partnership.id,
                            "kind": partnership.kind.value,
                            "status": partnership.status.value,
                            "value_usd": own.usd if own else (None if split else total),
                            "announced_on": as_date(partnership.announced),
                        },
                    )


def add_partnership(rows: Rows, partnership: Partnership, origin: str) -> None:
    rows.node(
        "Partnership",
        {
            **_common(partnership, origin),
            "name": partnership.name,
            "kind": partnership.kind.value,
            "status": partnership.status.value,
            **_date_props("announced", partnership.announced),
            "summary": partnership.summary,
            **_money_props("value", partnership.value),
            **_capacity_props(partnership.capacity),
            "products": list(partnership.products),
            "aliases_text": "",
        },
    )
    rows.extend("SOURCED_BY", _evidence_rows(partnership.id, partnership.evidence))
    for order, party in enumerate(partnership.parties):
        rows.link(
            "PARTY_TO",
            {
                "company": party.company,
                "partnership": partnership.id,
                "role": party.role.value,
                "ord": order,
                **_money_props("value", party.value),
            },
        )
    for facility_id in partnership.facilities:
        rows.link("CONCERNS", {"partnership": partnership.id, "facility": facility_id})
    if partnership.part_of:
        rows.link("PART_OF", {"child": partnership.id, "parent": partnership.part_of})
    for kind, row in _derived(partnership):
        rows.link(kind, row)


def add_event(rows: Rows, event: Event, origin: str) -> None:
    rows.node(
        "Event",
        {
            **_common(event, origin),
            **_date_props("", event.on),
            "kind": event.kind,
            "description": event.description,
        },
    )
    rows.extend("SOURCED_BY", _evidence_rows(event.id, event.evidence))
    for subject in event.subjects:
        rows.link("ABOUT", {"event": event.id, "subject": subject})


def add_entry(rows: Rows, entry: Source | Sourced, origin: str) -> None:
    """Dispatch on the entry's model."""
    match entry:
        case Source():
            add_source(rows, entry, origin)
        case Company():
            add_company(rows, entry, origin)
        case Person():
            add_person(rows, entry, origin)
        case Facility():
            add_facility(rows, entry, origin)
        case Partnership():
            add_partnership(rows, entry, origin)
        case Event():
            add_event(rows, entry, origin)
        case _:
            raise TypeError(f"no rows for {type(entry).__name__}")
