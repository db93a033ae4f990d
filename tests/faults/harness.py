"""The fault suite's machinery: a Neo4j and an API of its own that a test may kill, writers that
keep every answer they got, and a checker that reads the graph afterwards and holds each answer
to what was committed.

Why each write is recorded with its outcome as the client saw it:

- `acked`: the API answered `Written`. The write must be in the graph, whole, at that version.
- `rejected`: the API answered another `WriteResult` member (Conflict, ValidationError,
  NotFound). Nothing may have been written.
- `failed`: the API answered with an error (`extensions.code`). The docs promise "nothing is
  written when a write fails", so it must be absent.
- `unsent`: no connection could be made; the API never saw the request. It must be absent.
- `ambiguous`: the request was sent and no GraphQL answer came back (reset, timeout, a body that
  is not JSON), or the API said the outcome is unknown (`WRITE_OUTCOME_UNKNOWN`: Neo4j went
  away while committing). Either outcome is allowed, but never a half-written entity.

`lost` (acked yet not in the graph) must always be 0, and so must `half_written`.
"""

import contextlib
import http.client
import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from neo4j import Driver, GraphDatabase
from neo4j.exceptions import DriverError, Neo4jError

from neo4j_local import LocalNeo4j
from neo4j_local.server import free_port
from service.domain.roles import Role
from service.graph.constraints import apply_constraints
from tests.support import REPO_ROOT, TEST_PASSWORD, Neo4jServer, api_key, timeless

RESULTS_FILE = REPO_ROOT / ".faults" / "results.json"
FULL = os.environ.get("FAULTS_FULL", "") not in ("", "0")


@dataclass(frozen=True)
class Profile:
    """How hard a run pushes: the smoke profile keeps the normal test run short."""

    name: str
    writers: int
    warmup_s: float  # writing before the first kill
    settle_s: float  # writing after each recovery
    cycles: int  # kills per case
    # When to kill a load: curated and staged ones at a fraction of a clean load's writing time
    # (from its first data statement), bulk ones of its whole time (it imports offline).
    loader_fractions: tuple[float, ...]
    bulk_fractions: tuple[float, ...]
    loader_modes: tuple[str, ...]
    synthetic_companies: int


# The smoke load is killed as soon as its first data statement is seen: a curated load writes
# for about 0.2 s here, so only the start of its transaction is a dependable target.
SMOKE = Profile("smoke", 4, 2.0, 2.0, 1, (0.0,), (), ("curated",), 0)
LONG = Profile(
    "full",
    8,
    5.0,
    5.0,
    3,
    (0.0, 0.2, 0.4, 0.6, 0.8, 1.0),
    (0.1, 0.35, 0.55, 0.75, 0.92),
    ("curated", "staged", "bulk"),
    3_000,
)
PROFILE = LONG if FULL else SMOKE


def _reap(pid: int) -> None:
    # A server this process started must be reaped, or its pid lingers as a zombie that
    # `os.kill(pid, 0)` still finds.
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)


# -- the servers a test may kill -------------------------------------------------------------------


class FaultNeo4j:
    """A Neo4j of the suite's own, in a temporary home: killing it disturbs no other test."""

    def __init__(self) -> None:
        self.home = Path(tempfile.mkdtemp(prefix="supplygraph-faults-neo4j-"))
        self.local = LocalNeo4j(
            home=self.home, bolt_port=free_port(), password=TEST_PASSWORD, heap="512m", pagecache="128m"
        )
        self.server = Neo4jServer(self.local.uri, "neo4j", TEST_PASSWORD, local=self.local)

    def start(self) -> float:
        """Start it (on the same data folder after a kill); the seconds it took to answer Bolt."""
        started = time.monotonic()
        self.local.start()
        return time.monotonic() - started

    def kill(self) -> float:
        """SIGKILL, as the OOM killer would; the monotonic time of the kill."""
        pid = self.local.pid()
        assert pid is not None, "Neo4j is not running"
        killed_at = time.monotonic()
        os.kill(pid, signal.SIGKILL)
        _reap(pid)
        while self.local.pid() is not None:  # a server started by another process: wait it out
            time.sleep(0.05)
        return killed_at

    def driver(self) -> Driver:
        return GraphDatabase.driver(
            self.local.uri, auth=("neo4j", TEST_PASSWORD), notifications_min_severity="OFF"
        )

    def env(self) -> dict[str, str]:
        """What points the service, the loader and the launcher (`--bulk`) at this server."""
        return {
            **self.server.env(),
            "NEO4J_BOLT_PORT": str(self.local.bolt_port),
            "NEO4J_LOCAL_HOME": str(self.home),
            "NEO4J_HEAP": self.local.heap,
            "NEO4J_PAGECACHE": self.local.pagecache,
        }

    def close(self) -> None:
        self.local.stop()
        shutil.rmtree(self.home, ignore_errors=True)


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return int(response.status) == 200
    except OSError:
        return False


# `python -m service` exactly (runpy is what -m runs), under a command line of its own: a
# `pkill -f "python -m service"` elsewhere on the machine must not stop the suite's API mid-case
# (seen on a shared machine), nor a kill here stop anyone else's.
RUN_SERVICE = "import runpy; runpy.run_module('service', run_name='__main__', alter_sys=True)"


