"""Subscriptions: `subscription { changes }` as a stream of answers, one per committed change.

The stream reads the feed (`changes`, compiled like the query root) after the last `seq` it
sent, a page at a time, and waits on the feed's head between pages. Neo4j is the only source:
nothing is kept in process memory, so any worker or replica serves any subscriber, and a client
that comes back with `afterSeq` gets exactly what it missed."""

import asyncio
from collections.abc import AsyncGenerator, Awaitable, Callable
from typing import Any, Protocol

import orjson

from service.api.errors import classify, error_entry
from service.api.outcomes import Read, RootField
from service.api.roots import Root
from service.compiler import new_compiler
from service.compiler.filters import FilterLimits
from service.compiler.paging import parse_page
from service.compiler.roots import watch_exists
from service.compiler.selection import Selection
from service.compiler.statement import Statement
from service.domain.catalog import CATALOG
from service.errors import ErrorCode

PAGE = 100  # changes read per statement
FILTER_ARGS = ("where", "near", "within", "watch")
RETRY_S = 1.0  # after a failed read (Neo4j away), before the stream reads again
_SEQ = "__seq"  # the response key under which each change's seq travels, then is removed


class SharedReads:
    """One read of Neo4j for every stream of this process that asks the same at the same time:
    subscribers with one filter wake together when the head moves, and all but the first wait
    for its answer instead of sending the same statement again. Answers are shared, so streams
    must not change them."""

    def __init__(self, read: Read) -> None:
        self._read = read
        self._flying: dict[tuple[str, bytes], asyncio.Task[Any]] = {}

    async def __call__(self, statement: Statement) -> Any:
        key = (statement.text, orjson.dumps(statement.params, option=orjson.OPT_SORT_KEYS))
        flying = self._flying.get(key)
        if flying is None:
            # A task of its own: a subscriber that goes away does not cancel the others' read.
            flying = asyncio.ensure_future(self._read(statement, False))
            self._flying[key] = flying
            flying.add_done_callback(lambda _: self._flying.pop(key, None))
        return await asyncio.shield(flying)


class FeedHead(Protocol):
    """Where the feed is: the last committed seq, up to which seq it was pruned, and a way to
    wait for a later one."""

    async def head(self) -> int: ...

    async def pruned(self) -> int: ...

    async def position(self) -> tuple[int, int]:
        """(head, pruned), read together."""
        ...

    async def wait_past(self, seq: int) -> None: ...


async def expired(after: int, feed: FeedHead) -> str | None:
    """Why resuming after `after` cannot be complete (the feed no longer keeps what follows it),
    or None."""
    pruned = await feed.pruned()
    if after >= pruned:
        return None
    return (
        f"The feed keeps changes after seq {pruned} only; those after {after} are partly gone. "
        "Resync from an export (python -m seed export), then follow from the current head."
    )


async def expired_cursor(args: dict[str, Any], feed: FeedHead) -> str | None:
    """`expired` for the `changes` query's `after` cursor (None without one)."""
    if args.get("after") is None:
        return None
    orders = CATALOG.orders["Change"]
    page = parse_page({"after": args["after"]}, orders.keys, orders.default)
    return None if page.after is None else await expired(int(page.after[0]), feed)


async def missing_watch(args: dict[str, Any], read: Callable[[Statement], Awaitable[Any]]) -> str | None:
    """Why the feed's `watch` argument cannot be followed (no such watch), or None."""
    watch = args.get("watch")
    if watch is None or await read(watch_exists(str(watch))):
        return None
    return f"No watch {watch!r}: save one with saveWatch, or list yours with `watches`."


async def change_stream(
    root: RootField,
    feed_root: Root,
    filter_limits: FilterLimits,
    read: SharedReads,
    feed: FeedHead,
    sleep: Any,
) -> AsyncGenerator[dict[str, Any], None]:
    """Each matching change as an execution result (`{"data": {key: change}}`), forever."""
    assert root.shaper is not None
    args = root.selection.args
    if args.get("afterSeq") is not None and (gone := await expired(args["afterSeq"], feed)):
        yield {"errors": [error_entry(gone, ErrorCode.CURSOR_EXPIRED, [root.key])]}
        return
    if missing := await missing_watch(args, read):
        yield {"errors": [error_entry(missing, ErrorCode.NOT_FOUND, [root.key])]}
        return
    last: int = args["afterSeq"] if args.get("afterSeq") is not None else await feed.head()
    pages = FeedPages(feed_root, filter_limits, read, args, root.selection.children)
    while True:
        try:
            nodes, more = await pages.after(last)
        except Exception as error:
            code, message = classify(error, root.key)
            yield {"errors": [error_entry(message, code, [root.key])]}
            await sleep(RETRY_S)
            continue
        for seq, node in nodes:
            last = seq
            yield {"data": {root.key: root.shaper(node)}}
        if not more:
            await feed.wait_past(last)


class FeedPages:
    """The pages of one filter of the feed (`where`, `near`, `within`, `watch` as the `changes`
    root takes them), read after a seq: what subscriptions and webhooks send."""

    def __init__(
        self,
        feed_root: Root,
        filter_limits: FilterLimits,
        read: Callable[[Statement], Awaitable[Any]],
        filter_args: dict[str, Any],
        children: list[Selection],
    ) -> None:
        self._root, self._limits, self._read = feed_root, filter_limits, read
        self._filter = {k: filter_args.get(k) for k in FILTER_ARGS}
        self._nodes = [*children, Selection("seq", _SEQ)]

    async def after(self, last: int, first: int = PAGE) -> tuple[list[tuple[int, dict[str, Any]]], bool]:
        """(seq, change) of the matching changes after `last`, oldest first, and whether more follow."""
        after = {"seq": {"gt": last}}
        where = {"AND": [self._filter["where"], after]} if self._filter["where"] else after
        args = {**self._filter, "where": where, "first": first}
        more = Selection("pageInfo", "pageInfo", {}, [Selection("hasNextPage", "hasNextPage")])
        selection = Selection(
            "changes", "changes", args, [Selection("nodes", "nodes", {}, self._nodes), more]
        )
        page = await self._read(self._root.compile(new_compiler(self._limits), selection, args))
        nodes = [(int(n[_SEQ]), {k: v for k, v in n.items() if k != _SEQ}) for n in page["nodes"]]
        return nodes, bool(page["pageInfo"]["hasNextPage"])
