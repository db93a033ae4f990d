"""A real Neo4j Community server from Maven Central jars, for machines without Docker."""

from neo4j_local.errors import LauncherError
from neo4j_local.server import LocalNeo4j

__all__ = ["LauncherError", "LocalNeo4j"]