class ApiServer:
    """The API process on a fixed port, so a restarted API is where its clients expect it."""

    def __init__(self, neo4j: FaultNeo4j, log: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            **neo4j.server.env(),
            "API_HOST": "127.0.0.1",
            "API_PORT": str(self.port),
            # Thousands of requests a minute from one address and one key: no limits here.
            "API_RATE_LIMIT_ANONYMOUS": "0",
            "API_RATE_LIMIT_KEYED": "0",
        }
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None
        # Exit codes of API processes that ended without this harness asking: another process
        # stopping `python -m service` by name would otherwise read as the API failing.
        self.unexpected_exits: list[int] = []

    def start(self) -> float:
        started = time.monotonic()
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-c", RUN_SERVICE],
                cwd=REPO_ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        # Polled every 20 ms (tests.support's wait polls every 200 ms): when the API is back is a
        # figure this suite reports.
        deadline = time.monotonic() + 30
        while not _answers(f"{self.url}/healthz"):
            if self.process.poll() is not None:
                raise RuntimeError(f"the API exited with {self.process.returncode}; see {self.log}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"the API did not answer /healthz within 30 s; see {self.log}")
            time.sleep(0.02)
        return time.monotonic() - started

    def _note_exit(self) -> bool:
        """True while the process runs; records an exit nobody here asked for."""
        if self.process is None:
            return False
        code = self.process.poll()
        if code is not None and code not in self.unexpected_exits:
            self.unexpected_exits.append(code)
        return code is None

    def kill(self) -> float:
        killed_at = time.monotonic()
        if self._note_exit():
            assert self.process is not None
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=30)
        return killed_at

    def stop(self) -> None:
        if self._note_exit():
            assert self.process is not None
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=30)

    def errors_logged(self) -> list[str]:
        """Lines of the API's log that show an unexpected error (a traceback or INTERNAL)."""
        text = self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""
        return [
            line
            for line in text.splitlines()
            if "Traceback" in line or '"INTERNAL"' in line or "unexpected error" in line
        ]


# -- one request, as a client sees it --------------------------------------------------------------


@dataclass(frozen=True)
class Reply:
    started: float
    finished: float
    sent: bool  # a connection was made and the request written
    status: int | None  # None: no HTTP answer came back
    body: dict[str, Any] | None  # None: no answer, or not a JSON object
    transport: str | None  # the transport error, when there was one

    @property
    def ms(self) -> float:
        return (self.finished - self.started) * 1000


def post_graphql(
    url: str, query: str, variables: Mapping[str, Any], key: str | None = None, timeout: float = 30.0
) -> Reply:
    """One POST on a fresh connection, so a failure to connect (never sent) is told apart from a
    failure after the request went out (sent, outcome unknown)."""
    parts = urlsplit(url)
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if key is not None:
        headers["Authorization"] = f"Bearer {key}"
    payload = json.dumps({"query": query, "variables": dict(variables)}).encode()
    started = time.monotonic()
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=timeout)
    try:
        try:
            connection.connect()
        except OSError as error:
            return Reply(started, time.monotonic(), False, None, None, type(error).__name__)
        try:
            connection.request("POST", "/graphql", body=payload, headers=headers)
            response = connection.getresponse()
            status, raw = response.status, response.read()
        except (OSError, http.client.HTTPException) as error:
            return Reply(started, time.monotonic(), True, None, None, type(error).__name__)
    finally:
        connection.close()
    finished = time.monotonic()
    try:
        body = json.loads(raw)
    except ValueError:
        return Reply(started, finished, True, status, None, "non-JSON body")
    return Reply(started, finished, True, status, body if isinstance(body, dict) else None, None)


# -- writers ---------------------------------------------------------------------------------------


class Outcome(StrEnum):
    ACKED = "acked"
    REJECTED = "rejected"
    FAILED = "failed"
    UNSENT = "unsent"
    AMBIGUOUS = "ambiguous"


@dataclass
class WriteRecord:
    """One mutation field of one request, and what its client was told."""

    kind: str  # "source" or "company" (creates) or "update" (a company's description)
    entity_id: str
    token: str  # unique per write: found again in the graph by the checker
    writer: int
    started: float
    finished: float
    outcome: Outcome
    code: str | None = None  # error code, union member or transport error when not acked
    http_status: int | None = None
    version: int | None = None  # Written.version
    created: bool | None = None  # Written.created
    expected_version: int | None = None
    source_id: str | None = None  # for companies: the source they cite


RESULT = (
    "{ __typename ... on Written { id version created } ... on Conflict { currentVersion } "
    "... on ValidationError { message } ... on NotFound { message } }"
)
CREATE_PAIR = (
    "mutation FaultPair($source: SourceInput!, $company: CompanyInput!) { "
    f'source: upsertSource(input: $source, expectedVersion: 0, reason: "fault suite") {RESULT} '
    f'company: upsertCompany(input: $company, expectedVersion: 0, reason: "fault suite") {RESULT} }}'
)
UPDATE = (
    "mutation FaultUpdate($company: CompanyInput!, $expected: Int!) { "
    "company: upsertCompany(input: $company, expectedVersion: $expected, "
    f'reason: "fault suite update") {RESULT} }}'
)


def source_url(token: str) -> str:
    return f"https://faults.example/{token}"


