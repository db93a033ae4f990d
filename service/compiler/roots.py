"""The entry points: a lookup by id, `node(id)`, lists of each entity, full-text search, counts.

Each function takes the root field's selection, its arguments coerced by graphql-core, and
returns one statement whose single row's `result` column is the field's value.
"""

from typing import Any

from service.compiler.filters import too_complex
from service.compiler.lists import MAX_WITHIN, Everything
from service.compiler.projection import Compiler
from service.compiler.selection import Selection, SelectionError
from service.compiler.statement import TYPE_KEY, Scope, Statement, response_key
from service.domain.catalog import CATALOG, ENTITY_LABELS, Connection, Hop, OutField
from service.errors import bad_input
from service.graph.fragments import ARCHIVED, EARLIER, RETRACTED, identifier

SEARCH_CANDIDATES = 500  # index hits ranked per search; the page is cut from these
SEARCH_TYPES = ("Company", "Person", "Facility", "Partnership", "Source")
MAX_SEARCH_TEXT = 1000  # characters of search text
MAX_SEARCH_WORDS = 16


def _matches(c: Compiler, var: str, label: str, retracted: bool) -> str:
    """`var` is an entity of `label` (or a retracted one, if asked); under knownAt, one the graph
    held then: its retracted form counts if the retraction came later."""
    label = identifier(label)
    if c.known.on:
        return f"({var}:{label} OR {var}:{RETRACTED}{label}) AND {c.known.present(var, retracted)}"
    return f"{var}:{label} OR {var}:{RETRACTED}{label}" if retracted else f"{var}:{label}"


REDIRECTED = "redirected_id"


def redirect(c: Compiler, entity_id: Any) -> str:
    """Cypher binding `redirected_id`: the id asked for, or, when a merge dropped that entity, the
    id of the one it was merged into. Under `knownAt` the graph answers as it stood: no redirect."""
    asked = c.param(str(entity_id))
    if c.known.on:
        return f"WITH {asked} AS {REDIRECTED}"
    merged = c.var("merged")
    return (
        f"OPTIONAL MATCH ({merged}:Entity {{id: {asked}}}) "
        f"WITH coalesce({merged}.merged_into, {asked}) AS {REDIRECTED}"
    )


def lookup(c: Compiler, type_name: str, selection: Selection, args: dict[str, Any]) -> Statement:
    """One entity of a type by id; with `includeRetracted`, a retracted one is found too; with
    `asOf`, only if it held then; with `knownAt`, as the graph held it then."""
    c.answer_as_of(args)
    scope, node = Scope(), c.known.node("n")
    projection = c.object(type_name, {"n": node}, selection.children, scope)
    found = f"{redirect(c, args['id'])} OPTIONAL MATCH ({node}:Entity {{id: {REDIRECTED}}})"
    text = " ".join(
        [
            f"{found} WHERE ({_matches(c, node, type_name, bool(args.get('includeRetracted')))}) "
            f"AND {c.held_then(node, type_name, False)}",
            *scope.calls,
            f"RETURN CASE WHEN {node} IS NULL THEN null ELSE {projection} END AS result",
        ]
    )
    return Statement(text, c.params)


def node(c: Compiler, selection: Selection, args: dict[str, Any]) -> Statement:
    """`node(id)`: whichever entity has the id, shaped by the fragments selected."""
    c.answer_as_of(args)
    scope, var = Scope(), c.known.node("n")
    retracted = bool(args.get("includeRetracted"))
    branches = []
    for type_name in ENTITY_LABELS:
        body = c.object(type_name, {"n": var}, selection.for_type(type_name), scope)[1:-1]
        branches.append(
            f"WHEN ({_matches(c, var, type_name, retracted)}) AND {c.held_then(var, type_name, False)} "
            f"THEN {{{body}{', ' if body else ''}{TYPE_KEY}: '{type_name}'}}"
        )
    text = " ".join(
        [
            f"{redirect(c, args['id'])} OPTIONAL MATCH ({var}:Entity {{id: {REDIRECTED}}})",
            *scope.calls,
            f"RETURN CASE {' '.join(branches)} ELSE null END AS result",
        ]
    )
    return Statement(text, c.params)


