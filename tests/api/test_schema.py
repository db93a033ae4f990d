"""The GraphQL schema as a contract: the exported SDL, descriptions, and a source for every field."""

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    build_schema,
    find_breaking_changes,
    is_non_null_type,
)

from service.api.limits import ANALYTICS_TYPES
from service.api.schema import SUBGRAPH_FILE, build_api, committed_sdl, sdl
from service.domain.catalog import AGGREGATES, CATALOG

API = build_api()
# Fields every connection and search answer has, compiled structurally.
STRUCTURAL = {"cursor", "node", "edges", "nodes", "totalCount", "pageInfo", "score"}
# Built from a write's outcome, or by the analytics statements by field name, or counted.
ANSWERS = {
    "Query",
    "Mutation",
    "Subscription",
    "Written",
    "ValidationError",
    "FieldError",
    "NotFound",
    "Conflict",
    "Stats",
}
ANSWERS |= ANALYTICS_TYPES | {"RankingEntry", "LinkCount", "MoneyByStatus", "PageInfo", "SearchEdge"}
ANSWERS |= {"Watch", "Webhook", "WebhookDelivery", "WebhookFilter"}  # about keys, not the graph
ANSWERS |= {"_Service"}  # the subgraph's SDL, known when the schema is built
ANSWERS |= {"MatchCandidate", "MatchFeatures", "DuplicatePair", "DuplicateSide"}  # scored in Python (match)


def test_exported_sdl_matches_the_code() -> None:
    assert committed_sdl() == sdl(API.schema), "run `make schema` and commit service/api/schema.graphql"


def test_exported_subgraph_sdl_matches_the_code() -> None:
    committed = committed_sdl(SUBGRAPH_FILE)
    assert committed == API.answers["_service"]["sdl"], (
        "run `make schema` and commit service/api/subgraph.graphql"
    )


def test_the_committed_sdl_has_no_breaking_change_against_the_code() -> None:
    # The drift test above catches any change; this one says which would break clients.
    assert find_breaking_changes(build_schema(committed_sdl()), API.schema) == []


def test_every_type_field_and_argument_is_described() -> None:
    missing = []
    for name, graphql_type in API.schema.type_map.items():
        if name.startswith("__") or name in ("String", "Int", "Float", "Boolean", "ID"):
            continue
        if not graphql_type.description:
            missing.append(name)
        if isinstance(graphql_type, GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType):
            for field_name, field in graphql_type.fields.items():
                if not field.description:
                    missing.append(f"{name}.{field_name}")
                for arg_name, arg in getattr(field, "args", {}).items():
                    if not arg.description:
                        missing.append(f"{name}.{field_name}({arg_name})")
        if isinstance(graphql_type, GraphQLEnumType) and name == "Status":
            missing.extend(f"Status.{v}" for v, value in graphql_type.values.items() if not value.description)
    assert missing == []


SUMMARIES = {"NumberAggregate", "MoneyAggregate", "MoneyQualifierAggregate"}  # the figures themselves
SUMMARIES |= {"GroupEntity"}  # a related entity grouped by: its id and name


def _summarised(name: str) -> tuple[str, str] | None:
    """(entity, "Aggregate" | "Group" | "GroupKey") for the types of `aggregate` and `groupBy`."""
    for part in ("GroupKey", "Group", "Aggregate"):
        if name.endswith(part) and name[: -len(part)] in AGGREGATES:
            return name[: -len(part)], part
    return None


def test_every_object_field_comes_from_the_catalog() -> None:
    """No field is declared twice: each one of an object type is read off the catalog, or is
    part of a connection, or of an answer built elsewhere (listed above)."""
    missing = []
    for name, graphql_type in API.schema.type_map.items():
        if name.startswith("__") or name in ANSWERS or not isinstance(graphql_type, GraphQLObjectType):
            continue
        if name.endswith(("Connection", "Edge")):
            continue
        if name in SUMMARIES:
            continue
        if (summarised := _summarised(name)) is not None:
            # A list's summaries: read off the catalog's numbers and group keys of the type.
            label, part = summarised
            numbers = {"count", *AGGREGATES[label].numbers}
            allowed = {"Aggregate": numbers, "Group": numbers | {"key"}}.get(part)
            allowed = allowed or {key.name for key in AGGREGATES[label].keys.values()}
            missing += [f"{name}.{f}" for f in graphql_type.fields if f not in allowed]
            continue
        catalog = CATALOG.outputs[name].fields
        extra = {"stats"} if name == "Company" else set()
        missing += [
            f"{name}.{f}" for f in graphql_type.fields if f not in catalog and f not in extra | STRUCTURAL
        ]
    assert missing == []


def test_every_root_field_has_what_runs_it() -> None:
    queries, mutations = set(API.schema.query_type.fields), set(API.schema.mutation_type.fields)  # type: ignore[union-attr]
    # Each root field is run by exactly one table: compiled queries, writes, follow fields, or
    # answers known when the schema is built.
    assert queries | mutations == set(API.queries) | set(API.mutations) | set(API.follows) | set(API.answers)
    assert not set(API.queries) & set(API.follows) and not set(API.mutations) & set(API.follows)
    assert not set(API.answers) & (set(API.queries) | set(API.follows))
    assert set(API.queries) <= queries and set(API.mutations) <= mutations


def test_mutation_fields_are_nullable() -> None:
    # Each mutation field commits on its own: were one non-null, its error would null `data`
    # and hide the Written answers of the fields that committed before it (the kill suite saw it).
    mutation = API.schema.mutation_type
    assert mutation is not None
    assert [name for name, field in mutation.fields.items() if is_non_null_type(field.type)] == []