def company_name(token: str) -> str:
    return f"Fault Co {token}"


def quote_of(token: str) -> str:
    return f"Fault suite quote {token}."


NO_DATA = "NO_DATA"  # the field had no value and no error of its own: `data` was null
# Error codes by which the API says a write may or may not have been made: ambiguous, not failed.
OUTCOME_UNKNOWN = frozenset({"WRITE_OUTCOME_UNKNOWN"})


def _field_outcome(reply: Reply, alias: str) -> tuple[Outcome, str | None, dict[str, Any]]:
    """How one mutation field of a reply ended: (outcome, code, the union member's map)."""
    if not reply.sent:
        return Outcome.UNSENT, reply.transport, {}
    if reply.body is None:
        code = reply.transport if reply.status is None else f"HTTP {reply.status}: {reply.transport}"
        return Outcome.AMBIGUOUS, code, {}
    errors = reply.body.get("errors") or []
    data = reply.body.get("data") or {}
    value = data.get(alias) if isinstance(data, dict) else None
    if not isinstance(value, dict):
        codes = [
            e.get("extensions", {}).get("code") for e in errors if (e.get("path") or [alias])[0] == alias
        ]
        code = str(codes[0] if codes else NO_DATA)
        return (Outcome.AMBIGUOUS if code in OUTCOME_UNKNOWN else Outcome.FAILED), code, {}
    if value.get("__typename") == "Written":
        return Outcome.ACKED, None, value
    return Outcome.REJECTED, str(value.get("__typename")), value


class Writers:
    """N threads that each loop: create a Source and a Company citing it (one request, two
    fields, `expectedVersion: 0`), and every fourth attempt update one of its own companies
    with `expectedVersion` set to the version it last saw."""

    def __init__(self, url: str, key: str, count: int, prefix: str, backoff: float = 0.05) -> None:
        self.url, self.key, self.prefix, self.backoff = url, key, prefix, backoff
        self.records: list[WriteRecord] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads = [
            threading.Thread(target=self._run, args=(n,), name=f"fault-writer-{n}", daemon=True)
            for n in range(count)
        ]

    def start(self) -> "Writers":
        for thread in self._threads:
            thread.start()
        return self

    def stop(self) -> list[WriteRecord]:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=60)
        assert not any(t.is_alive() for t in self._threads), "a writer hung past its request timeout"
        return self.records

    def acked_since(self, moment: float) -> bool:
        with self._lock:
            return any(r.outcome is Outcome.ACKED and r.started >= moment for r in self.records)

    def _keep(self, *records: WriteRecord) -> None:
        with self._lock:
            self.records.extend(records)

    def _run(self, writer: int) -> None:
        rng = random.Random(writer)
        known: dict[str, int] = {}  # this writer's companies: the version it last saw
        attempt = 0
        while not self._stop.is_set():
            attempt += 1
            token = f"{self.prefix}w{writer}-{attempt}"
            if known and attempt % 4 == 0:
                ok = self._update(writer, token, known, rng.choice(sorted(known)))
            else:
                ok = self._create(writer, token, known)
            if not ok:
                # A real client backs off; spinning would also starve the restarting server.
                self._stop.wait(self.backoff)

    def _create(self, writer: int, token: str, known: dict[str, int]) -> bool:
        source_id, company_id = f"{token}-src", f"{token}-co"
        variables = {
            "source": {"id": source_id, "url": source_url(token), "publisher": "Fault suite", "tier": "B"},
            "company": {
                "id": company_id,
                "name": company_name(token),
                "country": "US",
                "evidence": [{"source": source_id, "quote": quote_of(token)}],
            },
        }
        reply = post_graphql(self.url, CREATE_PAIR, variables, self.key)
        records = []
        for alias, kind, entity_id in (("source", "source", source_id), ("company", "company", company_id)):
            outcome, code, value = _field_outcome(reply, alias)
            records.append(
                WriteRecord(
                    kind,
                    entity_id,
                    token,
                    writer,
                    reply.started,
                    reply.finished,
                    outcome,
                    code,
                    reply.status,
                    value.get("version"),
                    value.get("created"),
                    0,
                    source_id if kind == "company" else None,
                )
            )
        self._keep(*records)
        company = records[1]
        if company.outcome is Outcome.ACKED and company.version is not None:
            known[company_id] = company.version
        return all(r.outcome is Outcome.ACKED for r in records)

    def _update(self, writer: int, token: str, known: dict[str, int], company_id: str) -> bool:
        expected = known[company_id]
        variables = {"company": {"id": company_id, "description": token}, "expected": expected}
        reply = post_graphql(self.url, UPDATE, variables, self.key)
        outcome, code, value = _field_outcome(reply, "company")
        record = WriteRecord(
            "update",
            company_id,
            token,
            writer,
            reply.started,
            reply.finished,
            outcome,
            code,
            reply.status,
            value.get("version"),
            value.get("created"),
            expected,
        )
        self._keep(record)
        if outcome is Outcome.ACKED and record.version is not None:
            known[company_id] = record.version
        elif value.get("currentVersion") is not None:
            # A Conflict after an ambiguous update: that update did land. Carry on from there.
            known[company_id] = int(value["currentVersion"])
        return outcome is Outcome.ACKED


@dataclass(frozen=True)
class ReadRecord:
    started: float
    finished: float
    ok: bool
    code: str | None
    http_status: int | None