# A gateway sends every entity one subgraph fetch needs in one `_entities` call; past this many,
# the request is refused rather than run (the cost limit counts each representation too).
MAX_REPRESENTATIONS = 1000


def representations(values: Any) -> tuple[list[str], list[str]]:
    """The types and ids of an `_entities` call's representations, in order. Anything else a
    gateway sends with them is not part of our key, so it is dropped."""
    if len(values) > MAX_REPRESENTATIONS:
        raise too_complex(f"_entities takes at most {MAX_REPRESENTATIONS} representations, got {len(values)}")
    types, ids = [], []
    for at, value in enumerate(values):
        where = f"representations[{at}]"
        if not isinstance(value, dict):
            raise bad_input(f"{where} must be an object with __typename and id")
        type_name = value.get("__typename")
        if not isinstance(type_name, str):
            raise bad_input(f"{where} has no __typename")
        if type_name not in ENTITY_LABELS:
            raise bad_input(
                f"{where}: {type_name!r} is not an entity type here (one of {', '.join(ENTITY_LABELS)})"
            )
        key = value.get("id")
        if isinstance(key, bool) or not isinstance(key, str | int):
            raise bad_input(f'{where} ({type_name}) has no id (the key is @key(fields: "id"))')
        types.append(type_name)
        ids.append(str(key))
    return types, ids


def entities(c: Compiler, selection: Selection, args: dict[str, Any]) -> Statement:
    """`_entities(representations:)`: every representation's entity in one statement, in the
    order given, each shaped by the fragment on its type; null where the id is unknown, retracted
    or of another type, as a lookup answers."""
    types, ids = representations(args["representations"])
    # Two lists of strings rather than a list of maps: the driver sends and Neo4j reads them faster.
    type_list, id_list = c.param(types), c.param(ids)
    scope, at, var, item, merged = Scope(), c.var("i"), c.var("n"), c.var("item"), c.var("merged")
    branches = []
    for type_name in sorted(set(types)):
        body = c.object(type_name, {"n": var}, selection.for_type(type_name), scope)[1:-1]
        branches.append(
            f"WHEN {type_list}[{at}] = '{type_name}' AND {var}:{identifier(type_name)} "
            f"THEN {{{body}{', ' if body else ''}{TYPE_KEY}: '{type_name}'}}"
        )
    cases = f"CASE {' '.join(branches)} ELSE null END" if branches else "null"
    text = " ".join(
        [
            f"UNWIND range(0, size({id_list}) - 1) AS {at}",
            # A merged duplicate's id answers the entity it was merged into, as lookups do.
            f"OPTIONAL MATCH ({merged}:Entity {{id: {id_list}[{at}]}})",
            f"WITH {at}, coalesce({merged}.merged_into, {id_list}[{at}]) AS {REDIRECTED}",
            f"OPTIONAL MATCH ({var}:Entity {{id: {REDIRECTED}}})",
            *scope.calls,
            f"WITH {at}, {cases} AS {item} ORDER BY {at}",
            # collect() skips nulls: each item is wrapped so that a miss keeps its place.
            f"RETURN [x IN collect([{item}]) | x[0]] AS result",
        ]
    )
    return Statement(text, c.params)


def listing(c: Compiler, type_name: str, selection: Selection, args: dict[str, Any]) -> Statement:
    """A filtered, ordered page of every entity of a type (as of `asOf`, with one)."""
    c.answer_as_of(args)
    scope = Scope()
    out = OutField(selection.name, "", type_name, Connection(Hop((), True, type_name)), connection=type_name)
    everything = Everything(type_name, bool(args.get("includeRetracted")))
    connection = c.related(out, {}, selection, scope, read_as=everything)
    return Statement(" ".join([*scope.calls, f"RETURN {connection} AS result"]), c.params)


