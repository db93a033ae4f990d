"""The `aggregate` and `groupBy` fields of every connection of entities, built from the
catalog's `AGGREGATES` (which numbers a type has, and what its lists can be grouped by).

Money is never summed across qualifiers unseen: a money figure takes `qualifiers` (only exact
amounts unless asked), says which it `includedQualifiers`, and splits itself `byQualifier`.
"""

from graphql import (
    GraphQLArgument,
    GraphQLEnumType,
    GraphQLEnumValue,
    GraphQLField,
    GraphQLFloat,
    GraphQLID,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLInt,
    GraphQLList,
    GraphQLObjectType,
    GraphQLString,
)

from service.api.filters import direction
from service.api.types import Registry, list_of, non_null
from service.compiler.aggregates import DEFAULT_GROUPS, MAX_GROUP_OFFSET, MAX_GROUPS
from service.domain.catalog import AGGREGATES, Aggregates, GroupKey, member_name
from service.domain.declare import plural
from service.domain.vocab import MoneyQualifier

QUALIFIERS = (
    "Which amounts to include, by how exact they are: only EXACT ones unless asked, so an "
    "'up to' ceiling or an analyst's estimate is never added to stated amounts unseen "
    "(`includedQualifiers` says which were; `byQualifier` gives each apart)."
)


def install(registry: Registry) -> None:
    """Gives every connection of entities its `aggregate` and `groupBy` fields."""
    registry.aggregates = lambda node: aggregate_fields(registry, node)


def aggregate_fields(registry: Registry, node: str) -> dict[str, GraphQLField]:
    aggregates = AGGREGATES.get(node)
    if aggregates is None:
        return {}
    return {
        "aggregate": GraphQLField(
            non_null(_aggregate_type(registry, aggregates)),
            description="Count and numeric summaries of the whole filtered list (not only this page).",
        ),
        "groupBy": GraphQLField(
            list_of(_group_type(registry, aggregates)),
            args={
                "by": GraphQLArgument(
                    non_null(GraphQLList(non_null(_by_enum(registry, aggregates)))),
                    description="What to group by: one to three keys; a date's year, quarter and month "
                    "are one key each (give one of them).",
                ),
                "orderBy": GraphQLArgument(
                    _group_order(registry, aggregates),
                    description="Ordering of the groups; by key ascending unless given, ties by key.",
                ),
                "first": GraphQLArgument(
                    non_null(GraphQLInt),
                    default_value=DEFAULT_GROUPS,
                    description=f"Number of groups: default {DEFAULT_GROUPS}, at most {MAX_GROUPS}.",
                ),
                "offset": GraphQLArgument(
                    non_null(GraphQLInt),
                    default_value=0,
                    description=f"Groups to skip before the first one returned (0 to {MAX_GROUP_OFFSET}), "
                    "to page through them in the order of `orderBy`.",
                ),
            },
            description="The whole filtered list grouped by keys, each group with its count and numeric "
            "summaries.",
        ),
    }


def _number_fields(registry: Registry, aggregates: Aggregates) -> dict[str, GraphQLField]:
    fields: dict[str, GraphQLField] = {
        "count": GraphQLField(non_null(GraphQLInt), description="Number of items."),
    }
    for number in aggregates.numbers.values():
        if number.qualifier is not None:
            fields[number.name] = GraphQLField(
                non_null(_money(registry)),
                args={
                    "qualifiers": GraphQLArgument(
                        non_null(GraphQLList(non_null(registry.enum(MoneyQualifier)))),
                        default_value=[MoneyQualifier.EXACT],
                        description=QUALIFIERS,
                    )
                },
                description=f"Summary of `{number.name}` (money: see `qualifiers`).",
            )
        else:
            fields[number.name] = GraphQLField(
                non_null(_numbers(registry)), description=f"Summary of `{number.name}`."
            )
    return fields


def _aggregate_type(registry: Registry, aggregates: Aggregates) -> GraphQLObjectType:
    name = f"{aggregates.type}Aggregate"
    if name not in registry.types:
        registry.add(
            GraphQLObjectType(
                name,
                lambda: _number_fields(registry, aggregates),
                description=f"Count and numeric summaries of a list of {plural(aggregates.type)}.",
            )
        )
    return registry.object(name)


def _group_type(registry: Registry, aggregates: Aggregates) -> GraphQLObjectType:
    name = f"{aggregates.type}Group"
    if name not in registry.types:
        key_name = f"{name}Key"
        key = registry.add(
            GraphQLObjectType(
                key_name,
                lambda: {k.name: _key_field(registry, k) for k in aggregates.keys.values()},
                description=f"The keys of a group of {plural(aggregates.type)}.",
            )
        )
        registry.add(
            GraphQLObjectType(
                name,
                lambda: {
                    "key": GraphQLField(non_null(key), description="What the items of the group share."),
                    **_number_fields(registry, aggregates),
                },
                description=f"{plural(aggregates.type).capitalize()} sharing the same keys.",
            )
        )
    return registry.object(name)