STATS = "query FaultProbe { stats { companies sources } }"


class Reader:
    """One thread reading all the time, as a dashboard would: when reads work again after a kill,
    and what they answered meanwhile."""

    def __init__(self, url: str, interval: float = 0.05) -> None:
        self.url, self.interval = url, interval
        self.records: list[ReadRecord] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="fault-reader", daemon=True)

    def start(self) -> "Reader":
        self._thread.start()
        return self

    def stop(self) -> list[ReadRecord]:
        self._stop.set()
        self._thread.join(timeout=60)
        return self.records

    def ok_since(self, moment: float) -> bool:
        return any(r.ok and r.started >= moment for r in list(self.records))

    def _run(self) -> None:
        while not self._stop.is_set():
            reply = post_graphql(self.url, STATS, {})
            ok = (
                reply.body is not None and not reply.body.get("errors") and reply.body.get("data") is not None
            )
            code: str | None = None
            if not ok:
                errors = (reply.body or {}).get("errors") or []
                code = str(errors[0].get("extensions", {}).get("code")) if errors else reply.transport
            self.records.append(ReadRecord(reply.started, reply.finished, ok, code, reply.status))
            self._stop.wait(self.interval)


FOLLOW = "subscription Follow($after: Int) { changes(afterSeq: $after) { seq } }"


class Follower:
    """A service following the change feed over SSE, as docs/changes.md tells it to: on any
    failure (the API killed, Neo4j away) it reconnects and resumes after the last seq it got."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.seqs: list[int] = []
        self.reconnects = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="fault-follower", daemon=True)

    def start(self) -> "Follower":
        self._thread.start()
        return self

    def stop(self) -> list[int]:
        self._stop.set()
        self._thread.join(timeout=60)
        return self.seqs

    def caught_up(self, last: int, timeout: float = 30.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.seqs and self.seqs[-1] >= last:
                return True
            time.sleep(0.1)
        return last == 0

    def _run(self) -> None:
        while not self._stop.is_set():
            connection = http.client.HTTPConnection(self.host, self.port, timeout=5)
            try:
                after = self.seqs[-1] if self.seqs else 0
                body = json.dumps({"query": FOLLOW, "variables": {"after": after}})
                headers = {"Content-Type": "application/json", "Accept": "text/event-stream"}
                connection.request("POST", "/graphql", body, headers)
                response = connection.getresponse()
                if response.status != 200:
                    response.read()
                    raise ConnectionError(f"HTTP {response.status}")
                while not self._stop.is_set():
                    line = response.fp.readline()
                    if not line:
                        raise ConnectionError("stream ended")
                    if line.startswith(b"data: "):
                        data = json.loads(line[6:]).get("data")
                        if data:  # an error event (Neo4j away) carries none: the stream goes on
                            self.seqs.append(int(data["changes"]["seq"]))
            except (OSError, http.client.HTTPException, ValueError):
                self.reconnects += 1
                self._stop.wait(0.2)
            finally:
                connection.close()


def feed_seqs(driver: Driver) -> list[int]:
    """Every committed change's seq, in order."""
    found, _, _ = driver.execute_query("MATCH (c:Change) RETURN c.seq AS seq ORDER BY seq", database_="neo4j")
    return [int(r["seq"]) for r in found]


def wait_for_bolt(neo4j: FaultNeo4j, timeout: float = 180.0) -> float:
    """Poll `RETURN 1` on the database every 50 ms: the monotonic time Neo4j answered again."""
    deadline = time.monotonic() + timeout
    with GraphDatabase.driver(
        neo4j.local.uri, auth=("neo4j", TEST_PASSWORD), connection_timeout=1.0
    ) as driver:
        while time.monotonic() < deadline:
            try:
                with driver.session(database="neo4j") as session:
                    session.run("RETURN $one AS one", one=1).consume()
                return time.monotonic()
            except (DriverError, Neo4jError, OSError):
                time.sleep(0.05)
    raise TimeoutError(f"Neo4j did not answer on {neo4j.local.uri} within {timeout:.0f}s")


def warm_up(url: str, key: str) -> None:
    """One write and one read before the clock starts: a cold API and a cold query cache take
    seconds over their first write, which is not what a kill in steady state should measure."""
    token = f"warmup-{time.monotonic_ns()}"
    variables = {
        "source": {"id": f"{token}-src", "url": source_url(token), "publisher": "Fault suite", "tier": "B"},
        "company": {
            "id": f"{token}-co",
            "name": company_name(token),
            "evidence": [{"source": f"{token}-src", "quote": quote_of(token)}],
        },
    }
    for query, values, sender in ((CREATE_PAIR, variables, key), (STATS, {}, None)):
        reply = post_graphql(url, query, values, sender, timeout=60)
        assert reply.body is not None and not reply.body.get("errors"), reply


def editor_key(neo4j: FaultNeo4j) -> str:
    with neo4j.driver() as driver:
        return api_key(driver, "fault-writer", Role.EDITOR)


def fresh_graph(neo4j: FaultNeo4j) -> None:
    """An empty graph with the schema: what each case starts from."""
    with neo4j.driver() as driver:
        with driver.session() as session:
            # CALL ... IN TRANSACTIONS needs an auto-commit transaction, hence session.run.
            session.run(
                "MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF $rows ROWS", rows=5000
            ).consume()
        apply_constraints(driver, "neo4j")


