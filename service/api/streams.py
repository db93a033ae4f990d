"""Subscriptions: `subscription { changes }` as a stream of answers, one per committed change.

The stream reads the feed (`changes`, compiled like the query root) after the last `seq` it
sent, a page at a time, and waits on the feed's head between pages. Neo4j is the only source:
nothing is kept in process memory, so any worker or replica serves any subscriber, and a client
that comes back with `afterSeq` gets exactly what it missed."""

from collections.abc import AsyncIterator
from typing import Any, Protocol

from service.api.errors import classify, error_entry
from service.api.outcomes import Read, RootField
from service.api.roots import Root
from service.compiler import new_compiler
from service.compiler.filters import FilterLimits
from service.compiler.selection import Selection

PAGE = 100  # changes read per statement
RETRY_S = 1.0  # after a failed read (Neo4j away), before the stream reads again
_SEQ = "__seq"  # the response key under which each change's seq travels, then is removed


class FeedHead(Protocol):
    """Where the feed is: the last committed seq, and a way to wait for a later one."""

    async def head(self) -> int: ...

    async def wait_past(self, seq: int) -> None: ...


async def change_stream(
    root: RootField, feed_root: Root, filter_limits: FilterLimits, read: Read, feed: FeedHead, sleep: Any
) -> AsyncIterator[dict[str, Any]]:
    """Each matching change as an execution result (`{"data": {key: change}}`), forever."""
    assert root.shaper is not None
    args = root.selection.args
    last: int = args["afterSeq"] if args.get("afterSeq") is not None else await feed.head()
    nodes = [*root.selection.children, Selection("seq", _SEQ)]
    more = Selection("pageInfo", "pageInfo", {}, [Selection("hasNextPage", "hasNextPage")])
    while True:
        after = {"seq": {"gt": last}}
        where = {"AND": [args["where"], after]} if args.get("where") else after
        page_args = {"where": where, "near": args.get("near"), "within": args["within"], "first": PAGE}
        selection = Selection("changes", "changes", page_args, [Selection("nodes", "nodes", {}, nodes), more])
        try:
            statement = feed_root.compile(new_compiler(filter_limits), selection, page_args)
            page = await read(statement, False)
        except Exception as error:
            code, message = classify(error, root.key)
            yield {"errors": [error_entry(message, code, [root.key])]}
            await sleep(RETRY_S)
            continue
        for node in page["nodes"]:
            last = int(node.pop(_SEQ))
            yield {"data": {root.key: root.shaper(node)}}
        if not page["pageInfo"]["hasNextPage"]:
            await feed.wait_past(last)
