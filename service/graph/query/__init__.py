"""Compiles a GraphQL selection into one parameterised Cypher statement per root field.

`selection` holds the neutral selection tree; `model` the table of what each GraphQL field
means in the graph; `filters` the `where` inputs; `paging` cursors and ordering; `compiler` puts
them together. Labels, relationship types and property names come only from `model`'s fixed
tables; every value from a request travels as a parameter.
"""