# -- the kills' recovery -----------------------------------------------------------------------------


@dataclass
class Cycle:
    """One kill: when it happened, when the killed part was back, and the first read and write
    that worked after it."""

    killed_at: float
    back_at: float = 0.0  # Neo4j answers Bolt again, or the API answers /healthz
    restart_s: float = 0.0  # the restart call, as the launcher or the API process measured it
    first_read_at: float | None = None
    first_write_at: float | None = None

    def locate(self, reads: list[ReadRecord], writes: list[WriteRecord]) -> None:
        ok_reads = [r.finished for r in reads if r.ok and r.started >= self.killed_at]
        acked = [w.finished for w in writes if w.outcome is Outcome.ACKED and w.started >= self.killed_at]
        self.first_read_at = min(ok_reads, default=None)
        self.first_write_at = min(acked, default=None)

    def summary(self, origin: float) -> dict[str, float | None]:
        def since_back(moment: float | None) -> float | None:
            return None if moment is None else round((moment - self.back_at) * 1000, 1)

        return {
            "killed_at_s": round(self.killed_at - origin, 2),
            "back_at_s": round(self.back_at - origin, 2),
            "kill_to_back_ms": round((self.back_at - self.killed_at) * 1000, 1),
            "restart_s": round(self.restart_s, 2),
            "back_to_first_read_ms": since_back(self.first_read_at),
            "back_to_first_write_ms": since_back(self.first_write_at),
        }


# -- the checker -----------------------------------------------------------------------------------


@dataclass
class Verdict:
    """What the graph holds against what clients were told."""

    lost: list[str] = field(default_factory=list)  # acked, not in the graph as acked
    half_written: list[str] = field(default_factory=list)  # in the graph, but incomplete
    failed_but_written: list[str] = field(default_factory=list)  # told failed/rejected, yet there
    unsent_but_written: list[str] = field(default_factory=list)
    untruthful_acks: list[str] = field(default_factory=list)  # Written with the wrong version/created
    invariants: list[str] = field(default_factory=list)  # whole-graph rules broken
    ambiguous_written: int = 0
    ambiguous_absent: int = 0


ENTITIES = """
UNWIND $ids AS wanted
OPTIONAL MATCH (n:Entity {id: wanted})
RETURN wanted AS id, n IS NOT NULL AS present, labels(n) AS labels, n.version AS version,
       n.content_hash AS hash, n.origin AS origin, n.url AS url, n.name AS name,
       CASE WHEN n IS NULL THEN [] ELSE
         [(n)-[r:SOURCED_BY]->(s:Source) | {source: s.id, quote: r.quote}] END AS evidence,
       CASE WHEN n IS NULL THEN [] ELSE
         [(n)-[:HAS_CHANGE]->(c:Change) | {version: c.version, action: c.action, after: c.after}] END
         AS changes
"""
# Rules for the whole graph, whatever the clients were told: each query returns offending ids.
INVARIANTS = {
    "an id claimed but never finished": (
        "MATCH (n) WHERE n.claimed IS NOT NULL RETURN n.id AS id LIMIT $limit"
    ),
    "an :Entity without its kind label": (
        "MATCH (n:Entity) WHERE size(labels(n)) < $labels RETURN n.id AS id LIMIT $limit"
    ),
    "a Change no entity holds": (
        "MATCH (c:Change) WHERE NOT ()-[:HAS_CHANGE]->(c) RETURN c.id AS id LIMIT $limit"
    ),
    "a node left under :Staged": "MATCH (n:Staged) RETURN n.id AS id LIMIT $limit",
    "a Company with no SOURCED_BY": (
        "MATCH (n:Company) WHERE NOT (n)-[:SOURCED_BY]->(:Source) RETURN n.id AS id LIMIT $limit"
    ),
}
UNSENT_IDS = "MATCH (n) WHERE n.id STARTS WITH $prefix AND NOT n:Change RETURN n.id AS id"


def _batches(items: list[str], size: int = 2000) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _after(change: Mapping[str, Any]) -> dict[str, Any]:
    text = change.get("after")
    return json.loads(text) if isinstance(text, str) else {}


def _complete_create(record: WriteRecord, row: Mapping[str, Any]) -> list[str]:
    """What is missing from a created entity (empty when it is whole)."""
    problems = []
    label = "Source" if record.kind == "source" else "Company"
    if label not in row["labels"]:
        problems.append(f"no :{label} label")
    if not row["hash"] or row["origin"] != "api":
        problems.append("no content_hash or origin")
    versions = sorted(int(c["version"]) for c in row["changes"])
    if not row["version"] or versions != list(range(1, int(row["version"]) + 1)):
        problems.append(f"version {row['version']} with history {versions}")
    first = [c for c in row["changes"] if c["version"] == 1]
    if not first or first[0]["action"] != "upsert":
        problems.append("no history entry for its creation")
    if record.kind == "source":
        if row["url"] != source_url(record.token):
            problems.append(f"url {row['url']!r}")
        if first and _after(first[0]).get("url") != source_url(record.token):
            problems.append("history entry without the url")
    else:
        if row["name"] != company_name(record.token):
            problems.append(f"name {row['name']!r}")
        cited = {(e["source"], e["quote"]) for e in row["evidence"]}
        if (record.source_id, quote_of(record.token)) not in cited:
            problems.append(f"evidence {sorted(cited)} lacks its source and quote")
    return problems