def _key_field(registry: Registry, key: GroupKey) -> GraphQLField:
    if key.hop is not None:
        return GraphQLField(
            _group_entity(registry),
            description=f"Grouped by `{key.member}`: the related {key.name} (null for items without "
            f"one; nested under a {key.name}, that {key.name} itself is left out, so the key is the "
            "other party); null when not grouped by it.",
        )
    return GraphQLField(
        registry.named(key.type),
        description=f"Grouped by `{key.member}`: the value (null for items without one"
        + (", or dated less precisely" if key.part else "")
        + "); null when not grouped by it.",
    )


def _group_entity(registry: Registry) -> GraphQLObjectType:
    if "GroupEntity" not in registry.types:
        registry.add(
            GraphQLObjectType(
                "GroupEntity",
                {
                    "id": GraphQLField(non_null(GraphQLID), description="Its id (look it up for more)."),
                    "name": GraphQLField(GraphQLString, description="Its name."),
                },
                description="The entity a group is keyed by.",
            )
        )
    return registry.object("GroupEntity")


def _by_enum(registry: Registry, aggregates: Aggregates) -> GraphQLEnumType:
    name = f"{aggregates.type}GroupBy"
    if name not in registry.types:
        registry.add(
            GraphQLEnumType(
                name,
                {
                    k.member: GraphQLEnumValue(
                        k.member,
                        description=f"The {k.part} of `{k.name[: -len(k.part)]}`."
                        if k.part
                        else f"The related {k.name} (each other party, nested under a {k.name})."
                        if k.hop
                        else None,
                    )
                    for k in aggregates.keys.values()
                },
                description=f"What lists of {plural(aggregates.type)} can be grouped by.",
            )
        )
    found = registry.types[name]
    assert isinstance(found, GraphQLEnumType)
    return found


def _group_order(registry: Registry, aggregates: Aggregates) -> GraphQLInputObjectType:
    name = f"{aggregates.type}GroupOrder"
    if name not in registry.types:
        members = {
            "KEY": GraphQLEnumValue("KEY", description="The keys, in the order of `by` (nulls last)."),
            "COUNT": GraphQLEnumValue("COUNT", description="Number of items."),
        }
        for number in aggregates.numbers.values():
            member = f"{number.name}Sum"
            members[member_name(member)] = GraphQLEnumValue(
                member_name(member), description=f"Sum of `{number.name}` (nulls last)."
            )
        field_enum = registry.add(
            GraphQLEnumType(f"{name}Field", members, description="What groups can be ordered by.")
        )
        fields = {
            "field": GraphQLInputField(non_null(field_enum), description="What to order by."),
            "direction": GraphQLInputField(direction(registry), description="ASC (default) or DESC."),
        }
        if any(n.qualifier for n in aggregates.numbers.values()):
            fields["qualifiers"] = GraphQLInputField(
                non_null(GraphQLList(non_null(registry.enum(MoneyQualifier)))),
                default_value=[MoneyQualifier.EXACT],
                description="For a money sum: the amounts it adds (only EXACT ones unless asked).",
            )
        registry.add(GraphQLInputObjectType(name, fields, description="Ordering of groups."))
    found = registry.types[name]
    assert isinstance(found, GraphQLInputObjectType)
    return found


def _numbers(registry: Registry) -> GraphQLObjectType:
    if "NumberAggregate" not in registry.types:
        registry.add(
            GraphQLObjectType(
                "NumberAggregate",
                _summary("values"),
                description="Summary of a number over a list; items without one are left out.",
            )
        )
    return registry.object("NumberAggregate")


def _money(registry: Registry) -> GraphQLObjectType:
    if "MoneyAggregate" not in registry.types:
        qualifier = registry.enum(MoneyQualifier)
        by = registry.add(
            GraphQLObjectType(
                "MoneyQualifierAggregate",
                lambda: {
                    "qualifier": GraphQLField(
                        non_null(qualifier), description="How exact these amounts are."
                    ),
                    "items": GraphQLField(
                        non_null(GraphQLInt),
                        description="Items whose value has this qualifier (undisclosed ones have no amount).",
                    ),
                    **_summary("amounts"),
                },
                description="Summary of the amounts of one qualifier.",
            )
        )
        registry.add(
            GraphQLObjectType(
                "MoneyAggregate",
                lambda: {
                    "includedQualifiers": GraphQLField(
                        list_of(qualifier),
                        description="The qualifiers of the amounts `count`, `sum`, `avg`, `min` and `max` "
                        "include (of those asked for, the ones present).",
                    ),
                    **_summary("included amounts"),
                    "byQualifier": GraphQLField(
                        list_of(by),
                        description="Each qualifier present on its own (all of them, whatever "
                        "`qualifiers` says), in qualifier order.",
                    ),
                },
                description="Summary of a money value in USD over a list. Amounts of different "
                "qualifiers (exact, up to, estimated...) are added only when `qualifiers` asks.",
            )
        )
    return registry.object("MoneyAggregate")


def _summary(what: str) -> dict[str, GraphQLField]:
    return {
        "count": GraphQLField(non_null(GraphQLInt), description=f"Number of {what}."),
        "sum": GraphQLField(GraphQLFloat, description=f"Sum of the {what}; null when there are none."),
        "avg": GraphQLField(GraphQLFloat, description=f"Mean of the {what}; null when there are none."),
        "min": GraphQLField(GraphQLFloat, description=f"Smallest of the {what}."),
        "max": GraphQLField(GraphQLFloat, description=f"Largest of the {what}."),
    }
