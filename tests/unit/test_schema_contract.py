"""The GraphQL schema as a contract: exported SDL, descriptions, and a compiler entry per field."""

from graphql import GraphQLEnumType, GraphQLInputObjectType, GraphQLInterfaceType, GraphQLObjectType

from service.api.export import SDL_FILE, sdl
from service.api.limits import ANALYTICS_TYPES
from service.api.schema import build_schema
from service.graph.query.model import MODEL

# Fields the compiler answers structurally rather than from MODEL.
STRUCTURAL = {"cursor", "node", "edges", "nodes", "totalCount", "pageInfo", "score"}
NOT_COMPILED = {"Query", "Stats", "PageInfo"}
# Mutation results are built in Python from the write's outcome (Written.node is compiled).
WRITE_RESULTS = {"Mutation", "Written", "ValidationError", "FieldError", "NotFound", "Conflict"}
# Built field by field in service.graph.query.analytics, or fixed-shape figures read by name.
ANALYTICS = ANALYTICS_TYPES | {"RankingEntry", "LinkCount", "MoneyByStatus"}


def test_exported_sdl_matches_the_code() -> None:
    assert SDL_FILE.read_text(encoding="utf-8") == sdl(), "run `make schema` and commit schema/schema.graphql"


def test_every_type_field_and_argument_is_described() -> None:
    schema = build_schema()._schema
    missing = []
    for name, graphql_type in schema.type_map.items():
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


def test_every_object_field_is_compiled() -> None:
    schema = build_schema()._schema
    missing = []
    for name, graphql_type in schema.type_map.items():
        if (
            name.startswith("__")
            or name in NOT_COMPILED | ANALYTICS | WRITE_RESULTS
            or not isinstance(graphql_type, GraphQLObjectType)
        ):
            continue
        if name.endswith(("Connection",)) or name in ("SearchEdge",):
            continue
        fields = MODEL.get(name, {})
        for field_name in graphql_type.fields:
            if field_name not in fields and field_name not in STRUCTURAL:
                missing.append(f"{name}.{field_name}")
    assert missing == []
