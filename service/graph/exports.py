"""The network as the exports see it: its nodes and links, streamed row by row from Neo4j.

The network is what the explorer draws: companies, people, facilities and partnerships, and
every relationship between two of them that an entry owns (positions, parties, facility links,
parents, parts, successions) or that is derived from a deal (SUPPLIES, INVESTS_IN, MONEY_FLOW),
plus stakes, which are nodes in the graph but a link (holder -> what is held) in a network.
Sources, events, statements and figures are not nodes here; each node and link carries the
source pages and quotes of its evidence instead.

`ids` narrows the network to those nodes and the links between them (the explorer's view).
Rows come off the driver's result as Neo4j sends them (a fetch of 1,000 at a time), so an
export of any size holds only a page of rows in memory.
"""

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from neo4j import READ_ACCESS, AsyncDriver, AsyncSession, AsyncTransaction

from service.domain.dates import PartialDateValue
from service.domain.flows import DERIVED_LINKS
from service.domain.vocab import DatePrecision
from service.graph.writes import OWNED_INCOMING, OWNED_OUTGOING

NODE_LABELS = ("Company", "Person", "Facility", "Partnership")
LINK_TYPES = tuple(
    sorted({*OWNED_OUTGOING, *OWNED_INCOMING, *(d.rel for d in DERIVED_LINKS)} - {"SOURCED_BY"})
)
STAKE = "STAKE"
# The properties the formats write (with the precision of each partial date). Reading only these
# keeps bookkeeping (hashes, search text, `recorded_at`) off the wire: hydrating every node's
# DateTime alone tripled the time of a full export.
NODE_PROPERTIES = (
    "name", "kind", "status", "country", "ticker", "legal_name", "aliases", "city", "region",
    "latitude", "longitude", "description", "summary", "products", "announced_on",
    "announced_precision", "value_amount", "value_currency", "value_usd", "value_qualifier", "power_mw",
)  # fmt: skip
LINK_PROPERTIES = (
    "partnership", "role", "title", "kind", "status", "type", "percent", "qualifier", "since",
    "since_precision", "until", "until_precision", "announced_on", "value_amount", "value_currency",
    "value_usd", "value_qualifier", "value_basis",
)  # fmt: skip


def _projection(var: str, keys: tuple[str, ...]) -> str:
    return f"{var} {{{', '.join('.' + k for k in keys)}}}"


# The evidence of a node, an entity, or a link that lists its sources (with parallel quotes).
_EVIDENCE = (
    "COLLECT {{ MATCH ({var})-[e:SOURCED_BY]->(s:Source)"
    " RETURN {{url: s.url, publisher: s.publisher, quote: e.quote}} ORDER BY e.ord }}"
)
# Two ways in: every node of the network, or only the ids asked for (an index seek on the id).
_ALL = "MATCH ({var}:Entity) WHERE any(l IN labels({var}) WHERE l IN $labels)"
_SOME = "MATCH ({var}:Entity) WHERE {var}.id IN $ids AND any(l IN labels({var}) WHERE l IN $labels)"
_IN_SUBSET = " AND {var}.id IN $ids"
_NODES = (
    " WITH n ORDER BY n.id"
    " RETURN n.id AS id, [l IN labels(n) WHERE l IN $labels][0] AS label, "
    + _projection("n", NODE_PROPERTIES)
    + " AS props, "
    + _EVIDENCE.format(var="n")
    + " AS evidence"
)
# The types are the declarations' own names (never user text). Links are sorted before their
# evidence is read, so the sort holds references and keys only.
# A derived link cites its partnership's evidence; an owned link the sources it lists.
_LINKS = (
    f" MATCH (a)-[r:{'|'.join(LINK_TYPES)}]->(b:Entity)"
    " WHERE any(l IN labels(b) WHERE l IN $labels){subset}"
    " WITH a, r, b ORDER BY a.id, b.id, type(r), coalesce(r.partnership, r.title, r.role, '')"
    " RETURN a.id AS source, b.id AS target, type(r) AS type, "
    + _projection("r", LINK_PROPERTIES).replace("{", "{{").replace("}", "}}")
    + " AS props,"
    " [l IN labels(b) WHERE l IN $labels][0] AS target_label, b.kind AS target_kind,"
    " CASE WHEN r.partnership IS NOT NULL"
    " THEN COLLECT {{ MATCH (p:Partnership {{id: r.partnership}}) RETURN p.announced_precision }}[0] END"
    " AS announced_precision,"
    " CASE WHEN r.partnership IS NOT NULL"
    " THEN COLLECT {{ MATCH (p:Partnership {{id: r.partnership}})-[e:SOURCED_BY]->(s:Source)"
    " RETURN {{url: s.url, publisher: s.publisher, quote: e.quote}} ORDER BY e.ord }}"
    " ELSE COLLECT {{ UNWIND range(0, size(coalesce(r.sources, [])) - 1) AS i"
    " MATCH (s:Source {{id: r.sources[i]}})"
    " RETURN {{url: s.url, publisher: s.publisher, quote: coalesce(r.quotes, [])[i]}} ORDER BY i }}"
    " END AS evidence"
)
_STAKES = (
    " MATCH (holder)<-[:HOLDS_STAKE]-(k:Stake)-[:STAKE_IN]->(held:Entity)"
    " WHERE any(l IN labels(held) WHERE l IN $labels){subset}"
    " WITH holder, k, held ORDER BY k.id"
    " RETURN holder.id AS source, held.id AS target, $stake AS type,"
    " [l IN labels(held) WHERE l IN $labels][0] AS target_label, held.kind AS target_kind,"
    " k {{.id, .type, .percent, .qualifier,"
    " partnership: COLLECT {{ MATCH (k)-[:STAKE_UNDER]->(p:Partnership) RETURN p.id }}[0]}}"
    " AS props, " + _EVIDENCE.format(var="k").replace("{", "{{").replace("}", "}}") + " AS evidence"
)
STATEMENTS = {
    # (what, subset?) -> the statement
    ("nodes", False): _ALL.format(var="n") + _NODES,
    ("nodes", True): _SOME.format(var="n") + _NODES,
    ("links", False): _ALL.format(var="a") + _LINKS.format(subset=""),
    ("links", True): _SOME.format(var="a") + _LINKS.format(subset=_IN_SUBSET.format(var="b")),
    ("stakes", False): _ALL.format(var="holder") + _STAKES.format(subset=""),
    ("stakes", True): _SOME.format(var="holder") + _STAKES.format(subset=_IN_SUBSET.format(var="held")),
}
# Bookkeeping the exports leave out: hashes, search text, load markers.
_INTERNAL = {"content_hash", "aliases_text", "unknown", "load_id", "origin", "ord", "evidence_ord"}


