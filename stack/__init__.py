"""Starts and stops the whole stack (Neo4j, seed data, API) for `make run`, `make up`, `make down`."""
