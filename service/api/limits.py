"""Protection against costly requests, checked before any Cypher runs.

In the order the engine checks them:

- tokens: graphql-core's parser stops past `API_MAX_TOKENS`;
- fields: the fields a document selects, fragments expanded, are counted before validation,
  at most `API_MAX_FIELDS`;
- depth and aliases, counted on the document;
- overlaps: the pairs of same-named fields validation would compare (`service.api.overlaps`),
  at most `API_MAX_OVERLAPS`, as that check grows with the square of repeated fields;
- then validation, whose cost the figures above bound;
- cost, GitHub's node limit: the number of items the query could return, the product of page
  sizes down every branch (plain object lists count ten items each), read off the coerced
  arguments, so variables and literals count alike; a connection's `aggregate` counts one item
  and its `groupBy` its `first` groups, once per connection; `_entities` counts as many items
  as it has representations.

Over any limit the request gets QUERY_TOO_COMPLEX with the figures; under them,
`extensions.cost` tells the client what the query cost.
"""

from dataclasses import dataclass

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)
from graphql.language import Token, TokenKind

from service.compiler.aggregates import DEFAULT_GROUPS, MAX_GROUPS
from service.compiler.paging import DEFAULT_PAGE, MAX_PAGE
from service.compiler.selection import Selection

PLAIN_LIST_FACTOR = 10
# Analytics fields: the most items each can return, counted like a page; the lists inside their
# results are part of that count.
ANALYTICS_ITEMS = {
    "supplyChain": 500,
    "exposure": 500,
    "connections": 20 * 6,
    "rankings": 100,
    "circularFlows": 100 * 6,
    "diff": 200 * 5,
}
ANALYTICS_TYPES = {
    "Tiers",
    "TierEntry",
    "Connections",
    "ConnectionPath",
    "PathStep",
    "CircularFlows",
    "CircularFlow",
    "FlowStep",
    "CompanyStats",
    "Diff",
    "DiffEntry",
    "DiffChange",
}


_ONCE = ("aggregate", "groupBy")
MATCH_ROOTS = ("match", "matchBatch", "duplicateCandidates")


@dataclass
class Cost:
    nodes: int = 0
    depth: int = 0
    aliases: int = 0
    tokens: int = 0


def release_tokens(document: DocumentNode) -> int:
    """The document's lexical tokens, counted while unlinking each from the one before it.

    The parser links tokens both ways, so every parsed document is a reference cycle that only
    the cyclic garbage collector frees, in pauses that grow with the documents parsed since
    the last one. Linked one way, a tree is freed by reference counting when it goes.
    """
    count = 0
    token: Token | None = document.loc.start_token if document.loc else None
    while token is not None:
        token.prev = None
        count += token.kind not in (TokenKind.SOF, TokenKind.EOF, TokenKind.COMMENT)
        token = token.next
    return count


def count_fields(document: DocumentNode, operation: OperationDefinitionNode, stop_after: int) -> int:
    """Fields the operation selects with every fragment expanded, counting no further than
    `stop_after` (a fragment spread twice counts twice, as validation will compare it twice)."""
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    count = 0
    stack: list[tuple[SelectionSetNode | None, frozenset[str]]] = [(operation.selection_set, frozenset())]
    while stack and count <= stop_after:
        selection_set, seen = stack.pop()
        for node in selection_set.selections if selection_set else ():
            if isinstance(node, FieldNode):
                count += 1
                stack.append((node.selection_set, seen))
            elif isinstance(node, InlineFragmentNode):
                stack.append((node.selection_set, seen))
            elif isinstance(node, FragmentSpreadNode) and node.name.value not in seen:
                fragment = fragments.get(node.name.value)
                if fragment is not None:
                    stack.append((fragment.selection_set, seen | {node.name.value}))
    return count


def shape_of(document: DocumentNode, operation: OperationDefinitionNode) -> tuple[int, int]:
    """(depth, aliases) of the operation, through its fragments."""
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    depth = aliases = 0
    stack: list[tuple[SelectionSetNode | None, int, frozenset[str]]] = [
        (operation.selection_set, 1, frozenset())
    ]
    while stack:
        selection_set, level, seen = stack.pop()
        for node in selection_set.selections if selection_set else ():
            if isinstance(node, FieldNode):
                depth = max(depth, level)
                aliases += node.alias is not None
                if node.selection_set is not None:
                    stack.append((node.selection_set, level + 1, seen))
            elif isinstance(node, InlineFragmentNode):
                stack.append((node.selection_set, level, seen))
            elif isinstance(node, FragmentSpreadNode) and node.name.value not in seen:
                fragment = fragments.get(node.name.value)
                if fragment is not None:
                    stack.append((fragment.selection_set, level, seen | {node.name.value}))
    return depth, aliases


def _named(kind: object) -> tuple[object, bool]:
    is_list = False
    while isinstance(kind, GraphQLNonNull | GraphQLList):
        is_list = is_list or isinstance(kind, GraphQLList)
        kind = kind.of_type
    return kind, is_list


def nodes_cost(
    schema: GraphQLSchema, selections: list[Selection], parent: object, multiplier: int = 1
) -> int:
    """Items the selections could return under `parent` (see the module docstring)."""
    total = 0
    parent_name = getattr(parent, "name", "")
    for selection in selections:
        fields = getattr(parent, "fields", None) or {}
        if selection.on is not None and not isinstance(parent, GraphQLObjectType):
            fields = getattr(schema.get_type(selection.on), "fields", fields)
        field = fields.get(selection.name)
        if field is None or not selection.children:
            continue
        kind, is_list = _named(field.type)
        factor = 1
        if parent_name in ("Query", "Mutation") and selection.name in ANALYTICS_ITEMS:
            factor = ANALYTICS_ITEMS[selection.name]
            total += multiplier * factor
        elif parent_name == "Query" and selection.name in MATCH_ROOTS:
            # Each query's candidates are items; a batch counts every query's.
            first = selection.args.get("first")
            factor = max(first, 0) if isinstance(first, int) else 1
            factor *= max(len(selection.args.get("queries") or ()), 1)
            total += multiplier * factor
        elif parent_name == "Query" and selection.name == "_entities":
            # Each representation is a lookup of its own, with its own selection.
            factor = len(selection.args.get("representations") or ())
            total += multiplier * factor
        elif parent_name in ANALYTICS_TYPES:
            factor = 1
        elif selection.name == "groupBy" and parent_name.endswith("Connection"):
            # Groups are items like a page's: at most `first` of them, each with its figures.
            first = selection.args.get("first")
            factor = min(first, MAX_GROUPS) if isinstance(first, int) and first >= 0 else DEFAULT_GROUPS
            total += multiplier * factor
        elif selection.name == "aggregate" and parent_name.endswith("Connection"):
            total += multiplier  # one summary, however long the list
        elif getattr(kind, "name", "").endswith("Connection"):
            first = selection.args.get("first")
            factor = min(first, MAX_PAGE) if isinstance(first, int) and first >= 0 else DEFAULT_PAGE
            total += multiplier * factor
            # A connection's summaries come once per connection, not once per item of its page.
            once = [c for c in selection.children if c.name in _ONCE]
            total += nodes_cost(schema, once, kind, multiplier)
            per_item = [c for c in selection.children if c.name not in _ONCE]
            total += nodes_cost(schema, per_item, kind, multiplier * factor)
            continue
        elif is_list and not parent_name.endswith("Connection"):
            # A connection's edges and nodes are its page, already counted above.
            factor = PLAIN_LIST_FACTOR
        total += nodes_cost(schema, selection.children, kind, multiplier * factor)
    return total
