"""Webhooks through the real server: signed deliveries checked by the receiver of docs/webhooks.md,
retries with backoff, de-duplication of repeated deliveries, a dead receiver that delays no
other, the delivery log, a kill -9 of the API mid-delivery, admin-only management and the SSRF
safeguards."""

import ipaddress
import json
import re
import signal
import socket
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from neo4j import Driver

from service.api.targets import internal
from tests.api.test_changes import company
from tests.api.test_watches import call, code, ok
from tests.support import REPO_ROOT, ApiProcess, Neo4jServer

SECRET = "test-webhook-secret-0123456789"
TIMEOUT_S = 4
DOCS = (REPO_ROOT / "docs" / "webhooks.md").read_text(encoding="utf-8")
ADMIN_BLOCKS = re.findall(r"```graphql\n(# needs: a key\n.*?)```", DOCS, re.DOTALL)
REGISTER = next(b for b in ADMIN_BLOCKS if "registerWebhook" in b)
LIST = next(b for b in ADMIN_BLOCKS if "webhooks(" in b)
UPSERT = "mutation($input: CompanyInput!) { upsertCompany(input: $input) { __typename } }"
HOOK = """mutation($input: WebhookInput!) { registerWebhook(input: $input) { id enabled cursor } }"""


def receiver_code() -> dict[str, Any]:
    """The receiver of docs/webhooks.md, as a reader would copy it."""
    [source] = re.findall(r"```python\n# receiver: webhook\n(.*?)```", DOCS, re.DOTALL)
    namespace: dict[str, Any] = {}
    exec(compile(source, "docs/webhooks.md", "exec"), namespace)  # noqa: S102 -- our own docs
    return namespace


RECEIVER = receiver_code()
verify: Callable[[str, str, bytes], bool] = RECEIVER["verify"]


class Receiver:
    """An HTTP server for the deliveries: records each, checks its signature, de-duplicates by
    event id, and misbehaves on the paths that are meant to."""

    def __init__(self) -> None:
        self.got: dict[str, list[dict[str, Any]]] = {}
        self.unique: dict[str, Any] = {}
        self.lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                with owner.lock:
                    seen = owner.got.setdefault(self.path, [])
                    dedupe = owner.unique.setdefault(self.path, RECEIVER["Deduplicator"]())
                    event = self.headers["Supplygraph-Event-Id"]
                    seen.append(
                        {
                            "event": event,
                            "body": json.loads(body),
                            "valid": verify(SECRET, self.headers["Supplygraph-Signature"], body),
                            "first": dedupe.first_time(event),
                            "webhook": self.headers["Supplygraph-Webhook"],
                        }
                    )
                    count = len(seen)
                status = 200
                if (self.path == "/flaky" and count <= 2) or self.path == "/down":
                    status = 500
                if self.path in ("/slow", "/hang") and count == 1:
                    time.sleep(TIMEOUT_S + 0.5)  # past the delivery timeout: counted as failed
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def events(self, path: str, first_only: bool = True) -> list[str]:
        with self.lock:
            return [g["event"] for g in self.got.get(path, []) if g["first"] or not first_only]

    def wait(self, done: Callable[[], bool], seconds: float = 45) -> None:
        deadline = time.monotonic() + seconds
        while not done():
            assert time.monotonic() < deadline, self.got
            time.sleep(0.05)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    yield server
    server.server.shutdown()


