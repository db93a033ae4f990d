"""kill -9 under load: of Neo4j and of the API while writers write, and of the loader mid-load.

Each case runs against a Neo4j of the suite's own (never the run's shared server) and ends by
reading the graph directly: every acknowledged write must be there, whole, with its history;
nothing may be half-written. The smoke profile (the normal test run) kills each part once with
few writers; `FAULTS_FULL=1` (make faults) runs more writers, several kills per case and every
load mode. Figures go to stdout and to .faults/results.json.
"""

import random
import secrets
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pytest

from tests.faults.harness import (
    PROFILE,
    ApiServer,
    CaseResult,
    Cycle,
    FaultNeo4j,
    Follower,
    GraphState,
    LoaderRun,
    Reader,
    ReadRecord,
    TransactionWatch,
    Verdict,
    WriteRecord,
    Writers,
    alive,
    check_writes,
    children_of,
    cmdline,
    counts,
    editor_key,
    feed_seqs,
    fresh_graph,
    publish,
    run_loader,
    schema_names,
    visible_state,
    wait_for_bolt,
    warm_up,
    write_case,
)
from tests.support import REPO_ROOT

RNG_SEED = 20251126
KILL_JITTER = 0.5  # kills land at settle_s x [1 - jitter, 1 + jitter]: different moments each cycle
RECOVERY_LIMIT_S = 120  # a restart after which no write works for this long is a failure


@pytest.fixture(scope="module")
def results() -> Iterator[list[CaseResult]]:
    collected: list[CaseResult] = []
    yield collected
    publish(collected)


@pytest.fixture(scope="module")
def neo4j() -> Iterator[FaultNeo4j]:
    server = FaultNeo4j()
    try:
        server.start()
        yield server
    finally:
        server.close()


def _assert_truthful(verdict: Verdict, records: list[WriteRecord], cycles: list[Cycle]) -> None:
    assert not verdict.lost, f"acknowledged writes missing from the graph: {verdict.lost[:10]}"
    assert not verdict.half_written, f"half-written entities: {verdict.half_written[:10]}"
    assert not verdict.unsent_but_written, verdict.unsent_but_written[:10]
    assert not verdict.untruthful_acks, verdict.untruthful_acks[:10]
    assert not verdict.invariants, verdict.invariants[:10]
    for cycle in cycles:
        assert cycle.first_read_at is not None, "no read worked after the kill"
        assert cycle.first_write_at is not None, "no write worked after the kill"
    internal = [r for r in records if r.code is not None and ("INTERNAL" in r.code or "HTTP 5" in r.code)]
    assert not internal, f"unexpected errors: {internal[:5]}"
    # A committed write is never answered as failed: a lost commit reply is WRITE_OUTCOME_UNKNOWN
    # and a sibling mutation field's error nulls only that field (mutation fields are nullable).
    assert not verdict.failed_but_written, verdict.failed_but_written[:6]


# One kill and the restart a supervisor would do at once.
KillRestart = Callable[[FaultNeo4j, ApiServer], Cycle]


def kill_neo4j(neo4j: FaultNeo4j, api: ApiServer) -> Cycle:
    cycle = Cycle(neo4j.kill())
    back: list[float] = []
    # The launcher's own wait polls every 0.5 s; a probe of our own times Bolt's return to 50 ms.
    probe = threading.Thread(target=lambda: back.append(wait_for_bolt(neo4j)), daemon=True)
    probe.start()
    cycle.restart_s = neo4j.start()
    probe.join(timeout=200)
    cycle.back_at = back[0] if back else time.monotonic()
    return cycle


def kill_api(neo4j: FaultNeo4j, api: ApiServer) -> Cycle:
    cycle = Cycle(api.kill())
    cycle.restart_s = api.start()
    cycle.back_at = time.monotonic()  # /healthz answers
    return cycle


def _run_writers(
    neo4j: FaultNeo4j, tmp_path: Path, kill_and_restart: KillRestart
) -> tuple[
    list[WriteRecord], list[ReadRecord], list[Cycle], Verdict, float, list[str], tuple[list[int], list[int]]
]:
    """Writers and a reader against a fresh graph; `kill_and_restart` runs PROFILE.cycles times.
    Returns what they saw, the graph's verdict, the monotonic start and the API's log troubles."""
    fresh_graph(neo4j)
    key = editor_key(neo4j)
    api = ApiServer(neo4j, tmp_path / "api.log")
    api.start()
    warm_up(api.url, key)
    prefix = f"f{secrets.token_hex(3)}-"
    rng = random.Random(RNG_SEED)
    cycles: list[Cycle] = []
    started = time.monotonic()
    follower = Follower(api.url).start()
    writers = Writers(api.url, key, PROFILE.writers, prefix).start()
    reader = Reader(api.url).start()
    try:
        time.sleep(PROFILE.warmup_s)
        for _ in range(PROFILE.cycles):
            cycle = kill_and_restart(neo4j, api)
            cycles.append(cycle)
            # Settle only once writes and reads work again, so the next kill (or the end) never
            # lands before the recovery this case measures.
            deadline = time.monotonic() + RECOVERY_LIMIT_S
            while not (writers.acked_since(cycle.killed_at) and reader.ok_since(cycle.killed_at)):
                assert time.monotonic() < deadline, (
                    f"no write and read worked {RECOVERY_LIMIT_S}s after the restart"
                )
                time.sleep(0.05)
            time.sleep(PROFILE.settle_s * rng.uniform(1 - KILL_JITTER, 1 + KILL_JITTER))
    finally:
        records = writers.stop()
        reads = reader.stop()
        with neo4j.driver() as driver:
            committed = feed_seqs(driver)
        follower.caught_up(committed[-1] if committed else 0)
        followed = follower.stop()
        api.stop()
    for cycle in cycles:
        cycle.locate(reads, records)
    with neo4j.driver() as driver:
        verdict = check_writes(driver, records, prefix)
    logged = [*api.errors_logged(), *(f"API exited on its own with {c}" for c in api.unexpected_exits)]
    return records, reads, cycles, verdict, started, logged, (committed, followed)


