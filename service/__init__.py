"""The Supplygraph API: FastAPI serving a strawberry GraphQL schema over Neo4j."""
