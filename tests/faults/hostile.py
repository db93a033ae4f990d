"""The hostile-input matrix: requests a careless or malicious client sends, and the answer each
must get. Every case names the HTTP status and `errors[0].extensions.code` expected (code None:
a normal answer with data). Used by tests/faults/test_hostile.py, which sends each to a running
`python -m service` over a raw socket, and by `make faults`, which prints the table.
"""

import json
from dataclasses import dataclass, field
from typing import Any

ONE_MIB = 1024 * 1024


@dataclass(frozen=True)
class Hostile:
    name: str
    status: int
    code: str | None
    body: bytes = b""
    method: str = "POST"
    path: str = "/graphql"
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "application/json"})
    key: str | None = None  # "reader", "editor", or a literal Authorization value


def _json(query: str, variables: dict[str, Any] | None = None, **more: Any) -> bytes:
    body: dict[str, Any] = {"query": query, **more}
    if variables is not None:
        body["variables"] = variables
    return json.dumps(body).encode()


def _case(name: str, status: int, code: str | None, query: str, variables: Any = None, **kw: Any) -> Hostile:
    return Hostile(name, status, code, _json(query, variables), **kw)


def _nested_where(levels: int) -> bytes:
    """A request whose `where` variable nests AND `levels` deep (two JSON levels each), written
    as text: Python's own JSON encoder stops at about 1,000 levels."""
    where = '{"AND": [' * levels + '{"name": {"eq": "Nvidia"}}' + "]}" * levels
    return f'{{"query": {json.dumps(COMPANIES)}, "variables": {{"where": {where}}}}}'.encode()


def _or_branches(count: int) -> dict[str, Any]:
    return {"OR": [{"name": {"eq": f"company {i}"}} for i in range(count)]}


COMPANIES = "query Q($where: CompanyWhere) { companies(where: $where) { nodes { id } } }"
FIRST = "query Q($first: Int!) { companies(first: $first) { nodes { id } } }"
UPSERT_SOURCE = (
    'mutation M($s: SourceInput!) { upsertSource(input: $s, reason: "hostile") '
    "{ __typename ... on Written { id } ... on ValidationError { errors { path message } } } }"
)
SOURCE = {"id": "hostile-source", "url": "https://example.com/x", "publisher": "X", "tier": "A"}
DUPLICATE_SUBTREES = '{ company(id: "nvidia") {' + " suppliers { nodes { id } }" * 300 + " } }"
NESTED_SELECTION = (
    "{ " + 'company(id: "x") { ' * 1 + "suppliers { nodes { " * 700 + "id" + " } }" * 700 + " } }"
)


