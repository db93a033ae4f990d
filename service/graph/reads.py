"""Runs compiled statements as READ transactions with a timeout (routed to followers on a cluster)."""

from typing import Any

from neo4j import AsyncDriver, Query, RoutingControl

from service.graph.query.compiler import Statement


async def read_result(driver: AsyncDriver, database: str, statement: Statement, timeout: float) -> Any:
    """The `result` column of the statement's single row."""
    records, _, _ = await driver.execute_query(
        Query(statement.text, timeout=timeout),
        statement.params,
        database_=database,
        routing_=RoutingControl.READ,
    )
    return records[0]["result"] if records else None
