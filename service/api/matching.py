"""Who is this? `match`, `matchBatch` and `duplicateCandidates`: their types, arguments, and the
step that re-scores the compiled statement's candidates (`service.domain.matching`) and shapes
them by the client's selection."""

from typing import Any

from graphql import (
    GraphQLArgument,
    GraphQLBoolean,
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

from service.api.roots import Root
from service.api.types import Registry, list_of, non_null
from service.compiler import matching as compiled
from service.compiler import new_compiler
from service.compiler.filters import FilterLimits
from service.compiler.projection import Compiler
from service.compiler.selection import Selection, merged
from service.compiler.statement import Statement
from service.domain.matching import Candidate, Query, Scored, duplicate_pairs, normalise, rank
from service.errors import ApiError, ErrorCode, bad_input

DEFAULT_FIRST = 5


def _enum(registry: Registry) -> tuple[GraphQLEnumType, GraphQLEnumType]:
    kinds = registry.add(
        GraphQLEnumType(
            "MatchType",
            {t.upper(): GraphQLEnumValue(t, description=f"A {t.lower()}.") for t in compiled.MATCH_TYPES},
            description="The kinds of entity match looks among.",
        )
    )
    schemes = registry.add(
        GraphQLEnumType(
            "IdentifierScheme",
            {
                "TICKER": GraphQLEnumValue(
                    "ticker", description="A stock ticker, with or without its exchange."
                ),
                "ID": GraphQLEnumValue("id", description="This graph's own id (a slug)."),
            },
            description="Identifiers the model holds (it has no LEI).",
        )
    )
    return kinds, schemes


def install(registry: Registry) -> dict[str, Root]:
    """The match types, and the query roots that use them."""
    normalise("Warm-up Co., Ltd.")  # compiles fingerprints' legal-form pattern (~1 s) before any request
    kinds, schemes = _enum(registry)
    identifier = registry.add(
        GraphQLInputObjectType(
            "IdentifierInput",
            {
                "scheme": GraphQLInputField(non_null(schemes), description="Which identifier."),
                "value": GraphQLInputField(non_null(GraphQLString), description="Its value."),
            },
            description="An identifier the caller knows.",
        )
    )
    query_fields = {
        "name": GraphQLInputField(non_null(GraphQLString), description="The name as the caller has it."),
        "type": GraphQLInputField(kinds, description="Only this kind of entity (default: any)."),
        "country": GraphQLInputField(GraphQLString, description="ISO 3166-1 alpha-2 code, if known."),
        "aliases": GraphQLInputField(GraphQLList(non_null(GraphQLString)), description="Other names."),
        "identifiers": GraphQLInputField(
            GraphQLList(non_null(identifier)), description="Identifiers, if known."
        ),
    }
    match_query = registry.add(
        GraphQLInputObjectType("MatchQuery", query_fields, description="One thing to find.")
    )
    features = registry.add(
        GraphQLObjectType(
            "MatchFeatures",
            {
                "nameSimilarity": GraphQLField(
                    non_null(GraphQLFloat),
                    description="Best similarity, 0 to 1, between the query's names and the entity's "
                    "(name, legal name, aliases) after normalisation.",
                ),
                "aliasHit": GraphQLField(
                    non_null(GraphQLBoolean),
                    description="A name of the query is one of the entity's aliases or its legal name "
                    "(after normalisation), or an alias of the query is its name.",
                ),
                "countryMatch": GraphQLField(
                    GraphQLBoolean, description="Same country; null when either side does not say."
                ),
                "identifierMatch": GraphQLField(
                    GraphQLBoolean,
                    description="An identifier given matches (true) or the entity's differs (false); "
                    "null when there is nothing to compare.",
                ),
            },
            description="What the score is made of (docs/match.md).",
        )
    )
    candidate = registry.add(
        GraphQLObjectType(
            "MatchCandidate",
            lambda: {
                "id": GraphQLField(non_null(GraphQLID), description="The entity's id."),
                "type": GraphQLField(non_null(kinds), description="Its kind."),
                "name": GraphQLField(non_null(GraphQLString), description="Its common name."),
                "score": GraphQLField(
                    non_null(GraphQLFloat), description="How likely it is the thing asked for, 0 to 1."
                ),
                "features": GraphQLField(non_null(features), description="Why it scored that."),
                "entity": GraphQLField(
                    non_null(registry.types["SearchResult"]), description="The entity itself."
                ),
            },
            description="An entity that may be the one asked for.",
        )
    )
    first = GraphQLArgument(
        non_null(GraphQLInt),
        default_value=DEFAULT_FIRST,
        description=f"Candidates per query: default {DEFAULT_FIRST}, at most {compiled.MAX_MATCH_FIRST}.",
    )
    candidates = list_of(candidate)
    pair = _pair(registry, kinds, features)
    return {
        "match": Root(
            GraphQLField(
                candidates,
                args={
                    **{
                        k: GraphQLArgument(f.type, description=f.description) for k, f in query_fields.items()
                    },
                    "first": first,
                },
                description="Entities that may be the one named, best first, each with its score in "
                "[0, 1] and the features behind it. Candidates come from the full-text index "
                "(names, aliases, legal names); see docs/match.md.",
            ),
            _match,
            _finish_match,
        ),
        "matchBatch": Root(
            GraphQLField(
                non_null(GraphQLList(candidates)),
                args={
                    "queries": GraphQLArgument(
                        non_null(GraphQLList(non_null(match_query))),
                        description=f"At most {compiled.MAX_BATCH} queries.",
                    ),
                    "first": first,
                },
                description="`match` for many names at once: one list of candidates per query, in order.",
            ),
            _batch,
            _finish_batch,
        ),
        "duplicateCandidates": Root(
            GraphQLField(
                list_of(pair),
                args={
                    "type": GraphQLArgument(kinds, description="Only this kind (default: companies)."),
                    "minScore": GraphQLArgument(
                        non_null(GraphQLFloat), default_value=0.85, description="Lowest score listed."
                    ),
                    "first": GraphQLArgument(
                        non_null(GraphQLInt),
                        default_value=20,
                        description=f"Pairs: default 20, at most {compiled.MAX_PAIRS}.",
                    ),
                },
                description="Pairs of existing entities that look like the same thing, best first "
                "(each pair once). The report reads every entity of the type, so it is bounded: "
                f"at most {compiled.MAX_SCANNED} entities are compared.",
            ),
            _duplicates,
            _finish_duplicates,
        ),
    }


def _pair(registry: Registry, kinds: GraphQLEnumType, features: GraphQLObjectType) -> GraphQLObjectType:
    side = registry.add(
        GraphQLObjectType(
            "DuplicateSide",
            {
                "id": GraphQLField(non_null(GraphQLID), description="The entity's id."),
                "name": GraphQLField(non_null(GraphQLString), description="Its common name."),
            },
            description="One entity of a duplicate pair.",
        )
    )
    found: GraphQLObjectType = registry.add(
        GraphQLObjectType(
            "DuplicatePair",
            {
                "type": GraphQLField(non_null(kinds), description="Their kind."),
                "left": GraphQLField(non_null(side), description="The entity with the smaller id."),
                "right": GraphQLField(non_null(side), description="The other."),
                "score": GraphQLField(non_null(GraphQLFloat), description="The match score, 0 to 1."),
                "features": GraphQLField(non_null(features), description="Why."),
            },
            description="Two entities that may be one (merge them, or leave them be).",
        )
    )
    return found


# -- compile and finish -----------------------------------------------------------------------


def _first(args: dict[str, Any], most: int) -> int:
    first = int(args["first"])
    if not 0 <= first <= most:
        raise bad_input(f"first must be between 0 and {most}, got {first}")
    return first


def _as_query(args: dict[str, Any]) -> dict[str, Any]:
    kind = args.get("type")
    return {
        "name": args["name"],
        "aliases": list(args.get("aliases") or []),
        "types": [kind] if kind else None,
        "country": args.get("country"),
        "identifiers": list(args.get("identifiers") or []),
    }


def _match(c: Compiler, selection: Selection, args: dict[str, Any]) -> Statement:
    _first(args, compiled.MAX_MATCH_FIRST)
    return compiled.candidates(c, selection, [_as_query(args)])


def _batch(c: Compiler, selection: Selection, args: dict[str, Any]) -> Statement:
    _first(args, compiled.MAX_MATCH_FIRST)
    queries = args["queries"]
    if not 0 < len(queries) <= compiled.MAX_BATCH:
        raise bad_input(f"matchBatch takes 1 to {compiled.MAX_BATCH} queries, got {len(queries)}")
    return compiled.candidates(c, selection, [_as_query(q) for q in queries])


def domain_query(query: dict[str, Any]) -> Query:
    """A match query's arguments as the scorer's `Query`."""
    identifiers = query.get("identifiers") or []
    return Query(
        name=str(query["name"]),
        aliases=tuple(str(a) for a in query.get("aliases") or []),
        country=query.get("country"),
        tickers=tuple(str(i["value"]) for i in identifiers if i["scheme"] == "ticker"),
        ids=tuple(str(i["value"]) for i in identifiers if i["scheme"] == "id"),
    )


def domain_candidate(row: dict[str, Any]) -> Candidate:
    """A compiled candidate row as the scorer's `Candidate`."""
    return Candidate(
        row["id"], row["name"] or row["id"], tuple(row["other"] or ()), row["country"], row["ticker"]
    )


def features_map(scored: Scored) -> dict[str, Any]:
    found = scored.features
    return {
        "nameSimilarity": found.name_similarity,
        "aliasHit": found.alias_hit,
        "countryMatch": found.country_match,
        "identifierMatch": found.identifier_match,
    }


def keyed(children: list[Selection], values: dict[str, Any]) -> dict[str, Any]:
    """`values` (by field name) keyed by the selection's response keys, nested maps too."""
    out: dict[str, Any] = {}
    for child in merged(children):
        value = values.get(child.name)
        if child.children and isinstance(value, dict):
            value = keyed(child.children, value)
        out[child.key] = value
    return out


def ranked(
    rows: list[dict[str, Any]], query: dict[str, Any], first: int
) -> list[tuple[Scored, dict[str, Any]]]:
    """Candidate rows re-scored for a query, best `first` with their rows."""
    by_id = {row["id"]: row for row in rows}
    return [(s, by_id[s.candidate.id]) for s in rank(domain_query(query), map(domain_candidate, rows), first)]


def _candidates(
    selection: Selection, rows: list[dict[str, Any]], query: dict[str, Any], first: int
) -> list[Any]:
    out = []
    for scored, row in ranked(rows, query, first):
        values = {
            "id": row["id"],
            "type": row["kind"],
            "name": row["name"],
            "score": scored.score,
            "features": features_map(scored),
        }
        item = keyed([c for c in selection.children if c.name != "entity"], values)
        item.update({c.key: row[c.key] for c in selection.children if c.name == "entity"})
        out.append(item)
    return out


def _finish_match(result: Any, selection: Selection) -> Any:
    return _candidates(selection, result[0], _as_query(selection.args), selection.args["first"])


def _finish_batch(result: Any, selection: Selection) -> Any:
    first = selection.args["first"]
    queries = [_as_query(q) for q in selection.args["queries"]]
    return [_candidates(selection, rows, q, first) for rows, q in zip(result, queries, strict=True)]


def _duplicates(c: Compiler, selection: Selection, args: dict[str, Any]) -> Statement:
    _first(args, compiled.MAX_PAIRS)
    if not 0 <= args["minScore"] <= 1:
        raise bad_input("minScore must be between 0 and 1")
    return compiled.everything(c, args.get("type") or "Company")


def _finish_duplicates(result: Any, selection: Selection) -> Any:
    args = selection.args
    kind = args.get("type") or "Company"
    pairs = duplicate_pairs([domain_candidate(r) for r in result], args["minScore"], args["first"])
    return [
        keyed(
            selection.children,
            {
                "type": kind,
                "left": {"id": p.left.id, "name": p.left.name},
                "right": {"id": p.right.candidate.id, "name": p.right.candidate.name},
                "score": p.right.score,
                "features": features_map(p.right),
            },
        )
        for p in pairs
    ]


# -- the duplicate guard on creates -------------------------------------------------------------

GUARDED = ("Company", "Person", "Facility")
GUARD_THRESHOLD = 0.9  # a create scoring this against an existing entity needs the caller's word
GUARD_SHOWN = 5


def guard_args() -> dict[str, GraphQLArgument]:
    """The arguments by which a create says it is not a duplicate."""
    return {
        "distinctFrom": GraphQLArgument(
            GraphQLList(non_null(GraphQLID)),
            description="Ids of existing entities this one is known not to be: the duplicate guard "
            "lets the create through past them, and the history records it.",
        ),
        "distinct": GraphQLArgument(
            GraphQLBoolean,
            description="True: create it whatever it resembles (needs a `reason`, kept in the history).",
        ),
    }


async def guard(
    read: Any, label: str, entity_id: str, sent: dict[str, Any], args: dict[str, Any]
) -> str | None:
    """Refuse a create that looks like an existing entity (POSSIBLE_DUPLICATE, with the
    candidates); return what the history should add to the reason when the caller overrode it.
    `read` runs a statement (the graph layer's `read_result`)."""
    if label not in GUARDED or "name" not in sent or await read(compiled.exists(entity_id)):
        return None
    distinct, distinct_from = bool(args.get("distinct")), [str(i) for i in args.get("distinctFrom") or []]
    if distinct and not (args.get("reason") or "").strip():
        raise ApiError("distinct: true needs a reason (it is kept in the history).", ErrorCode.BAD_USER_INPUT)
    location = sent.get("location") or {}
    other = [*(sent.get("aliases") or []), *([sent["legal_name"]] if sent.get("legal_name") else [])]
    query = {
        "name": str(sent["name"]),
        "aliases": other,
        "types": [label],
        "country": sent.get("country") or location.get("country"),
        "identifiers": [{"scheme": "ticker", "value": sent["ticker"]}] if sent.get("ticker") else [],
    }
    c = new_compiler(FilterLimits())
    rows = (await read(compiled.candidates(c, Selection("match", "match"), [query])))[0]
    close = [(s, row) for s, row in ranked(rows, query, GUARD_SHOWN) if s.score >= GUARD_THRESHOLD]
    shown = [{"id": row["id"], "name": row["name"], "score": s.score} for s, row in close]
    if distinct:
        return "; ".join(["declared distinct", *(f"{c['id']} ({c['score']})" for c in shown)])
    left = [c for c in shown if c["id"] not in distinct_from]
    if left:
        names = ", ".join(f"{c['id']} ({c['name']}, {c['score']})" for c in left)
        raise ApiError(
            f"{entity_id!r} looks like an existing {label.lower()}: {names}. Use that id, or resend with "
            "distinctFrom (or distinct: true and a reason) if it is another.",
            ErrorCode.POSSIBLE_DUPLICATE,
            {"candidates": left},
        )
    if shown:
        return "distinct from " + ", ".join(f"{c['id']} ({c['score']})" for c in shown)
    return None