def _why_told_failed(record: WriteRecord) -> str:
    """The two ways seen of answering a committed write as failed."""
    if record.code == NO_DATA:
        return "committed, but `data` was null: another mutation field's error erased its Written"
    if record.code == "SERVICE_UNAVAILABLE":
        return "committed, but answered SERVICE_UNAVAILABLE (the commit's reply was lost?)"
    return f"committed, but answered {record.code}"


def check_writes(driver: Driver, records: list[WriteRecord], prefix: str) -> Verdict:
    """Read the graph directly and hold every record to it."""
    verdict = Verdict()
    ids = sorted({r.entity_id for r in records})
    rows: dict[str, dict[str, Any]] = {}
    for batch in _batches(ids):
        found, _, _ = driver.execute_query(ENTITIES, ids=batch, database_="neo4j")
        rows.update({r["id"]: r.data() for r in found})
    for record in records:
        row = rows[record.entity_id]
        what = f"{record.kind} {record.entity_id} ({record.outcome}, {record.code})"
        if record.kind == "update":
            _check_update(verdict, record, row, what)
            continue
        problems = _complete_create(record, row) if row["present"] else []
        if row["present"] and problems:
            verdict.half_written.append(f"{what}: {'; '.join(problems)}")
        elif record.outcome is Outcome.ACKED:
            if not row["present"]:
                verdict.lost.append(what)
            elif record.version != 1 or record.created is not True:
                verdict.untruthful_acks.append(f"{what}: version {record.version}, created {record.created}")
        elif record.outcome is Outcome.AMBIGUOUS:
            if row["present"]:
                verdict.ambiguous_written += 1
            else:
                verdict.ambiguous_absent += 1
        elif row["present"] and record.outcome is Outcome.UNSENT:
            verdict.unsent_but_written.append(what)
        elif row["present"]:
            verdict.failed_but_written.append(f"{what}: {_why_told_failed(record)}")
    for name, statement in INVARIANTS.items():
        found, _, _ = driver.execute_query(statement, limit=20, labels=2, database_="neo4j")
        verdict.invariants.extend(f"{name}: {r['id']}" for r in found)
    sent = set(ids)
    found, _, _ = driver.execute_query(UNSENT_IDS, prefix=prefix, database_="neo4j")
    verdict.invariants.extend(f"an entity no client sent: {r['id']}" for r in found if r["id"] not in sent)
    return verdict


def _check_update(verdict: Verdict, record: WriteRecord, row: Mapping[str, Any], what: str) -> None:
    landed = [c for c in row["changes"] if _after(c).get("description") == record.token]
    if len(landed) > 1:
        verdict.half_written.append(f"{what}: applied {len(landed)} times")
    if record.outcome is Outcome.ACKED:
        if not landed:
            verdict.lost.append(what)
        elif landed[0]["version"] != record.version or record.created is not False:
            verdict.untruthful_acks.append(
                f"{what}: answered version {record.version}, history has it at {landed[0]['version']}"
            )
        elif (record.expected_version or 0) + 1 != record.version:
            verdict.untruthful_acks.append(
                f"{what}: expected {record.expected_version}, got {record.version}"
            )
    elif record.outcome is Outcome.AMBIGUOUS:
        if landed:
            verdict.ambiguous_written += 1
        else:
            verdict.ambiguous_absent += 1
    elif landed and record.outcome is Outcome.UNSENT:
        verdict.unsent_but_written.append(what)
    elif landed:
        verdict.failed_but_written.append(
            f"{what}: {_why_told_failed(record)}; in the history at version {landed[0]['version']}"
        )


# -- results ---------------------------------------------------------------------------------------


@dataclass
class CaseResult:
    """One case's figures, as printed and as written to .faults/results.json."""

    case: str
    seconds: float
    attempts: int
    acked: int
    failed: int  # failed + rejected + unsent: the client was told it did not happen
    ambiguous: int
    lost: int
    half_written: int
    failed_but_written: int = 0  # told it failed, yet committed: untruthful answers
    recovery: list[dict[str, float | None]] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)

    def brief(self) -> str:
        """One line for stdout; every figure is in the JSON."""
        keep = ("outcomes", "codes", "http_statuses", "ambiguous_written", "write_latency_ms", "reads")
        shown = {k: v for k, v in self.details.items() if k in keep}
        if "cycles" in self.details:
            shown["cycles"] = [
                {k: c[k] for k in ("fraction", "exit", "after_kill", "final", "rerun_exit")}
                for c in self.details["cycles"]
            ]
        return f"{shown} recovery={self.recovery}"

    def recovery_text(self) -> str:
        if not self.recovery:
            return "-"
        parts = []
        for cycle in self.recovery:
            read, write = cycle.get("back_to_first_read_ms"), cycle.get("back_to_first_write_ms")
            if read is None and write is None:
                parts.append(f"{cycle.get('rerun_ms', '-')}")
            else:
                parts.append(f"{read}/{write}")
        return " ".join(parts)


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    if len(values) == 1:
        return round(values[0], 1)
    return round(statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1], 1)


