"""Walking a root list through the engine page by page, as a client would."""

from collections.abc import Awaitable, Callable
from typing import Any

Run = Callable[..., Awaitable[dict[str, Any]]]


async def every_page(engine: Run, query: str, root: str, variables: dict[str, Any]) -> list[dict[str, Any]]:
    """Every node of `root`, following `endCursor` (the query takes the cursor as `$a`)."""
    nodes: list[dict[str, Any]] = []
    after = None
    while True:
        payload = await engine(query, {**variables, "a": after})
        assert "errors" not in payload, payload
        page = payload["data"][root]
        nodes += page["nodes"]
        if not page["pageInfo"]["hasNextPage"]:
            return nodes
        after = page["pageInfo"]["endCursor"]
