"""`where` and `orderBy` inputs, in the nested-operator style, from the catalog's filters and orders.

    { name: { contains: "Fox" }, AND: [...], OR: [...], NOT: {...},
      parties: { some: { company: { id: { eq: "openai" } }, role: { in: [CUSTOMER] } } },
      suppliers: { count: { gt: 3, where: { country: { eq: "US" } } } } }

graphql-core coerces them (enum names to vocabulary members, dates to dates, omitted fields left
out), so the compiler receives checked values whether they came as literals or variables.
"""

from enum import StrEnum

from graphql import (
    GraphQLBoolean,
    GraphQLEnumType,
    GraphQLEnumValue,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
)

from service.api.types import DATE, LEAVES, Registry, non_null
from service.domain.catalog import Leaf, ListFilter, Named_, NestedFilter, One, PropFilter
from service.domain.declare import plural

# Operators by kind of value; enums take EQUALITY.
EQUALITY = ("eq", "ne", "in")
OPERATORS: dict[Leaf, tuple[str, ...]] = {
    Leaf.ID: EQUALITY,
    Leaf.STRING: (*EQUALITY, "contains", "containsIgnoreCase", "startsWith", "endsWith", "isNull"),
    Leaf.FLOAT: (*EQUALITY, "lt", "lte", "gt", "gte", "isNull"),
    Leaf.INT: (*EQUALITY, "lt", "lte", "gt", "gte", "isNull"),
    Leaf.DATE: ("eq", "ne", "lt", "lte", "gt", "gte", "isNull"),
    Leaf.BOOLEAN: ("eq",),
}
_MEANING = {
    "eq": "Equal to.",
    "ne": "Not equal to.",
    "in": "One of.",
    "lt": "Less than (before, for dates).",
    "lte": "Less than or equal to.",
    "gt": "Greater than (after, for dates).",
    "gte": "Greater than or equal to.",
    "contains": "Contains (case-sensitive).",
    "containsIgnoreCase": "Contains, ignoring case.",
    "startsWith": "Starts with (case-sensitive).",
    "endsWith": "Ends with (case-sensitive).",
    "isNull": "True: the value is missing; false: it is present.",
}
_LOGIC = {
    "AND": "All of these must hold.",
    "OR": "At least one of these must hold.",
    "NOT": "This must not hold.",
}


def install(registry: Registry) -> None:
    """Teach the registry to build `where` and `orderBy` inputs."""
    registry.where = lambda type_name: where_input(registry, type_name)
    registry.order = lambda type_name: order_input(registry, type_name)


def operator_input(registry: Registry, kind: Named_) -> GraphQLInputObjectType:
    operators: tuple[str, ...]
    if isinstance(kind, type) and issubclass(kind, StrEnum):
        operand: GraphQLInputType = registry.enum(kind)
        name, operators, what = f"{kind.__name__}Filter", EQUALITY, f"a {kind.__name__} value"
    else:
        assert isinstance(kind, Leaf)
        operand = DATE if kind is Leaf.DATE else LEAVES[kind]
        name, operators, what = f"{kind.value}Filter", OPERATORS[kind], f"a {kind.value.lower()} value"
        if kind is Leaf.ID:
            what = "an id"
    if name not in registry.types:

        def fields() -> dict[str, GraphQLInputField]:
            out = {}
            for operator in operators:
                if operator == "in":
                    kind_of: GraphQLInputType = GraphQLList(non_null(operand))
                elif operator == "isNull":
                    kind_of = GraphQLBoolean
                else:
                    kind_of = operand
                out[operator] = GraphQLInputField(kind_of, description=_MEANING[operator])
            return out

        registry.add(GraphQLInputObjectType(name, fields, description=f"Conditions on {what}."))
    found = registry.types[name]
    assert isinstance(found, GraphQLInputObjectType)
    return found