@dataclass(frozen=True)
class Cited:
    """One piece of evidence: the page, who published it, and the quote taken from it."""

    url: str | None
    publisher: str | None
    quote: str | None


@dataclass(frozen=True)
class Node:
    id: str
    type: str  # Company, Person, Facility or Partnership
    props: dict[str, Any]  # plain values: dates as their partial-date text
    evidence: list[Cited] = field(default_factory=list)


@dataclass(frozen=True)
class Link:
    id: str
    source: str
    target: str
    type: str  # the relationship type, or STAKE
    props: dict[str, Any]
    evidence: list[Cited] = field(default_factory=list)
    target_label: str = ""
    target_kind: str | None = None  # what the target is (Company.kind...): some formats care


def _plain(props: dict[str, Any]) -> dict[str, Any]:
    """Properties as plain values: a partial date as its text ("2025-11"), bookkeeping dropped."""
    out: dict[str, Any] = {}
    for key, value in props.items():
        if key in _INTERNAL or key.endswith("_precision") or value is None:
            continue
        if hasattr(value, "to_native"):
            value = value.to_native()
            if hasattr(value, "isoformat") and not hasattr(value, "hour"):
                stem = key[: -len("_on")] if key.endswith("_on") else key
                precision = props.get(f"{stem}_precision") or props.get(f"{key}_precision") or "day"
                value = PartialDateValue(value, DatePrecision(precision)).text
            else:
                value = value.isoformat()
        out[key] = value
    return out


def _cited(items: list[dict[str, Any]]) -> list[Cited]:
    return [Cited(i.get("url"), i.get("publisher"), i.get("quote")) for i in items]


def _end(record: Any) -> tuple[str, str | None]:
    return record["target_label"], record["target_kind"]


class Network:
    """The nodes, then the links, of the network (or of the subset `ids`), in one read
    transaction so that links never name a node the export did not list. `open` connects (and
    fails there if Neo4j is away, before anything is sent); `close` ends the transaction."""

    def __init__(self, session: AsyncSession, tx: AsyncTransaction, ids: list[str] | None) -> None:
        self.session, self.tx, self.ids = session, tx, ids

    @classmethod
    async def open(
        cls, driver: AsyncDriver, database: str, ids: list[str] | None, timeout: float | None
    ) -> "Network":
        session = driver.session(database=database, default_access_mode=READ_ACCESS)
        try:
            tx = await session.begin_transaction(timeout=timeout)
        except BaseException:
            await session.close()
            raise
        return cls(session, tx, ids)

    async def close(self) -> None:
        try:
            await self.tx.close()
        finally:
            await self.session.close()

    async def nodes(self) -> AsyncIterator[Node]:
        subset = self.ids is not None
        result = await self.tx.run(STATEMENTS["nodes", subset], labels=list(NODE_LABELS), ids=self.ids)
        async for r in result:
            yield Node(r["id"], r["label"], _plain(r["props"]), _cited(r["evidence"]))

    async def links(self) -> AsyncIterator[Link]:
        params: dict[str, Any] = {"labels": list(NODE_LABELS), "ids": self.ids}
        subset = self.ids is not None
        result = await self.tx.run(STATEMENTS["links", subset], **params)
        last, number = "", 0
        async for r in result:
            # A derived link's date is its deal's announcement, known as precisely as the deal's.
            precision = {"announced_precision": r["announced_precision"]} if r["announced_precision"] else {}
            props = _plain({**r["props"], **precision})
            # Ids FtM accepts too (letters, digits, dots, hyphens); parallel links (one per
            # partnership, or several positions) are numbered, and come in order, one after another.
            stem = f"{r['source']}.{r['type'].lower().replace('_', '-')}.{r['target']}"
            last, number = stem, (number + 1 if stem == last else 1)
            link_id = stem if number == 1 else f"{stem}.{number}"
            yield Link(link_id, r["source"], r["target"], r["type"], props, _cited(r["evidence"]), *_end(r))
        result = await self.tx.run(STATEMENTS["stakes", subset], stake=STAKE, **params)
        async for r in result:
            props = _plain(r["props"])
            yield Link(
                props.pop("id"), r["source"], r["target"], STAKE, props, _cited(r["evidence"]), *_end(r)
            )
