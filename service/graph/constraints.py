"""Applies the graph's constraints and indexes (`constraints.cypher`, package data) and tells
whether they exist."""

import re
from importlib.resources import files

from neo4j import AsyncDriver, Driver, RoutingControl

_NAME = re.compile(r"^CREATE\s+CONSTRAINT\s+(\w+)", re.IGNORECASE)


def constraint_statements() -> list[str]:
    """The file's statements, comments dropped, split on semicolons."""
    text = files("service.graph").joinpath("constraints.cypher").read_text(encoding="utf-8")
    lines = (line for line in text.splitlines() if not line.strip().startswith("//"))
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]


def required_constraints() -> set[str]:
    return {m.group(1) for s in constraint_statements() if (m := _NAME.match(s))}


def apply_constraints(driver: Driver, database: str) -> None:
    """Run every statement (each is IF NOT EXISTS), then wait for the indexes to come online."""
    for statement in constraint_statements():
        # The statements come from the package's own file, not from input.
        driver.execute_query(statement, database_=database)
    driver.execute_query("CALL db.awaitIndexes(300)", database_=database)


async def missing_constraints(driver: AsyncDriver, database: str) -> set[str]:
    """Names of required constraints that the database does not have."""
    records, _, _ = await driver.execute_query(
        "SHOW CONSTRAINTS YIELD name", database_=database, routing_=RoutingControl.READ
    )
    return required_constraints() - {record["name"] for record in records}
