"""The graph layer: the only code that speaks Cypher."""