@pytest.fixture
def dead_url() -> Iterator[str]:
    """A port that takes connections and never answers."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(0)
    yield f"http://127.0.0.1:{sock.getsockname()[1]}/dead"
    sock.close()


HOOKS_ENV = {
    "WEBHOOKS_DELIVER": "true",
    "WEBHOOK_ALLOW_PRIVATE": "true",  # the receivers are on loopback
    "WEBHOOK_TIMEOUT_SECONDS": str(TIMEOUT_S),
    "WEBHOOK_RETRY_BASE_SECONDS": "0.2",
    "WEBHOOK_RETRY_MAX_SECONDS": "0.5",
    "WEBHOOK_MAX_ATTEMPTS": "3",
    "WEBHOOK_LEASE_SECONDS": "3",
}


def register(api: ApiProcess, admin: str, url: str, **filters: Any) -> str:
    hook = {"url": url, "secret": SECRET, **filters}
    return str(ok(call(api, HOOK, {"input": hook}, admin))["registerWebhook"]["id"])


def test_deliveries_are_signed_retried_deduplicated_and_isolated(
    neo4j_server: Neo4jServer,
    seeded: Driver,
    keys: dict[str, str],
    receiver: Receiver,
    dead_url: str,
    tmp_path: Path,
) -> None:
    api = ApiProcess(neo4j_server, tmp_path / "api.log", HOOKS_ENV)
    try:
        admin, editor = keys["admin"], keys["editor"]
        hooks = {path: register(api, admin, receiver.url + path) for path in ("/ok", "/flaky", "/slow")}
        hooks["dead"] = register(api, admin, dead_url)
        # The docs' own example: changes near CoreWeave.
        example = REGISTER.replace("https://alerts.example.com", receiver.url)
        near = call(api, example.replace("a-long-random-shared-secret", SECRET), key=admin)
        hooks["/supplygraph"] = ok(near)["registerWebhook"]["id"]
        watch = ok(
            call(
                api,
                'mutation { saveWatch(input: {name: "CoreWeave\'s units", entities: ["coreweave"], '
                "links: [OWNERSHIP]}) { id } }",
                key=keys["reader"],
            )
        )["saveWatch"]["id"]
        hooks["/watch"] = register(api, admin, receiver.url + "/watch", watch=watch)
        ok(call(api, UPSERT, {"input": company("test-hook-a", "Hook A", parent="coreweave")}, editor))
        ok(call(api, UPSERT, {"input": company("test-hook-a", "Hook A Renamed", parent="coreweave")}, editor))
        ok(call(api, UPSERT, {"input": company("test-hook-b", "Hook B")}, editor))

        # The healthy receiver has all three while the dead one still hangs on its first attempt.
        receiver.wait(lambda: len(receiver.events("/ok")) == 3)
        log = {w["id"]: w for w in ok(call(api, LIST, key=admin))["webhooks"]}
        assert log[hooks["dead"]]["deliveries"] == [], "a dead receiver delayed a healthy one"
        every = receiver.events("/ok")
        assert every == sorted(every, key=int) and len(set(every)) == 3
        first = receiver.got["/ok"][0]["body"]
        assert first["id"] == str(first["seq"]) and first["seq"] == first["change"]["seq"]
        assert first["webhook"] == hooks["/ok"]
        assert first["change"]["entity"] == "test-hook-a" and first["change"]["action"] == "upsert"
        assert {"relationship": "SUBSIDIARY_OF", "id": "coreweave", "type": "Company"} in first["change"][
            "linksAdded"
        ]

        # Failures are retried, in order; a repeated delivery has the same event id.
        receiver.wait(lambda: len(receiver.events("/flaky")) == 3 and len(receiver.events("/slow")) == 3)
        assert receiver.events("/flaky") == every and receiver.events("/slow") == every
        assert receiver.events("/slow", first_only=False) == [every[0], *every], "the slow one is resent"
        assert receiver.events("/flaky", first_only=False) == [every[0], every[0], *every]
        # Filters: near CoreWeave and the watch get test-hook-a's two changes, not test-hook-b's.
        receiver.wait(
            lambda: len(receiver.events("/supplygraph")) == 2 and len(receiver.events("/watch")) == 2
        )
        assert receiver.events("/supplygraph") == receiver.events("/watch") == every[:2]
        assert all(g["valid"] for seen in receiver.got.values() for g in seen)
        sample = receiver.got["/ok"][0]
        assert not verify(SECRET, f"t={int(time.time())},v1=00", json.dumps(sample["body"]).encode())

        # The dead receiver is disabled after its last attempt, and its log says why.
        def dead_disabled() -> bool:
            webhooks = ok(call(api, LIST, key=admin))["webhooks"]
            return not next(w for w in webhooks if w["id"] == hooks["dead"])["enabled"]

        receiver.wait(dead_disabled)
        log = {w["id"]: w for w in ok(call(api, LIST, key=admin))["webhooks"]}
        dead = log[hooks["dead"]]
        assert "3 failed attempts" in dead["disabledReason"] and dead["cursor"] < int(every[0])
        assert [(d["attempt"], d["ok"], d["status"]) for d in dead["deliveries"]] == [
            (3, False, None),
            (2, False, None),
            (1, False, None),
        ]
        assert all(f"no answer within {TIMEOUT_S} s" in d["error"] for d in dead["deliveries"])
        assert dead["deliveries"][1]["nextAttemptAt"] is not None
        flaky = [d for d in reversed(log[hooks["/flaky"]]["deliveries"]) if d["seq"] == int(every[0])]
        assert [(d["attempt"], d["ok"], d["status"]) for d in flaky] == [
            (1, False, 500),
            (2, False, 500),
            (3, True, 200),
        ]
        assert (
            flaky[0]["error"] == "HTTP 500"
            and flaky[0]["nextAttemptAt"]
            and flaky[2]["nextAttemptAt"] is None
        )
        assert log[hooks["/ok"]]["cursor"] >= int(every[-1]) and log[hooks["/ok"]]["lastSuccessAt"]
        assert log[hooks["/supplygraph"]]["filter"] == {
            "where": None,
            "near": "coreweave",
            "within": 2,
            "watch": None,
        }

        # An admin re-enables it (a fresh count of attempts) or removes it.
        enable = (
            "mutation($id: ID!) { setWebhookEnabled(id: $id, enabled: true) "
            "{ enabled attempts disabledReason } }"
        )
        assert ok(call(api, enable, {"id": hooks["dead"]}, admin))["setWebhookEnabled"] == {
            "enabled": True,
            "attempts": 0,
            "disabledReason": None,
        }
        remove = "mutation($id: ID!) { removeWebhook(id: $id) }"
        assert ok(call(api, remove, {"id": hooks["dead"]}, admin))["removeWebhook"] is True
        assert code(call(api, remove, {"id": hooks["dead"]}, admin)) == "NOT_FOUND"
        # A watch a webhook follows cannot be removed from under it.
        removal = call(api, "mutation($id: ID!) { removeWatch(id: $id) }", {"id": watch}, keys["reader"])
        assert code(removal) == "CONFLICT" and hooks["/watch"] in removal["errors"][0]["message"]
    finally:
        api.stop()


def test_a_killed_api_loses_no_delivery(
    neo4j_server: Neo4jServer, seeded: Driver, keys: dict[str, str], receiver: Receiver, tmp_path: Path
) -> None:
    first = ApiProcess(neo4j_server, tmp_path / "first.log", HOOKS_ENV)
    second: ApiProcess | None = None
    try:
        register(first, keys["admin"], receiver.url + "/hang")
        ok(call(first, UPSERT, {"input": company("test-hook-k0", "Kill 0")}, keys["editor"]))
        # The receiver holds the first delivery open; the API dies while waiting for it.
        receiver.wait(lambda: len(receiver.events("/hang", first_only=False)) == 1)
        first.process.send_signal(signal.SIGKILL)
        first.process.wait(timeout=30)
        second = ApiProcess(neo4j_server, tmp_path / "second.log", HOOKS_ENV)
        for n in range(1, 4):
            ok(call(second, UPSERT, {"input": company(f"test-hook-k{n}", f"Kill {n}")}, keys["editor"]))
        # Once the dead process's lease expires, the new one resends from the cursor: the
        # interrupted event again (de-duplicated), then the rest, in order.
        receiver.wait(lambda: len(receiver.events("/hang")) == 4)
        got = receiver.events("/hang", first_only=False)
        assert got[0] == got[1] and got[1:] == sorted(got[1:], key=int) and len(set(got)) == 4
        entities = [g["body"]["change"]["entity"] for g in receiver.got["/hang"] if g["first"]]
        assert entities == [f"test-hook-k{n}" for n in range(4)]
    finally:
        if first.process.poll() is None:
            first.stop()
        if second is not None:
            second.stop()


def test_a_webhook_left_behind_by_retention_is_disabled_with_the_reason(
    neo4j_server: Neo4jServer, seeded: Driver, keys: dict[str, str], receiver: Receiver, tmp_path: Path
) -> None:
    env = {
        **HOOKS_ENV,
        "WEBHOOK_MAX_ATTEMPTS": "1000",
        "FEED_RETAIN_CHANGES": "2",
        "FEED_PRUNE_SECONDS": "0.2",
    }
    api = ApiProcess(neo4j_server, tmp_path / "api.log", env)
    try:
        admin = keys["admin"]
        hook = register(api, admin, receiver.url + "/down")
        # The receiver keeps failing; meanwhile the feed moves on and is pruned past the
        # webhook's cursor, so what it missed can no longer be sent.
        for n in range(5):
            ok(call(api, UPSERT, {"input": company(f"test-hook-r{n}", f"Retained {n}")}, keys["editor"]))

        def disabled() -> bool:
            found = next(w for w in ok(call(api, LIST, key=admin))["webhooks"] if w["id"] == hook)
            return not found["enabled"]

        receiver.wait(disabled)
        found = next(w for w in ok(call(api, LIST, key=admin))["webhooks"] if w["id"] == hook)
        assert "no longer keeps" in found["disabledReason"] and "resync" in found["disabledReason"]
    finally:
        api.stop()


def test_only_admins_register_webhooks_and_only_on_public_addresses(
    seeded: Driver, api: ApiProcess, keys: dict[str, str]
) -> None:
    good = {"url": "http://93.184.215.14/hook", "secret": SECRET}  # a public literal: no lookup
    refused = call(api, HOOK, {"input": good}, keys["editor"])
    assert (refused["status"], code(refused)) == (403, "FORBIDDEN")
    assert code(call(api, HOOK, {"input": good})) == "UNAUTHENTICATED"
    assert code(call(api, "{ webhooks { id } }", key=keys["reader"])) == "FORBIDDEN"
    admin = keys["admin"]
    internal_urls = [
        "http://127.0.0.1:8000/x",
        "http://localhost/x",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.1.2.3/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://100.64.0.1/",
        "http://0.0.0.0/",
    ]
    for url in internal_urls:
        answer = call(api, HOOK, {"input": {**good, "url": url}}, admin)
        assert code(answer) == "BAD_USER_INPUT" and "internal address" in answer["errors"][0]["message"], url
    malformed = [
        "ftp://93.184.215.14/",
        "http://user:pw@93.184.215.14/",
        "http:///nohost",
        "http://93.184.215.14/#x",
    ]
    for url in malformed:
        assert code(call(api, HOOK, {"input": {**good, "url": url}}, admin)) == "BAD_USER_INPUT", url
    assert code(call(api, HOOK, {"input": {**good, "secret": "short"}}, admin)) == "BAD_USER_INPUT"
    assert code(call(api, HOOK, {"input": {**good, "watch": "watch_nope"}}, admin)) == "NOT_FOUND"
    too_deep = call(api, HOOK, {"input": {**good, "near": "nvidia", "within": 9}}, admin)
    assert code(too_deep) == "BAD_USER_INPUT"
    # A public address is accepted (nothing is delivered: this server's processes do not deliver).
    hook = ok(call(api, HOOK, {"input": good}, admin))["registerWebhook"]
    assert hook["enabled"] is True
    ok(call(api, "mutation($id: ID!) { removeWebhook(id: $id) }", {"id": hook["id"]}, admin))


@pytest.mark.parametrize(
    ("address", "inside"),
    [
        ("8.8.8.8", False),
        ("2606:4700:4700::1111", False),
        ("127.0.0.1", True),
        ("192.168.1.1", True),
        ("172.16.0.1", True),
        ("169.254.169.254", True),
        ("100.64.0.1", True),
        ("224.0.0.1", True),
        ("255.255.255.255", True),
        ("::1", True),
        ("fd00::1", True),
        ("fe80::1", True),
        ("::ffff:10.0.0.1", True),
        ("::ffff:8.8.8.8", False),
    ],
)
def test_which_addresses_count_as_internal(address: str, inside: bool) -> None:
    assert internal(ipaddress.ip_address(address)) is inside
