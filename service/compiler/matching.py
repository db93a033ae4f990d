"""`match`, `matchBatch` and `duplicateCandidates`: one statement that fetches candidates from the
full-text index (with what scoring needs and the `entity` selections projected), re-scored in
Python by `service.domain.matching`.

User text reaches Lucene only as escaped, lower-cased terms in a parameter, never Cypher.
"""

from typing import Any

from service.compiler.projection import Compiler
from service.compiler.roots import abstract
from service.compiler.selection import Selection
from service.compiler.statement import Scope, Statement
from service.domain.matching import words
from service.errors import bad_input

MATCH_TYPES = ("Company", "Person", "Facility")
MAX_MATCH_FIRST = 50
MAX_BATCH = 50
MAX_NAME = 500
MAX_ALIASES = 20
MAX_TERMS = 24
# Hits read from the index per query, before the type filter and the re-scoring: the work per
# query is bounded by this, however common the words.
CANDIDATES = 100

_LUCENE_SPECIAL = set('+-&|!(){}[]^"~*?:\\/')


def _escape(term: str) -> str:
    return "".join(f"\\{ch}" if ch in _LUCENE_SPECIAL else ch for ch in term)


def lucene_terms(names: list[str]) -> str:
    """Any of the names' words, as typed and normalised (legal forms dropped, transliterated),
    each also fuzzily (one edit) so that "Foxcon" finds "Foxconn"."""
    terms: list[str] = []
    for name in names:
        for word in [*name.lower().split(), *words(name)]:
            word = word.strip(".,;:()[]{}\"'")
            if any(ch.isalnum() for ch in word) and word not in terms:
                terms.append(word)
    terms = terms[:MAX_TERMS]
    if not terms:
        raise bad_input("name has no searchable words")
    parts = []
    for term in terms:
        escaped = _escape(term)
        parts.append(escaped)
        if len(term) >= 4:
            parts.append(f"{escaped}~1")
    return " OR ".join(parts)


def check_query(query: dict[str, Any]) -> None:
    """Bounds on one query's text, before anything runs."""
    name = str(query.get("name") or "")
    if not name.strip() or len(name) > MAX_NAME:
        raise bad_input(f"name must have 1 to {MAX_NAME} characters")
    aliases = query.get("aliases") or []
    if len(aliases) > MAX_ALIASES or any(len(str(a)) > MAX_NAME for a in aliases):
        raise bad_input(f"at most {MAX_ALIASES} aliases of at most {MAX_NAME} characters each")


def candidates(c: Compiler, selection: Selection, queries: list[dict[str, Any]]) -> Statement:
    """For each query (in order), the index's candidates of its types with their names, country,
    ticker and the `entity` selections: `result` is a list of lists of maps."""
    rows = []
    for index, query in enumerate(queries):
        check_query(query)
        types = [t for t in (query.get("types") or MATCH_TYPES) if t in MATCH_TYPES]
        lucene = lucene_terms([str(query["name"]), *map(str, query.get("aliases") or [])])
        rows.append({"i": index, "lucene": lucene, "labels": types})
    var, score, found = c.var("n"), c.var("score"), c.var("found")
    inner = Scope()
    entities = [
        f"`{child.key}`: {abstract(c, var, child, inner, MATCH_TYPES)}"
        for child in selection.children
        if child.name == "entity"
    ]
    kinds = " ".join(f"WHEN {var}:{t} THEN '{t}'" for t in MATCH_TYPES)
    item = ", ".join(
        [
            f"id: {var}.id",
            f"name: {var}.name",
            f"other: [x IN coalesce({var}.aliases, []) + [{var}.legal_name] WHERE x IS NOT NULL]",
            f"country: {var}.country",
            f"ticker: {var}.ticker",
            f"kind: CASE {kinds} END",
            f"fulltext: {score}",
            *entities,
        ]
    )
    q = c.var("q")
    text = (
        f"UNWIND {c.param(rows)} AS {q} "
        f"CALL ({q}) {{ "
        f"CALL db.index.fulltext.queryNodes('entity_names', {q}.lucene, {{limit: {CANDIDATES}}}) "
        f"YIELD node AS {var}, score AS {score} "
        f"WITH {var}, {score} WHERE any(label IN labels({var}) WHERE label IN {q}.labels) "
        f"{' '.join(inner.calls)} RETURN collect({{{item}}}) AS {found} }} "
        f"WITH {q}, {found} ORDER BY {q}.i RETURN collect({found}) AS result"
    )
    return Statement(text, c.params)


MAX_PAIRS = 200
MAX_SCANNED = 20_000  # entities the duplicate report compares (by id order)


def everything(c: Compiler, label: str) -> Statement:
    """Up to MAX_SCANNED entities of a type, with what scoring needs."""
    if label not in MATCH_TYPES:
        raise bad_input(f"unknown type {label!r}")
    return Statement(
        f"MATCH (n:{label}) WITH n ORDER BY n.id LIMIT {MAX_SCANNED} "
        "RETURN collect({id: n.id, name: n.name, "
        "other: [x IN coalesce(n.aliases, []) + [n.legal_name] WHERE x IS NOT NULL], "
        f"country: n.country, ticker: n.ticker, kind: '{label}'}}) AS result",
        {},
    )


def exists(entity_id: str) -> Statement:
    """Whether an entity (of any kind, retracted ones too) has this id."""
    return Statement("MATCH (n:Entity {id: $id}) RETURN count(n) > 0 AS result", {"id": entity_id})
