"""The GraphQL layer: the only code that knows GraphQL."""
