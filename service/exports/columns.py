"""The flat attributes of a node and of a link, shared by the CSV, GraphML and GEXF writers, so
the three say the same thing under the same names."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from service.graph.exports import Cited, Link, Node

Kind = Literal["string", "double"]


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind
    value: Callable[[Any], Any]


def _prop(key: str) -> Callable[[Node | Link], Any]:
    return lambda row: row.props.get(key)


def _joined(values: list[Any]) -> str | None:
    kept = list(dict.fromkeys(str(v) for v in values if v not in (None, "")))
    return "; ".join(kept) or None


def _urls(evidence: list[Cited]) -> str | None:
    return _joined([c.url for c in evidence])


def _publishers(evidence: list[Cited]) -> str | None:
    return _joined([c.publisher for c in evidence])


NODE_COLUMNS: tuple[Column, ...] = (
    Column("type", "string", lambda n: n.type),
    Column("name", "string", _prop("name")),
    Column("kind", "string", _prop("kind")),
    Column("status", "string", _prop("status")),
    Column("country", "string", _prop("country")),
    Column("ticker", "string", _prop("ticker")),
    Column("legal_name", "string", _prop("legal_name")),
    Column("aliases", "string", lambda n: _joined(n.props.get("aliases") or [])),
    Column("city", "string", _prop("city")),
    Column("announced", "string", _prop("announced_on")),
    Column("value_amount", "double", _prop("value_amount")),
    Column("value_currency", "string", _prop("value_currency")),
    Column("value_usd", "double", _prop("value_usd")),
    Column("value_qualifier", "string", _prop("value_qualifier")),
    Column("power_mw", "double", _prop("power_mw")),
    Column("source_urls", "string", lambda n: _urls(n.evidence)),
    Column("publishers", "string", lambda n: _publishers(n.evidence)),
)

LINK_COLUMNS: tuple[Column, ...] = (
    Column("link", "string", lambda k: k.type.lower()),
    Column("partnership", "string", _prop("partnership")),
    Column("role", "string", _prop("role")),
    Column("title", "string", _prop("title")),
    Column("deal_kind", "string", _prop("kind")),
    Column("deal_status", "string", _prop("status")),
    Column("stake_type", "string", _prop("type")),
    Column("percent", "double", _prop("percent")),
    Column("percent_qualifier", "string", _prop("qualifier")),
    Column("since", "string", _prop("since")),
    Column("until", "string", _prop("until")),
    Column("announced", "string", _prop("announced_on")),
    Column("value_amount", "double", _prop("value_amount")),
    Column("value_currency", "string", _prop("value_currency")),
    Column("value_usd", "double", _prop("value_usd")),
    Column("value_qualifier", "string", _prop("value_qualifier")),
    Column("value_basis", "string", _prop("value_basis")),
    Column("source_urls", "string", lambda k: _urls(k.evidence)),
    Column("publishers", "string", lambda k: _publishers(k.evidence)),
)


def values(columns: tuple[Column, ...], row: Node | Link) -> list[tuple[Column, Any]]:
    """The row's (column, value) pairs that have a value, numbers as floats."""
    out = []
    for column in columns:
        value = column.value(row)
        if value is None or value == "":
            continue
        out.append((column, float(value) if column.kind == "double" else str(value)))
    return out