def write_case(
    case: str,
    started: float,
    records: list[WriteRecord],
    reads: list[ReadRecord],
    verdict: Verdict,
    cycles: list[Cycle],
    extra: Mapping[str, Any] | None = None,
) -> CaseResult:
    """The figures of a writers' case (`started`: its monotonic start, the origin of `at_s`)."""
    seconds = time.monotonic() - started
    outcomes = Counter(r.outcome.value for r in records)
    codes = Counter(f"{r.outcome.value}:{r.code}" for r in records if r.outcome is not Outcome.ACKED)
    statuses = Counter(str(r.http_status) for r in records)
    latencies = [(r.finished - r.started) * 1000 for r in records]
    details: dict[str, Any] = {
        "profile": PROFILE.name,
        "writers": PROFILE.writers,
        "outcomes": dict(outcomes),
        "codes": dict(codes),
        "http_statuses": dict(statuses),
        "by_kind": dict(Counter(f"{r.kind}:{r.outcome.value}" for r in records)),
        "ambiguous_written": verdict.ambiguous_written,
        "ambiguous_absent": verdict.ambiguous_absent,
        "failed_but_written": verdict.failed_but_written,
        "unsent_but_written": verdict.unsent_but_written,
        "untruthful_acks": verdict.untruthful_acks,
        "invariants": verdict.invariants,
        "lost": verdict.lost,
        "half_written": verdict.half_written,
        "write_latency_ms": {
            "p50": _percentile(latencies, 50),
            "p99": _percentile(latencies, 99),
            "max": round(max(latencies, default=0.0), 1),
        },
        # Where the long waits were: each against the kills' and returns' `at_s` in "recovery".
        "slowest_writes": [
            {
                "kind": r.kind,
                "outcome": r.outcome.value,
                "code": r.code,
                "at_s": round(r.started - started, 2),
                "ms": round((r.finished - r.started) * 1000),
            }
            for r in sorted(records, key=lambda r: r.started - r.finished)[:8]
        ],
        "reads": {
            "ok": sum(r.ok for r in reads),
            "failed": dict(Counter(f"{r.http_status}:{r.code}" for r in reads if not r.ok)),
            "max_ms": round(max(((r.finished - r.started) * 1000 for r in reads), default=0.0), 1),
        },
        **(extra or {}),
    }
    return CaseResult(
        case=case,
        seconds=round(seconds, 1),
        attempts=len(records),
        acked=outcomes[Outcome.ACKED.value],
        failed=outcomes[Outcome.FAILED.value]
        + outcomes[Outcome.REJECTED.value]
        + outcomes[Outcome.UNSENT.value],
        ambiguous=outcomes[Outcome.AMBIGUOUS.value],
        lost=len(verdict.lost),
        half_written=len(verdict.half_written),
        failed_but_written=len(verdict.failed_but_written),
        recovery=[c.summary(started) for c in cycles],
        details=details,
    )