def changes(c: Compiler, selection: Selection, args: dict[str, Any]) -> Statement:
    """The change feed: every committed change in commit order (`seq`), filtered, keyset-paged;
    with `near`, only changes of the entities within `within` links of that one; with `watch`,
    only those the saved watch follows."""
    within = args["within"]
    if not 0 <= within <= MAX_WITHIN:
        raise bad_input(f"within must be between 0 and {MAX_WITHIN}, got {within}")
    near, watch = args.get("near"), args.get("watch")
    if near is not None and watch is not None:
        raise bad_input("Give near or watch, not both: a watch names its own entities.")
    scope = Scope()
    out = OutField(selection.name, "", "Change", Connection(Hop((), True, "Change")), connection="Change")
    feed = Everything(
        "Change",
        near=None if near is None else c.entity_id(near),
        within=within,
        watch=None if watch is None else c.param(str(watch)),
    )
    connection = c.related(out, {}, selection, scope, read_as=feed)
    return Statement(" ".join([*scope.calls, f"RETURN {connection} AS result"]), c.params)


def timeline(c: Compiler, selection: Selection, args: dict[str, Any]) -> Statement:
    """The dated events of an entity and of the partnerships it is party to, oldest first."""
    c.answer_as_of(args)
    scope = Scope()
    out = OutField(selection.name, "", "Event", Connection(Hop((), True, "Event")), connection="Event")
    events = Everything("Event", about=c.entity_id(args["id"]))
    connection = c.related(out, {}, selection, scope, read_as=events)
    return Statement(" ".join([*scope.calls, f"RETURN {connection} AS result"]), c.params)


def watch_exists(watch_id: str) -> Statement:
    """Whether a watch of this id exists (before following it: an unknown id is an error, not
    an empty feed)."""
    return Statement("MATCH (w:Watch {id: $watch}) RETURN count(w) > 0 AS result", {"watch": watch_id})


def search(c: Compiler, selection: Selection, args: dict[str, Any]) -> Statement:
    """Full-text search over names, aliases, legal names, titles and publishers."""
    text: str = args["text"]
    if len(text) > MAX_SEARCH_TEXT:
        raise bad_input(f"text may be at most {MAX_SEARCH_TEXT} characters")
    first = args["first"]
    if first < 0:
        raise bad_input(f"first must be a non-negative integer, got {first}")
    first = min(first, 100)
    var, score, rows = c.var("n"), c.var("score"), c.var("rows")
    inner = Scope()
    edge_parts: list[list[str]] = []
    for edges in [s for s in selection.children if s.name == "edges"]:
        parts = []
        for child in edges.children:
            if child.name == "node":
                parts.append(f"{response_key(child)}: {abstract(c, var, child, inner, SEARCH_TYPES)}")
            elif child.name == "score":
                parts.append(f"{response_key(child)}: {score}")
            elif child.name == "__typename":
                parts.append(f"{response_key(child)}: 'SearchEdge'")
            else:
                raise SelectionError(f"SearchEdge.{child.name} is not compiled")
        edge_parts.append(parts)
    nodes_parts = [abstract(c, var, s, inner, SEARCH_TYPES) for s in selection.children if s.name == "nodes"]
    row = (
        ", ".join(
            [
                *(f"e{i}: {{{', '.join(p)}}}" for i, p in enumerate(edge_parts)),
                *(f"n{i}: {p}" for i, p in enumerate(nodes_parts)),
            ]
        )
        or "x: 1"
    )
    # Prefix matches all score alike in Lucene, so rank by what a reader expects: a name that
    # starts with the text, then companies before people, facilities, deals and pages.
    starts = c.param(text.strip().lower())
    kinds = " ".join(f"WHEN {var}:{t} THEN {i}" for i, t in enumerate(SEARCH_TYPES[:-1]))
    rank = (
        f"CASE WHEN toLower(coalesce({var}.name, {var}.title, '')) STARTS WITH {starts} "
        f"THEN 0 ELSE 1 END, CASE {kinds} ELSE {len(SEARCH_TYPES) - 1} END, {score} DESC, {var}.id"
    )
    call = (
        f"CALL () {{ CALL db.index.fulltext.queryNodes('entity_names', {c.param(lucene_query(text))}, "
        f"{{limit: {SEARCH_CANDIDATES}}}) YIELD node AS {var}, score AS {score} "
        f"WITH {var}, {score} ORDER BY {rank} LIMIT {first + 1} "
        f"{' '.join(inner.calls)} RETURN collect({{{row}}}) AS {rows} }}"
    )
    entries, edge_index, node_index = [], 0, 0
    for child in selection.children:
        if child.name == "edges":
            entries.append(f"{response_key(child)}: [x IN {rows}[..{first}] | x.e{edge_index}]")
            edge_index += 1
        elif child.name == "nodes":
            entries.append(f"{response_key(child)}: [x IN {rows}[..{first}] | x.n{node_index}]")
            node_index += 1
        elif child.name == "pageInfo":
            info = {
                "hasNextPage": f"size({rows}) > {first}",
                "hasPreviousPage": "false",
                "endCursor": "null",
                "startCursor": "null",
                "__typename": "'PageInfo'",
            }
            entries.append(
                f"{response_key(child)}: {{"
                + ", ".join(f"{response_key(p)}: {info[p.name]}" for p in child.children)
                + "}"
            )
        elif child.name == "__typename":
            entries.append(f"{response_key(child)}: 'SearchConnection'")
    return Statement(f"{call} RETURN {{{', '.join(entries)}}} AS result", c.params)


