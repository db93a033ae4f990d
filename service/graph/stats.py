"""Counts of each kind of entity in the graph."""

from dataclasses import dataclass

from neo4j import AsyncDriver, Query


@dataclass(frozen=True)
class GraphCounts:
    companies: int
    people: int
    facilities: int
    partnerships: int
    sources: int
    events: int
    relationships: int


# Label counts come from the count store, so this is constant-time at any graph size.
_COUNTS = """
CALL () { MATCH (n:Company) RETURN count(n) AS companies }
CALL () { MATCH (n:Person) RETURN count(n) AS people }
CALL () { MATCH (n:Facility) RETURN count(n) AS facilities }
CALL () { MATCH (n:Partnership) RETURN count(n) AS partnerships }
CALL () { MATCH (n:Source) RETURN count(n) AS sources }
CALL () { MATCH (n:Event) RETURN count(n) AS events }
CALL () { MATCH ()-[r]->() RETURN count(r) AS relationships }
RETURN companies, people, facilities, partnerships, sources, events, relationships
"""


async def graph_counts(driver: AsyncDriver, database: str, timeout: float) -> GraphCounts:
    records, _, _ = await driver.execute_query(
        Query(_COUNTS, timeout=timeout), database_=database, routing_="r"
    )
    return GraphCounts(**records[0].data())
