"""The domain: what the graph holds, declared once (entities, values, vocabularies, rules).

It imports nothing of the service's other layers, nor any database or GraphQL library.
"""