def abstract(
    c: Compiler,
    var: str,
    selection: Selection,
    scope: Scope,
    types: tuple[str, ...],
    retracted_too: bool = False,
) -> str:
    """An entity of any of `types` (retracted ones too, if asked), shaped by the fragments
    selected, with its concrete type."""
    branches = []
    for type_name in types:
        body = c.object(type_name, {"n": var}, selection.for_type(type_name), scope)[1:-1]
        test = _matches(c, var, type_name, retracted_too) if retracted_too else f"{var}:{type_name}"
        branches.append(f"WHEN {test} THEN {{{body}{', ' if body else ''}{TYPE_KEY}: '{type_name}'}}")
    return f"CASE {' '.join(branches)} END"


_LUCENE_SPECIAL = set('+-&|!(){}[]^"~*?:\\/')


def lucene_query(text: str) -> str:
    """User text as a Lucene query that only ever means "these words" (prefix on the last)."""
    # Lower case: AND, OR, NOT and TO are operators only in upper case.
    words = [
        "".join(f"\\{ch}" if ch in _LUCENE_SPECIAL else ch for ch in word.lower()) for word in text.split()
    ]
    words = [w for w in words if w][:MAX_SEARCH_WORDS]
    if not words:
        raise bad_input("text has no searchable words")
    return " AND ".join([*words[:-1], f"{words[-1]}*"]) if len(words) > 1 else f"{words[0]}* OR {words[0]}"


_COUNTED = {
    "companies": "Company",
    "people": "Person",
    "facilities": "Facility",
    "partnerships": "Partnership",
    "sources": "Source",
    "events": "Event",
}


def stats(c: Compiler, selection: Selection, args: dict[str, Any]) -> Statement:
    """Counts of each kind of entity, and of relationships, from the count store."""
    calls, entries = [], []
    for child in selection.children:
        out = c.var("count")
        if child.name == "__typename":
            entries.append(f"{response_key(child)}: 'Stats'")
            continue
        if child.name == "relationships":
            # The count store's totals, less the archived links and versions kept for knownAt.
            archived, versions = c.var("archived"), c.var("versions")
            calls.append(
                f"CALL () {{ MATCH ()-[r]->() RETURN count(r) AS {out} }} "
                f"CALL () {{ MATCH ()-[r:{ARCHIVED}]->() RETURN count(r) AS {archived} }} "
                f"CALL () {{ MATCH ()-[r:{EARLIER}]->() RETURN count(r) AS {versions} }}"
            )
            entries.append(f"{response_key(child)}: {out} - {archived} - {versions}")
            continue
        if child.name in _COUNTED:
            calls.append(f"CALL () {{ MATCH (n:{_COUNTED[child.name]}) RETURN count(n) AS {out} }}")
        else:
            raise SelectionError(f"Stats.{child.name} is not compiled")
        entries.append(f"{response_key(child)}: {out}")
    return Statement(" ".join([*calls, f"RETURN {{{', '.join(entries)}}} AS result"]), c.params)


STATS_FIELDS = {
    "companies": "Companies, funds, joint ventures and public bodies.",
    "people": "People.",
    "facilities": "Facilities.",
    "partnerships": "Partnerships.",
    "sources": "Source pages.",
    "events": "Dated events.",
    "relationships": "Relationships of every type.",
}
_ = CATALOG  # the catalog answers every object this module projects
