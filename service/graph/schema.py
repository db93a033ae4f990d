"""Applies schema/constraints.cypher and tells whether the graph's constraints exist."""

import re
from pathlib import Path

from neo4j import AsyncDriver, Driver, RoutingControl

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "schema" / "constraints.cypher"
_NAME = re.compile(r"^CREATE\s+CONSTRAINT\s+(\w+)", re.IGNORECASE)


def schema_statements(path: Path = SCHEMA_FILE) -> list[str]:
    """The file's statements, comments dropped, split on semicolons."""
    text = "\n".join(
        line for line in path.read_text(encoding="utf-8").splitlines() if not line.strip().startswith("//")
    )
    return [s.strip() for s in text.split(";") if s.strip()]


def required_constraints(path: Path = SCHEMA_FILE) -> set[str]:
    return {m.group(1) for s in schema_statements(path) if (m := _NAME.match(s))}


def apply_schema(driver: Driver, database: str) -> None:
    """Run every statement (each is IF NOT EXISTS), then wait for the indexes to come online."""
    for statement in schema_statements():
        # The statements come from the repository's own schema file, not from input.
        driver.execute_query(statement, database_=database)
    driver.execute_query("CALL db.awaitIndexes(300)", database_=database)


async def missing_constraints(driver: AsyncDriver, database: str) -> set[str]:
    """Names of required constraints that the database does not have."""
    records, _, _ = await driver.execute_query(
        "SHOW CONSTRAINTS YIELD name", database_=database, routing_=RoutingControl.READ
    )
    return required_constraints() - {record["name"] for record in records}