def table(results: list[CaseResult]) -> str:
    header = (
        "case",
        "attempts",
        "acked",
        "failed",
        "ambiguous",
        "lost",
        "half",
        "failed+written",
        "recovery ms",
        "s",
    )
    rows = [
        (
            r.case,
            str(r.attempts),
            str(r.acked),
            str(r.failed),
            str(r.ambiguous),
            str(r.lost),
            str(r.half_written),
            str(r.failed_but_written),
            r.recovery_text(),
            f"{r.seconds:.1f}",
        )
        for r in results
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        for row in [header, *rows]
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def publish(results: list[CaseResult], path: Path = RESULTS_FILE) -> None:
    """Print the table and write every figure as JSON."""
    if not results:
        return
    print(
        "\nfault suite ("
        + PROFILE.name
        + "; recovery: read/write ms after the killed part was back, or the loader's rerun ms)"
    )
    print(table(results), flush=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {
        "profile": PROFILE.name,
        "written_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "cases": [asdict(r) for r in results],
    }
    path.write_text(json.dumps(document, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(f"[faults] wrote {path}", flush=True)


# -- the loader ------------------------------------------------------------------------------------

GraphState = tuple[list[Any], list[Any]]
# The change feed's bookkeeping (:Change, :Sequence) is left out: it records when, so two equal
# loads differ there (a curated load's events are in its own transaction; a bulk load's summary
# event comes after the import, with the schema).
VISIBLE_NODES = (
    "MATCH (n) WHERE NOT n:Staged AND NOT n:ApiKey AND NOT n:Change AND NOT n:Sequence "
    "RETURN labels(n) AS labels, properties(n) AS props SKIP $skip"
)
VISIBLE_RELS = (
    "MATCH (a)-[r]->(b) WHERE NOT a:Staged AND NOT b:Staged AND NOT b:Change "
    "RETURN type(r) AS type, a.id AS a, b.id AS b, properties(r) AS props SKIP $skip"
)
COUNTS = (
    "MATCH (n) WHERE NOT n:Staged AND NOT n:Change AND NOT n:Sequence WITH count(n) AS nodes "
    "OPTIONAL MATCH (a)-[r]->(b) WHERE NOT a:Staged AND NOT b:Staged AND NOT b:Change "
    "RETURN nodes, count(r) AS relationships"
)
STAGED = "MATCH (n:Staged) RETURN count(n) AS staged"


def visible_state(driver: Driver) -> GraphState:
    """Every node and relationship a query can see (not :Staged ones), sorted: two loads are
    equal when these are."""
    nodes, _, _ = driver.execute_query(VISIBLE_NODES, skip=0, database_="neo4j")
    rels, _, _ = driver.execute_query(VISIBLE_RELS, skip=0, database_="neo4j")
    # When things were recorded (transaction time) differs between two equal loads.
    return (
        sorted((sorted(r["labels"]), timeless(r["props"])) for r in nodes),
        sorted((r["type"], r["a"], r["b"], timeless(r["props"])) for r in rels),
    )


def counts(driver: Driver) -> dict[str, int]:
    found, _, _ = driver.execute_query(COUNTS, database_="neo4j")
    staged, _, _ = driver.execute_query(STAGED, database_="neo4j")
    return {
        "nodes": int(found[0]["nodes"]),
        "relationships": int(found[0]["relationships"]),
        "staged": int(staged[0]["staged"]),
    }


SCHEMA = "SHOW CONSTRAINTS YIELD name WHERE name <> $none RETURN collect(name) AS names"
INDEXES = "SHOW INDEXES YIELD name WHERE name <> $none RETURN collect(name) AS names"


def schema_names(driver: Driver) -> list[str]:
    """The constraints and indexes: a load is not complete without the schema the API needs."""
    constraints, _, _ = driver.execute_query(SCHEMA, none="", database_="neo4j")
    indexes, _, _ = driver.execute_query(INDEXES, none="", database_="neo4j")
    return sorted({*constraints[0]["names"], *indexes[0]["names"]})


OPEN_TRANSACTIONS = (
    "SHOW TRANSACTIONS YIELD transactionId, currentQuery "
    "WHERE NOT currentQuery STARTS WITH $show RETURN transactionId AS id, currentQuery AS query"
)
# The loader's data statements all take one of these parameters (rows to write, ids to delete,
# a staged load to publish); its constraint statements and its reads before writing do not.
LOADER_WRITES = ("$rows", "$ids", "$load_id")


class TransactionWatch:
    """What the server runs for other clients (a loader), polled every 20 ms."""

    def __init__(self, neo4j: FaultNeo4j) -> None:
        self.driver = GraphDatabase.driver(
            neo4j.local.uri, auth=("neo4j", TEST_PASSWORD), connection_timeout=1.0
        )

    def open(self) -> dict[str, str] | None:
        """Open transactions: id -> the statement running ("" between statements); None when
        the server does not answer."""
        try:
            with self.driver.session(database="neo4j") as session:
                found = session.run(OPEN_TRANSACTIONS, show="SHOW TRANSACTIONS")
                return {record["id"]: record["query"] for record in found}
        except (DriverError, Neo4jError, OSError):
            return None

    def writing(self) -> bool:
        return any(any(mark in query for mark in LOADER_WRITES) for query in (self.open() or {}).values())

    def wait_for_writes(self, process: "subprocess.Popen[bytes]", timeout: float = 120.0) -> float | None:
        """When (monotonic) the loader was first seen writing; None if it ended first."""
        deadline = time.monotonic() + timeout
        while process.poll() is None and time.monotonic() < deadline:
            if self.writing():
                return time.monotonic()
            time.sleep(0.02)
        return None

    def close(self) -> None:
        self.driver.close()


class LoaderRun:
    """`python -m seed ARGS` as an operator runs it, pointed at the suite's server. Its output
    goes to a file: a pipe nobody reads while the load runs could fill and stall it."""

    def __init__(self, neo4j: FaultNeo4j, *args: str) -> None:
        env = {**os.environ, **neo4j.env()}
        env.pop("SUPPLYGRAPH_SEED_PAUSE", None)  # the suite kills at real moments, not at the hook
        handle, name = tempfile.mkstemp(prefix="supplygraph-faults-seed-", suffix=".log")
        os.close(handle)
        self.log = Path(name)
        self.started = time.monotonic()
        with self.log.open("wb") as out:  # the child keeps its own descriptor
            self.process = subprocess.Popen(
                [sys.executable, "-m", "seed", *args],
                cwd=REPO_ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    def wait(self, timeout: float = 600) -> tuple[int, float, str]:
        """(exit code, seconds since the start, its output)."""
        code = self.process.wait(timeout=timeout)
        seconds = time.monotonic() - self.started
        output = self.log.read_text(encoding="utf-8", errors="replace")
        self.log.unlink(missing_ok=True)
        return code, seconds, output


def run_loader(neo4j: FaultNeo4j, *args: str, timeout: float = 600) -> tuple[int, float, str]:
    """Run the loader to its end: (exit code, seconds, its output)."""
    return LoaderRun(neo4j, *args).wait(timeout)


def alive(pid: int) -> bool:
    """True while `pid` runs (a zombie, dead but not reaped, counts as ended)."""
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def children_of(pid: int) -> list[int]:
    """Pids whose parent is `pid` (from /proc): what a killed loader leaves running."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, IndexError, ValueError):
            stat = (entry / "stat").read_text()
            # The command name may hold spaces: the parent pid is the 2nd field after ')'.
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def cmdline(pid: int) -> str:
    with contextlib.suppress(OSError):
        return (
            (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        )
    return ""
