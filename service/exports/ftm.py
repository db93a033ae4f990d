"""FollowTheMoney entities as JSON lines (Aleph, OpenSanctions' tools, `ftm` on the command line).

One entity per line, `{"id", "schema", "properties": {name: [values]}}`, nodes first, then the
links between them. The mapping (docs/exports.md says why each schema):

| graph | FtM |
|---|---|
| Company | Company; Organization (non-profit), PublicBody (government body) |
| Person | Person |
| Facility | RealEstate |
| Partnership | Project; each party a ProjectParticipant |
| HOLDS_POSITION | Directorship |
| Stake, SUBSIDIARY_OF, OWNS, INVESTS_IN | Ownership (UnknownLink when what is owned is no FtM Asset) |
| MONEY_FLOW | Payment (Debt for a loan) |
| SUPPLIES, OPERATES, DEVELOPS, OCCUPIES, CONCERNS, PART_OF, SUCCEEDS | UnknownLink with a role |

Every entity carries its evidence: `sourceUrl` and `publisher` of each cited page, and the quotes
in `notes` (things) or `description` (links, which have no `notes`).
"""

import re
from collections.abc import AsyncIterator
from typing import Any

import orjson

from service.graph.exports import STAKE, Link, Network, Node

_COMPANY_SCHEMA = {"nonprofit": "Organization", "government_body": "PublicBody"}
_NODE_SCHEMA = {"Person": "Person", "Facility": "RealEstate", "Partnership": "Project"}
# FtM's Ownership.asset must be an Asset: companies and real estate are, other bodies are not.
_ASSETS = {"Company", "RealEstate"}
_ROLES = {
    "SUPPLIES": "supplies",
    "OPERATES": "operates",
    "DEVELOPS": "develops",
    "OCCUPIES": "occupies",
    "CONCERNS": "concerns",
    "PART_OF": "part of",
    "SUCCEEDS": "succeeds",
    "INVESTS_IN": "invests in",
    "SUBSIDIARY_OF": "subsidiary of",
    "OWNS": "owns",
    STAKE: "holds a stake in",
}
# FtM dates are ISO prefixes: a quarter or half-year is said as its year.
_PERIOD = re.compile(r"^(\d{4})-[QH]\d$")


def schema_of(label: str, kind: str | None) -> str:
    """The FtM schema of a node of this label (and Company kind)."""
    if label == "Company":
        return _COMPANY_SCHEMA.get(kind or "", "Company")
    return _NODE_SCHEMA[label]


def _date(value: Any) -> str | None:
    if not value:
        return None
    text = str(value)
    match = _PERIOD.match(text)
    return match.group(1) if match else text


def _number(value: Any) -> str | None:
    return None if value is None else f"{float(value):.2f}".rstrip("0").rstrip(".")


def _entity(entity_id: str, schema: str, props: dict[str, Any]) -> str:
    properties: dict[str, list[str]] = {}
    for name, value in props.items():
        items = value if isinstance(value, list) else [value]
        kept = list(dict.fromkeys(str(v) for v in items if v not in (None, "")))
        if kept:
            properties[name] = kept
    return orjson.dumps({"id": entity_id, "schema": schema, "properties": properties}).decode() + "\n"


def _evidence(row: Node | Link, quotes_in: str) -> dict[str, Any]:
    return {
        "sourceUrl": [c.url for c in row.evidence],
        "publisher": [c.publisher for c in row.evidence],
        quotes_in: [c.quote for c in row.evidence],
    }


def _money(props: dict[str, Any]) -> dict[str, Any]:
    amount, currency = props.get("value_amount"), props.get("value_currency")
    return {
        "amount": _number(amount),
        "currency": currency if amount is not None else None,
        "amountUsd": _number(props.get("value_usd")),
    }