def cases() -> list[Hostile]:
    return [
        # -- bodies that are not GraphQL requests -------------------------------------------------
        Hostile(
            "invalid UTF-8 in the body", 400, "BAD_REQUEST", b'{"query": "{ stats { companies } \xff\xfe }"}'
        ),
        Hostile(
            "escaped lone surrogate in the query",
            400,
            "BAD_REQUEST",
            b'{"query": "{ search(text: \\"\\ud800\\") { nodes { __typename } } }"}',
        ),
        Hostile(
            "escaped lone surrogate in variables",
            400,
            "BAD_REQUEST",
            b'{"query": "query Q($t: String!) { search(text: $t) { nodes { __typename } } }",'
            b' "variables": {"t": "\\udfff"}}',
        ),
        Hostile("malformed JSON", 400, "BAD_REQUEST", b'{"query": "{ stats { companies } }"'),
        Hostile("empty body", 400, "BAD_REQUEST", b""),
        Hostile("JSON array (batch) body", 400, "BAD_REQUEST", b'[{"query": "{ stats { companies } }"}]'),
        Hostile("JSON string body", 400, "BAD_REQUEST", b'"{ stats { companies } }"'),
        Hostile("query is a number", 400, "BAD_REQUEST", b'{"query": 42}'),
        Hostile("query is null", 400, "BAD_REQUEST", b'{"query": null}'),
        Hostile(
            "variables is a string",
            400,
            "BAD_REQUEST",
            b'{"query": "{ stats { companies } }", "variables": "{}"}',
        ),
        Hostile(
            "operationName is a list",
            400,
            "BAD_REQUEST",
            b'{"query": "{ stats { companies } }", "operationName": []}',
        ),
        Hostile(
            "extensions is a number",
            400,
            "BAD_REQUEST",
            b'{"query": "{ stats { companies } }", "extensions": 1}',
        ),
        Hostile(
            "number too large for a double (1e400)",
            400,
            "BAD_REQUEST",
            b'{"query": "query Q($v: Float) { circularFlows(minValueUsd: $v) { loops { length } } }",'
            b' "variables": {"v": 1e400}}',
        ),
        Hostile(
            "integer beyond 64 bits",
            200,
            "BAD_USER_INPUT",
            b'{"query": "' + FIRST.encode() + b'", "variables": {"first": 123456789012345678901234567890}}',
        ),
        Hostile(
            "NaN in JSON",
            400,
            "BAD_REQUEST",
            b'{"query": "' + FIRST.encode() + b'", "variables": {"first": NaN}}',
        ),
        Hostile(
            "JSON nested 5,000 levels",
            400,
            "BAD_REQUEST",
            b'{"query": "{ stats { companies } }", "variables": {"v": ' + b"[" * 5000 + b"]" * 5000 + b"}}",
        ),
        Hostile(
            "body over 1 MiB",
            413,
            "PAYLOAD_TOO_LARGE",
            _json("{ stats { companies } }", {"pad": "x" * ONE_MIB}),
        ),
        Hostile(
            "text/plain body",
            415,
            "UNSUPPORTED_MEDIA_TYPE",
            b"{ stats { companies } }",
            headers={"Content-Type": "text/plain"},
        ),
        Hostile(
            "no Content-Type", 415, "UNSUPPORTED_MEDIA_TYPE", _json("{ stats { companies } }"), headers={}
        ),
        Hostile("PUT", 405, "METHOD_NOT_ALLOWED", _json("{ stats { companies } }"), method="PUT"),
        Hostile("GET without a query", 400, "BAD_REQUEST", method="GET", headers={}),
        Hostile(
            "mutation by GET",
            405,
            "METHOD_NOT_ALLOWED",
            method="GET",
            headers={},
            path="/graphql?query=" + "mutation%7Bretract(id%3A%22x%22%2Creason%3A%22y%22)%7B__typename%7D%7D",
        ),
        # -- documents ----------------------------------------------------------------------------
        _case("syntax error", 200, "GRAPHQL_PARSE_FAILED", "{ stats { companies }"),
        _case("NUL character in the document", 200, "GRAPHQL_PARSE_FAILED", "{ stats { companies } }\u0000"),
        _case("unknown field", 200, "GRAPHQL_VALIDATION_FAILED", "{ stats { employees } }"),
        _case(
            "fragment cycle",
            200,
            "GRAPHQL_VALIDATION_FAILED",
            "fragment A on Company { suppliers { nodes { ...B } } }"
            ' fragment B on Company { customers { nodes { ...A } } } { company(id: "x") { ...A } }',
        ),
        Hostile(
            "no operation named so",
            200,
            "BAD_REQUEST",
            _json("query A { stats { companies } }", operationName="B"),
        ),
        _case(
            "two operations, no name chosen",
            200,
            "BAD_REQUEST",
            "query A { stats { companies } } query B { stats { people } }",
        ),
        _case(
            "subscription of a field Subscription has not",
            200,
            "GRAPHQL_VALIDATION_FAILED",
            "subscription S { stats { companies } }",
        ),
        _case("over 5,000 tokens", 200, "QUERY_TOO_COMPLEX", "{ stats { " + "companies " * 5001 + "} }"),
        _case(
            "1,000 duplicate fields",
            200,
            "QUERY_TOO_COMPLEX",
            '{ company(id: "nvidia") {' + " id" * 1000 + " } }",
        ),
        _case("300 duplicate sub-selections", 200, "QUERY_TOO_COMPLEX", DUPLICATE_SUBTREES),
        _case(
            "300 duplicates in inline fragments",
            200,
            "QUERY_TOO_COMPLEX",
            '{ company(id: "nvidia") {' + " ... on Company { suppliers { nodes { id } } }" * 300 + " } }",
        ),
        Hostile(
            "duplicates in an unused operation",
            200,
            "QUERY_TOO_COMPLEX",
            _json("query A { stats { companies } } query B " + DUPLICATE_SUBTREES, operationName="A"),
        ),
        _case(
            "duplicates in an unused fragment",
            200,
            "QUERY_TOO_COMPLEX",
            "query A { stats { companies } } fragment U on Company {"
            + " suppliers { nodes { id } }" * 300
            + " }",
        ),
        _case(
            "fragments doubling 12 times",
            200,
            "QUERY_TOO_COMPLEX",
            "".join(
                f"fragment F{i} on Company {{ suppliers {{ nodes {{ ...F{i + 1} ...F{i + 1} }} }} }} "
                for i in range(12)
            )
            + 'fragment F12 on Company { id } { company(id: "x") { ...F0 } }',
        ),
        _case("selections 700 levels deep", 200, "GRAPHQL_PARSE_FAILED", NESTED_SELECTION),
        _case(
            "depth 17",
            200,
            "QUERY_TOO_COMPLEX",
            '{ company(id: "x") {' + " suppliers { nodes {" * 8 + " id" + " } }" * 8 + " } }",
        ),
        _case(
            "31 aliases",
            200,
            "QUERY_TOO_COMPLEX",
            "{ " + " ".join(f"a{i}: stats {{ companies }}" for i in range(31)) + " }",
        ),
        _case(
            "cost over the node limit",
            200,
            "QUERY_TOO_COMPLEX",
            "{ companies(first: 100) { nodes { suppliers(first: 100) {"
            " nodes { suppliers(first: 100) { nodes { id } } } } } } }",
        ),
        _case(
            "introspection 20 levels of ofType",
            200,
            "QUERY_TOO_COMPLEX",
            "{ __schema { types { fields { type" + " { ofType" * 20 + " { name }" + " }" * 20 + " } } } }",
        ),
        # -- variables and arguments --------------------------------------------------------------
        _case("missing required variable", 200, "BAD_USER_INPUT", FIRST, {}),
        _case("variable of the wrong type", 200, "BAD_USER_INPUT", FIRST, {"first": "ten"}),
        _case("null for a non-null variable", 200, "BAD_USER_INPUT", FIRST, {"first": None}),
        _case("Int variable of 2^31", 200, "BAD_USER_INPUT", FIRST, {"first": 2**31}),
        _case(
            "Int literal of 2^31",
            200,
            "GRAPHQL_VALIDATION_FAILED",
            "{ companies(first: 2147483648) { nodes { id } } }",
        ),
        _case("first: -1 on a list", 200, "BAD_USER_INPUT", FIRST, {"first": -1}),
        _case(
            "first: -1 on a nested list",
            200,
            "BAD_USER_INPUT",
            '{ company(id: "nvidia") { suppliers(first: -1) { nodes { id } } } }',
        ),
        _case(
            "first: -1 on search",
            200,
            "BAD_USER_INPUT",
            '{ search(text: "nvidia", first: -1) { nodes { __typename } } }',
        ),
        _case(
            "first: -1 on circularFlows",
            200,
            "BAD_USER_INPUT",
            "{ circularFlows(first: -1) { loops { length } } }",
        ),
        _case(
            "first: -1 on rankings",
            200,
            "BAD_USER_INPUT",
            "{ rankings(by: LARGEST_MONEY_HUBS, first: -1) { rank } }",
        ),
        _case(
            "maxDepth: -1 on supplyChain",
            200,
            "BAD_USER_INPUT",
            '{ supplyChain(company: "openai", maxDepth: -1) { entries { tier } } }',
        ),
        _case(
            "maxDepth: 2^31-1 on exposure",
            200,
            "BAD_USER_INPUT",
            '{ exposure(facility: "x", maxDepth: 2147483647) { entries { tier } } }',
        ),
        _case(
            "maxLength: 1000 on connections",
            200,
            "BAD_USER_INPUT",
            '{ connections(from: "openai", to: "nvidia", maxLength: 1000) { paths { length } } }',
        ),
        _case(
            "maxLength: 1000 on circularFlows",
            200,
            "BAD_USER_INPUT",
            "{ circularFlows(maxLength: 1000) { loops { length } } }",
        ),
        _case("first: 1,000,000 is capped", 200, None, "{ companies(first: 1000000) { nodes { id } } }"),
        _case(
            "a cursor that is not ours",
            200,
            "BAD_USER_INPUT",
            '{ companies(after: "bm90IGEgY3Vyc29y") { nodes { id } } }',
        ),
        _case(
            "a cursor that is not base64",
            200,
            "BAD_USER_INPUT",
            '{ companies(after: "%%%") { nodes { id } } }',
        ),
        _case(
            "search text of 1,001 characters",
            200,
            "BAD_USER_INPUT",
            "query Q($t: String!) { search(text: $t) { nodes { __typename } } }",
            {"t": "a" * 1001},
        ),
        _case(
            "search text of Lucene syntax",
            200,
            None,
            "query Q($t: String!) { search(text: $t) { nodes { __typename } } }",
            {"t": 'Nvi* AND "x" OR title:(a~2) \\ / [1 TO 2] ^ ! && ||'},
        ),
        _case(
            "an id of 100,000 characters",
            200,
            None,
            "query Q($id: ID!) { company(id: $id) { id } }",
            {"id": "x" * 100_000},
        ),
        _case(
            "Cypher in a string",
            200,
            None,
            "query Q($id: ID!) { company(id: $id) { id } }",
            {"id": "x' }) MATCH (n) DETACH DELETE n //"},
        ),
        _case(
            "unknown enum value",
            200,
            "BAD_USER_INPUT",
            "query Q($s: [Status!]) { partnerships(where: {status: {in: $s}}) { nodes { id } } }",
            {"s": ["BOGUS"]},
        ),
        _case(
            "a date that is not one",
            200,
            "BAD_USER_INPUT",
            "query Q($d: Date) { partnerships(where: {announcedOn: {gte: $d}}) { nodes { id } } }",
            {"d": "2025-13-40"},
        ),
        Hostile("where nested 100 levels by variable", 200, "BAD_USER_INPUT", _nested_where(100)),
        Hostile("where nested 500 levels by variable", 200, "BAD_USER_INPUT", _nested_where(500)),
        Hostile("where nested 3,000 levels by variable", 400, "BAD_REQUEST", _nested_where(3000)),
        _case(
            "where nested 20 levels by literal",
            200,
            "QUERY_TOO_COMPLEX",
            "{ companies(where: " + "{AND: [" * 20 + '{name: {eq: "x"}}' + "]}" * 20 + ") { nodes { id } } }",
        ),
        _case(
            "where nested 300 levels by literal",
            200,
            "GRAPHQL_PARSE_FAILED",
            "{ companies(where: "
            + "{AND: [" * 300
            + '{name: {eq: "x"}}'
            + "]}" * 300
            + ") { nodes { id } } }",
        ),
        _case(
            "OR of 101 branches by variable",
            200,
            "QUERY_TOO_COMPLEX",
            COMPANIES,
            {"where": _or_branches(101)},
        ),
        _case(
            "OR of 20,000 branches by variable",
            200,
            "QUERY_TOO_COMPLEX",
            COMPANIES,
            {"where": _or_branches(20_000)},
        ),
        _case(
            "OR of 101 branches by literal",
            200,
            "QUERY_TOO_COMPLEX",
            "{ companies(where: {OR: ["
            + ", ".join(f'{{name: {{eq: "c{i}"}}}}' for i in range(101))
            + "]}) { nodes { id } } }",
        ),
        _case(
            "in-list of 50,000 values",
            200,
            "QUERY_TOO_COMPLEX",
            COMPANIES,
            {"where": {"id": {"in": [f"c{i}" for i in range(50_000)]}}},
        ),
        # -- keys and roles -----------------------------------------------------------------------
        _case("mutation without a key", 401, "UNAUTHENTICATED", UPSERT_SOURCE, {"s": SOURCE}),
        _case(
            "mutation with a made-up key",
            401,
            "UNAUTHENTICATED",
            UPSERT_SOURCE,
            {"s": SOURCE},
            key="Bearer sg_nosuchkey_0123456789abcdef",
        ),
        _case(
            "mutation with a 10 KB Authorization header",
            401,
            "UNAUTHENTICATED",
            UPSERT_SOURCE,
            {"s": SOURCE},
            key="Bearer " + "k" * 10_000,
        ),
        _case("mutation with a reader's key", 403, "FORBIDDEN", UPSERT_SOURCE, {"s": SOURCE}, key="reader"),
        _case(
            "11 mutations in one request",
            200,
            "BATCH_TOO_LARGE",
            "mutation {"
            + " ".join(f'r{i}: retract(id: "x{i}", reason: "y") {{ __typename }}' for i in range(11))
            + " }",
            key="editor",
        ),
        _case(
            "write with an invalid source tier",
            200,
            "BAD_USER_INPUT",
            UPSERT_SOURCE,
            {"s": {**SOURCE, "tier": "Z"}},
            key="editor",
        ),
    ]