def where_input(registry: Registry, type_name: str) -> GraphQLInputObjectType | None:
    where = registry.catalog.wheres.get(type_name)
    if where is None:
        return None
    if where.name not in registry.types:

        def fields() -> dict[str, GraphQLInputField]:
            out: dict[str, GraphQLInputField] = {}
            for name, filter_field in where.fields.items():
                match filter_field:
                    case PropFilter(type=kind):
                        kind_of: GraphQLInputType | None = operator_input(registry, kind)
                    case ListFilter(type=target, read=One()):
                        kind_of = where_input(registry, target)
                    case ListFilter(type=target):
                        kind_of = list_filter(registry, target)
                    case NestedFilter(type=target):
                        kind_of = where_input(registry, target)
                if kind_of is not None:
                    out[name] = GraphQLInputField(kind_of, description=filter_field.description or None)
            this = registry.types[where.name]
            assert isinstance(this, GraphQLInputObjectType)
            out["AND"] = GraphQLInputField(GraphQLList(non_null(this)), description=_LOGIC["AND"])
            out["OR"] = GraphQLInputField(GraphQLList(non_null(this)), description=_LOGIC["OR"])
            out["NOT"] = GraphQLInputField(this, description=_LOGIC["NOT"])
            return out

        registry.add(
            GraphQLInputObjectType(where.name, fields, description=f"Filters on {plural(type_name)}.")
        )
    found = registry.types[where.name]
    assert isinstance(found, GraphQLInputObjectType)
    return found


def list_filter(registry: Registry, type_name: str) -> GraphQLInputObjectType | None:
    name = f"{type_name}ListFilter"
    inner = where_input(registry, type_name)
    if inner is None:
        return None
    if name not in registry.types:
        registry.add(
            GraphQLInputObjectType(
                name,
                {
                    "some": GraphQLInputField(inner, description="At least one related item matches."),
                    "none": GraphQLInputField(inner, description="No related item matches."),
                    "all": GraphQLInputField(inner, description="Every related item matches."),
                    "count": GraphQLInputField(
                        count_filter(registry, type_name, inner),
                        description="How many related items (matching its `where`) there are.",
                    ),
                },
                description=f"Conditions on related {plural(type_name)}.",
            )
        )
    found = registry.types[name]
    assert isinstance(found, GraphQLInputObjectType)
    return found


# Comparisons a count of related items takes; at least one is required.
COUNT_OPERATORS = {
    "eq": "The count equals this.",
    "ne": "The count differs from this.",
    "lt": "The count is less than this.",
    "lte": "The count is at most this.",
    "gt": "The count is more than this.",
    "gte": "The count is at least this.",
}


def count_filter(registry: Registry, type_name: str, inner: GraphQLInputObjectType) -> GraphQLInputObjectType:
    name = f"{type_name}CountFilter"
    if name not in registry.types:
        fields = {
            "where": GraphQLInputField(inner, description="Count only the related items that match."),
            **{
                op: GraphQLInputField(LEAVES[Leaf.INT], description=text)
                for op, text in COUNT_OPERATORS.items()
            },
        }
        registry.add(
            GraphQLInputObjectType(
                name,
                fields,
                description=f"Conditions on the number of related {plural(type_name)}: at least one "
                "comparison, all of which must hold.",
            )
        )
    found = registry.types[name]
    assert isinstance(found, GraphQLInputObjectType)
    return found


def direction(registry: Registry) -> GraphQLEnumType:
    if "OrderDirection" not in registry.types:
        registry.add(
            GraphQLEnumType(
                "OrderDirection",
                {
                    "ASC": GraphQLEnumValue(False, description="Smallest (or earliest, or A) first."),
                    "DESC": GraphQLEnumValue(True, description="Largest (or latest, or Z) first."),
                },
                description="Sort direction.",
            )
        )
    found = registry.types["OrderDirection"]
    assert isinstance(found, GraphQLEnumType)
    return found


def order_input(registry: Registry, type_name: str) -> GraphQLInputObjectType | None:
    orders = registry.catalog.orders.get(type_name)
    if orders is None or not orders.keys:
        return None
    name = f"{type_name}Order"
    if name not in registry.types:
        members = registry.add(
            GraphQLEnumType(
                f"{name}Field",
                {member: GraphQLEnumValue(member) for member in orders.keys},
                description=f"Fields {plural(type_name)} can be ordered by.",
            )
        )
        default, descending = orders.default
        registry.add(
            GraphQLInputObjectType(
                name,
                {
                    "field": GraphQLInputField(
                        non_null(members), description="What to order by (ties are broken by id)."
                    ),
                    "direction": GraphQLInputField(
                        direction(registry),
                        description=f"ASC or DESC; by default {'DESC' if descending else 'ASC'} for "
                        f"{default}, ASC for the others.",
                    ),
                },
                description=f"Ordering of {plural(type_name)}.",
            )
        )
    found = registry.types[name]
    assert isinstance(found, GraphQLInputObjectType)
    return found
