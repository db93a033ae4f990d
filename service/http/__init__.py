"""The HTTP layer: /graphql over HTTP, access (keys, rates, sizes), health, metrics and pages."""
