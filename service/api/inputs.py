"""The mutations' inputs: one input type per entry model, fields in GraphQL's camelCase.

Each input field carries its seed-file key as `out_name`, so graphql-core coerces an input
straight into the entry's own terms: snake_case keys, vocabulary members, and only the fields
the client sent (a field sent as null is there with None; one left out is absent).
"""

from graphql import GraphQLInputField, GraphQLInputObjectType, GraphQLList

from service.api.types import Registry, non_null
from service.domain.catalog import InType, Leaf
from service.domain.values import DATE_TEXT


def entry_input(registry: Registry, name: str) -> GraphQLInputObjectType:
    """The input type `name` (e.g. `CompanyInput`) and those it nests."""
    if name not in registry.types:
        in_type = registry.catalog.inputs[name]
        registry.add(
            GraphQLInputObjectType(name, lambda: _fields(registry, in_type), description=in_type.description)
        )
    found = registry.types[name]
    assert isinstance(found, GraphQLInputObjectType)
    return found


def _fields(registry: Registry, in_type: InType) -> dict[str, GraphQLInputField]:
    out = {}
    for in_field in in_type.fields:
        is_input = isinstance(in_field.type, str) and not isinstance(in_field.type, Leaf)
        kind = entry_input(registry, str(in_field.type)) if is_input else registry.named(in_field.type)
        if in_field.list:
            kind = GraphQLList(non_null(kind))
        if in_field.required:
            kind = non_null(kind)
        description = in_field.description
        if in_field.date:
            description = f"{description} {DATE_TEXT}"
        if in_field.type is Leaf.ID and in_field.key == "id":
            description = f"{description} Required; a new id creates the entity."
        out[in_field.name] = GraphQLInputField(kind, description=description or None, out_name=in_field.key)
    return out
