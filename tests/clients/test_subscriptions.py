"""Subscriptions through clients others wrote: npm graphql-ws (graphql-transport-ws over a
WebSocket) and npm graphql-sse (Server-Sent Events) receive the change feed's events after
mutations through the real server, and resume with afterSeq: nothing lost, nothing twice."""

from typing import Any

import pytest
from neo4j import Driver

from tests.clients.node import run_check
from tests.support import ApiProcess


def _check(api: ApiProcess, name: str, key: str = "") -> dict[str, Any]:
    return run_check("subscriptions.mjs", f"{api.url}/graphql", name, key)


@pytest.mark.parametrize("transport", ["websocket", "sse"])
def test_follows_the_feed_and_resumes_after_the_last_seq(
    api: ApiProcess, seeded: Driver, keys: dict[str, str], transport: str
) -> None:
    result = _check(api, transport, keys["editor"])
    short = "ws" if transport == "websocket" else "sse"
    assert [e.rsplit("-", 2)[-2:] for e in result["live"]] == [[short, "1"], [short, "2"]]
    assert [e.rsplit("-", 2)[-2:] for e in result["resumed"]] == [[short, "3"], [short, "4"], [short, "5"]]
    seqs = result["seqs"]
    assert seqs == sorted(seqs) and len(set(seqs)) == 5
    assert result["keyNames"] == ["test-editor"]