@pytest.mark.parametrize(
    ("case", "kill"), [("neo4j kill -9", kill_neo4j), ("api kill -9", kill_api)], ids=["neo4j", "api"]
)
def test_kill_under_concurrent_writers(
    neo4j: FaultNeo4j, results: list[CaseResult], tmp_path: Path, case: str, kill: KillRestart
) -> None:
    records, reads, cycles, verdict, started, logged, (committed, followed) = _run_writers(
        neo4j, tmp_path, kill
    )
    result = write_case(case, started, records, reads, verdict, cycles, {"api_log_errors": logged[:20]})
    results.append(result)
    print(f"\n[faults] {case}: {result.brief()}", flush=True)
    assert not [line for line in logged if "exited on its own" in line], (
        f"{logged}: something else stopped the API (another `python -m service` being stopped by name?)"
    )
    assert result.acked > 0
    _assert_truthful(verdict, records, cycles)
    # A follower of the feed that resumed after each failure got every committed change once,
    # in order, whatever was killed (docs/changes.md).
    assert committed == list(range(1, len(committed) + 1)), "the sequence has a gap"
    assert followed == committed, f"followed {len(followed)} of {len(committed)} changes"


# -- the loader ------------------------------------------------------------------------------------


def _load_args(mode: str, data: Path | None) -> list[str]:
    if mode == "curated":
        return []  # `python -m seed`: constraints, then the curated data, as make seed runs it
    assert data is not None
    return ["load", "--data", str(data), f"--{mode}", "--origin", "synthetic"]


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path | None:
    """Generated data for the staged and bulk loads (None when the profile runs neither)."""
    if not PROFILE.synthetic_companies:
        return None
    out = tmp_path_factory.mktemp("synthetic")
    made = subprocess.run(
        [
            sys.executable,
            "-m",
            "seed",
            "synth",
            "--companies",
            str(PROFILE.synthetic_companies),
            "--out",
            str(out),
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert made.returncode == 0, made.stderr
    return out


@dataclass(frozen=True)
class LoadTiming:
    """A clean load's course, to aim kills at the moments that matter."""

    seconds: float  # process start to exit
    write_window: float  # its first data statement to its exit: writing, committing, publishing


def _timed_load(neo4j: FaultNeo4j, args: list[str], mode: str) -> LoadTiming:
    watch = TransactionWatch(neo4j)
    try:
        run = LoaderRun(neo4j, *args)
        # A bulk load runs no data statement (it imports offline): only its whole time counts.
        first = None if mode == "bulk" else watch.wait_for_writes(run.process, timeout=600)
        code, seconds, output = run.wait()
    finally:
        watch.close()
    assert code == 0, output
    return LoadTiming(seconds, run.started + seconds - (first or run.started))


@dataclass
class LoadCycle:
    """One killed load and what an operator found and did afterwards."""

    fraction: float
    killed_after_s: float
    exit: int | None
    running_at_kill: list[str] | None  # statements of the transactions open at the kill
    children_left: list[str]  # what the killed loader had started and left running
    orphan_importer_ran_s: float = 0.0
    server_left_down: bool = False
    csv_left_behind: list[str] = field(default_factory=list)
    after_kill: str = ""  # "before", "complete" or "partial"
    schema_after_kill: bool = False
    rerun_exit: int | None = None
    rerun_ms: float = 0.0
    final: str = ""  # "clean" once the rerun gave the clean load's graph and schema
    rerun_output: list[str] = field(default_factory=list)
    counts_after_rerun: dict[str, int] = field(default_factory=dict)
    schema_missing: list[str] = field(default_factory=list)


@pytest.mark.parametrize("mode", PROFILE.loader_modes)
def test_loader_killed_mid_load_then_rerun(
    neo4j: FaultNeo4j, results: list[CaseResult], synthetic: Path | None, mode: str
) -> None:
    args = _load_args(mode, synthetic)
    started = time.monotonic()
    fresh_graph(neo4j)
    with neo4j.driver() as driver:
        empty = visible_state(driver)
    code, cold_s, output = run_loader(neo4j, *args)
    assert code == 0, output
    with neo4j.driver() as driver:
        clean = Expected(empty, visible_state(driver), schema_names(driver))
        clean_counts = counts(driver)
    # A second clean load, warm like the killed ones will be, times where the writes happen.
    fresh_graph(neo4j)
    timing = _timed_load(neo4j, args, mode)
    with neo4j.driver() as driver:
        assert visible_state(driver) == clean.state, "two clean loads of the same files differ"
    fractions = PROFILE.bulk_fractions if mode == "bulk" else PROFILE.loader_fractions
    cycles = [_kill_one_load(neo4j, args, mode, fraction, timing, clean) for fraction in fractions]
    partial = [c for c in cycles if "partial" in (c.after_kill, c.final)]
    unfinished = [c for c in cycles if c.final != "clean"]
    result = CaseResult(
        case=f"loader kill -9 ({mode})",
        seconds=round(time.monotonic() - started, 1),
        attempts=len(cycles),
        acked=len(cycles) - len(unfinished),
        failed=sum(1 for c in cycles if c.after_kill == "before"),
        ambiguous=sum(1 for c in cycles if c.after_kill == "complete"),
        lost=len(unfinished),
        half_written=len(partial),
        recovery=[{"rerun_ms": c.rerun_ms} for c in cycles],
        details={
            "cold_load_s": round(cold_s, 2),
            "warm_load_s": round(timing.seconds, 2),
            "write_window_s": round(timing.write_window, 2),
            "clean_counts": clean_counts,
            "cycles": [asdict(c) for c in cycles],
        },
    )
    results.append(result)
    print(f"\n[faults] loader {mode}: {result.brief()}", flush=True)
    assert not partial, f"a killed load left a partial graph: {partial}"
    assert not unfinished, f"a rerun after a kill did not give the clean load's graph: {unfinished}"


@dataclass(frozen=True)
class Expected:
    before: GraphState  # the graph before any load
    state: GraphState  # after a clean load
    schema: list[str]


def _kill_one_load(
    neo4j: FaultNeo4j, args: list[str], mode: str, fraction: float, timing: LoadTiming, clean: Expected
) -> LoadCycle:
    """Start a load, kill it at `fraction` of the way, then do what an operator would: wait for
    what it left running, start the server if it is down, and run the same load again."""
    fresh_graph(neo4j)
    watch = TransactionWatch(neo4j)
    try:
        run = LoaderRun(neo4j, *args)
        if mode == "bulk":
            # The bulk path runs no transaction while it imports: aim by the clock instead.
            anchor, delay = run.started, fraction * timing.seconds
        else:
            anchor = watch.wait_for_writes(run.process) or time.monotonic()
            delay = fraction * timing.write_window
        time.sleep(max(0.0, anchor + delay - time.monotonic()))
        open_at_kill = watch.open()
        running = None if open_at_kill is None else [q[:80] for q in open_at_kill.values()]
        left = children_of(run.process.pid)
        run.process.send_signal(signal.SIGKILL)
        code, _, _ = run.wait(timeout=60)
    finally:
        watch.close()
    cycle = LoadCycle(
        fraction,
        round(delay, 2),
        code,
        running,
        [cmdline(pid)[:100] for pid in left if alive(pid)],
    )
    importers = [pid for pid in left if alive(pid) and "AdminTool" in cmdline(pid)]
    waited = time.monotonic()
    while any(alive(pid) for pid in importers) and time.monotonic() - waited < 300:
        time.sleep(0.1)
    cycle.orphan_importer_ran_s = round(time.monotonic() - waited, 1) if importers else 0.0
    cycle.server_left_down = neo4j.local.pid() is None
    cycle.csv_left_behind = sorted(p.name for p in (neo4j.home / "import").glob("bulk-*"))
    neo4j.start()  # a no-op wait when it is up: a bulk load killed while starting it leaves it starting
    cycle.after_kill, cycle.schema_after_kill = _compare(neo4j, clean)
    code, rerun_s, output = run_loader(neo4j, *args)
    cycle.rerun_exit, cycle.rerun_ms = code, round(rerun_s * 1000)
    final, schema_ok = _compare(neo4j, clean)
    cycle.final = "clean" if final == "complete" and schema_ok else final
    if cycle.final != "clean":
        cycle.rerun_output = output.strip().splitlines()[-3:]
        with neo4j.driver() as driver:
            cycle.counts_after_rerun = counts(driver)
            cycle.schema_missing = sorted(set(clean.schema) - set(schema_names(driver)))
    return cycle


def _compare(neo4j: FaultNeo4j, clean: Expected) -> tuple[str, bool]:
    """("before" | "complete" | "partial", whether the schema is whole)."""
    with neo4j.driver() as driver:
        state, schema = visible_state(driver), schema_names(driver)
    kind = "before" if state == clean.before else "complete" if state == clean.state else "partial"
    return kind, schema == clean.schema