def node_entity(node: Node) -> str:
    p = node.props
    schema = schema_of(node.type, p.get("kind"))
    props: dict[str, Any] = {
        "name": p.get("name") or node.id,
        "alias": [*(p.get("aliases") or []), p.get("legal_name")],
        "description": p.get("description"),
        "summary": p.get("summary"),
        **_evidence(node, "notes"),
    }
    if node.type == "Company":
        props |= {"country": (p.get("country") or "").lower(), "classification": p.get("kind")}
        if schema == "Company":
            props["ticker"] = p.get("ticker")
    elif node.type == "Facility":
        place = [p.get("city"), p.get("region"), p.get("country")]
        props |= {
            "country": (p.get("country") or "").lower(),
            "address": ", ".join(x for x in place if x) or None,
            "propertyType": p.get("kind"),
            "latitude": p.get("latitude"),
            "longitude": p.get("longitude"),
        }
    elif node.type == "Partnership":
        qualifier = p.get("value_qualifier")
        props |= {
            "status": p.get("status"),
            "startDate": _date(p.get("announced_on")),
            "keywords": [p.get("kind"), *(p.get("products") or [])],
            **_money(p),
            "notes": [*props["notes"], f"value qualifier: {qualifier}" if qualifier else None],
        }
    return _entity(node.id, schema, props)


def _link_common(link: Link) -> dict[str, Any]:
    p = link.props
    return {
        "startDate": _date(p.get("since") or p.get("announced_on")),
        "endDate": _date(p.get("until")),
        "recordId": p.get("partnership"),
        **_evidence(link, "description"),
    }


def link_entity(link: Link) -> str:
    p, common = link.props, _link_common(link)
    entity_id = link.id  # unique: it names the kind of link, or is the stake's own id
    target = schema_of(link.target_label, link.target_kind)
    if link.type == "HOLDS_POSITION":
        return _entity(
            entity_id,
            "Directorship",
            {
                "director": link.source,
                "organization": link.target,
                "role": p.get("title"),
                **common,
                "summary": p.get("role"),
            },
        )
    if link.type == "PARTY_TO":
        props = {"participant": link.source, "project": link.target, "role": p.get("role"), **common}
        return _entity(entity_id, "ProjectParticipant", props | {"summary": _party_value(p)})
    if link.type == "MONEY_FLOW":
        deal = {**common, "summary": _deal_summary(p)}
        usd = {"amountUsd": _number(p.get("value_usd")), "amount": _number(p.get("value_usd"))}
        usd["currency"] = "USD" if p.get("value_usd") is not None else None
        if p.get("kind") == "loan":
            return _entity(entity_id, "Debt", {"creditor": link.source, "debtor": link.target, **usd, **deal})
        return _entity(
            entity_id,
            "Payment",
            {
                "payer": link.source,
                "beneficiary": link.target,
                "project": p.get("partnership"),
                **usd,
                **deal,
            },
        )
    if link.type in ("STAKE", "SUBSIDIARY_OF", "OWNS", "INVESTS_IN") and target in _ASSETS:
        owner, asset = (
            (link.target, link.source) if link.type == "SUBSIDIARY_OF" else (link.source, link.target)
        )
        props = {
            "owner": owner,
            "asset": asset,
            "ownershipType": p.get("type") or _ROLES[link.type],
            "percentage": _number(p.get("percent")),
            "sharesValue": _number(p.get("value_usd")),
            "sharesCurrency": "USD" if p.get("value_usd") is not None else None,
            **common,
            "status": p.get("status"),
            "summary": _deal_summary(p) if link.type == "INVESTS_IN" else p.get("qualifier"),
        }
        return _entity(entity_id, "Ownership", props)
    props = {"subject": link.source, "object": link.target, "role": _ROLES.get(link.type, link.type.lower())}
    return _entity(
        entity_id, "UnknownLink", props | common | {"status": p.get("status"), "summary": _deal_summary(p)}
    )


def _party_value(p: dict[str, Any]) -> str | None:
    if p.get("value_amount") is None and p.get("value_usd") is None:
        return None
    amount = p.get("value_amount") if p.get("value_amount") is not None else p.get("value_usd")
    currency = p.get("value_currency") or "USD"
    return f"its share: {p.get('value_qualifier') or 'exact'} {currency} {_number(amount)}"


def _deal_summary(p: dict[str, Any]) -> str | None:
    """A derived link's deal in words: kind, status and why it has (or lacks) an amount."""
    if not p.get("partnership"):
        return None
    parts = [
        p.get("kind"),
        p.get("status"),
        f"value basis: {p['value_basis']}" if p.get("value_basis") else None,
    ]
    return f"deal {p['partnership']}: " + ", ".join(x for x in parts if x)


async def ftm_lines(network: Network) -> AsyncIterator[str]:
    async for node in network.nodes():
        yield node_entity(node)
    async for link in network.links():
        yield link_entity(link)
