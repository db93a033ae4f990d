"""`make bench`: our API against @neo4j/graphql and against hand-written Cypher, in one run.

    python -m bench.compare [--smoke] [--companies 100000] [--seconds 10] [--soak 300] [--out DIR]

One fresh local Neo4j (with APOC) holds the synthetic graph and the curated seed; the three
contenders read it in turn. Before anything is timed, every query's answer from each contender
is reduced to its canonical form (`cases.py`) and compared; a difference stops the run. Then for
each query and contender: warm-up, latency at concurrency 1, throughput at 16 and 64, peak RSS;
ours also reports its own p50 from /metrics. Last, a soak of ours on the mixed set. Results go to
latest.json, latest.md and latest.png. Nothing here asserts a time: the numbers are for people.
"""

import argparse
import asyncio
import json
import os
import platform
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from neo4j import AsyncGraphDatabase
from prometheus_client.parser import text_string_to_metric_families

from bench.compare import report
from bench.compare.cases import (
    CASES,
    DEEP_PAGE,
    FULL,
    PERSISTED,
    SMOKE,
    Case,
    Scale,
    floor_end_cursor,
    manifest,
    operation_name,
    ours_end_cursor,
    params_for,
    persisted_id,
)
from bench.compare.load import LoadResult, require_wrk, wrk_run
from bench.compare.peer_queries import PEER, peer_end_cursor
from bench.compare.servers import (
    DATABASE,
    PASSWORD,
    PEER_DIR,
    REPO_ROOT,
    PeakRss,
    Server,
    graph_size,
    install_peer,
    load_data,
    log,
    start_neo4j,
    start_ours,
    start_peer,
    tree_rss_mb,
)
from neo4j_local import LocalNeo4j

LEVELS = (1, 16, 64)
SMOKE_CASES = ("point", "nested", "nested_dated", "entities_10")  # quick, list-heavy, dated, federated


class AnswerMismatch(Exception):
    pass


def _post(url: str, document: str, variables: dict[str, Any]) -> Any:
    body = json.dumps({"query": document, "variables": variables}).encode()
    request = urllib.request.Request(url, body, {"content-type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        payload = json.loads(response.read())
    if payload.get("errors"):
        raise AnswerMismatch(f"{url}: errors {payload['errors']}")
    return payload["data"]


def _body(document: str, variables: dict[str, Any], name: str | None = None) -> bytes:
    return json.dumps({"query": document, "variables": variables, "operationName": name}).encode()


def _persisted_body(document: str, variables: dict[str, Any]) -> bytes:
    """The request as Apollo Client's persisted-queries link sends it once the hash is known."""
    extensions = {"persistedQuery": {"version": 1, "sha256Hash": persisted_id(document)}}
    return json.dumps(
        {"operationName": operation_name(document), "variables": variables, "extensions": extensions}
    ).encode()


class Run:
    def __init__(self, args: argparse.Namespace, scale: Scale, local: LocalNeo4j) -> None:
        self.args, self.scale, self.local = args, scale, local
        self.ours: Server | None = None
        self.peer: Server | None = None
        # Per case: each contender's parameters, after walking pages for the deep page.
        self.params: dict[str, dict[str, dict[str, Any]]] = {}

    # -- answers ---------------------------------------------------------------------------------

    async def prepare_and_check(self) -> None:
        async with AsyncGraphDatabase.driver(self.local.uri, auth=("neo4j", PASSWORD)) as driver:
            for case in CASES:
                base = params_for(case, self.scale)
                params = {"floor": dict(base), "ours": dict(base), "peer": dict(base)}
                if case is DEEP_PAGE:
                    await self._walk_pages(driver, case, params)
                answers = {
                    "floor": case.floor_canonical(await self._floor_records(driver, case, params["floor"])),
                    "ours": case.ours_canonical(self._ours_data(case, params["ours"])),
                }
                if self.peer is not None:
                    answers["peer"] = PEER[case.name].canonical(self._peer_data(case, params["peer"]))
                reference = answers["ours"]
                for contender, answer in answers.items():
                    if answer != reference:
                        raise AnswerMismatch(
                            f"{case.name}: {contender} differs from ours\n"
                            f"  ours: {json.dumps(reference)[:1500]}\n"
                            f"  {contender}: {json.dumps(answer)[:1500]}"
                        )
                size = len(json.dumps(reference))
                log(f"answers agree: {case.name} ({size:,} bytes canonical)")
                self.params[case.name] = params

    async def _walk_pages(self, driver: Any, case: Case, params: dict[str, dict[str, Any]]) -> None:
        for _ in range(self.scale.deep_page - 1):
            params["floor"]["after"] = floor_end_cursor(
                await self._floor_records(driver, case, params["floor"])
            )
            params["ours"]["after"] = ours_end_cursor(self._ours_data(case, params["ours"]))
            if self.peer is not None:
                params["peer"]["after"] = peer_end_cursor(self._peer_data(case, params["peer"]))

    async def _floor_records(self, driver: Any, case: Case, params: dict[str, Any]) -> list[dict[str, Any]]:
        records, _, _ = await driver.execute_query(case.floor, case.floor_params(params), database_=DATABASE)
        return [r.data() for r in records]

    def _ours_data(self, case: Case, params: dict[str, Any]) -> Any:
        assert self.ours is not None
        return _post(self.ours.url, case.ours, case.ours_variables(params))

    def _peer_data(self, case: Case, params: dict[str, Any]) -> Any:
        assert self.peer is not None
        request = PEER[case.name]
        return _post(self.peer.url, request.document, request.variables(params))

    # -- timing ----------------------------------------------------------------------------------

    def time_cases(self) -> list[dict[str, Any]]:
        results = []
        for case in [c for c in CASES if c.name in self.args.cases]:
            runs: dict[str, Any] = {"floor": self._time_floor(case)}
            runs["ours"] = self._time_http(case, "ours")
            if self.peer is not None:
                runs["peer"] = self._time_http(case, "peer")
            entry: dict[str, Any] = {"name": case.name, "title": case.title, "contenders": runs}
            if case.name in PERSISTED:
                entry["persisted"] = self._time_http(case, "ours", persisted=True)
            entry["ratios"] = report.ratios(entry)
            entry["missed"] = report.goals(entry)
            log(f"{case.name}: " + ", ".join(f"{k} {v}" for k, v in entry["ratios"].items()))
            results.append(entry)
        return results

    def _time_floor(self, case: Case) -> dict[str, Any]:
        job = {
            "uri": self.local.uri,
            "password": PASSWORD,
            "database": DATABASE,
            "cypher": case.floor,
            "params": case.floor_params(self.params[case.name]["floor"]),
            "levels": LEVELS,
            "seconds": self.args.seconds,
            "warmup": self.args.warmup,
        }
        process = subprocess.Popen(
            [sys.executable, "-m", "bench.compare.floor"],
            cwd=REPO_ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        with PeakRss(process.pid) as peak:
            out_bytes, _ = process.communicate(json.dumps(job).encode())
        if process.returncode != 0:
            raise RuntimeError(f"the floor's load process failed ({process.returncode})")
        results = json.loads(out_bytes)
        out: dict[str, Any] = {f"c{level}": result for level, result in zip(LEVELS, results, strict=True)}
        out["rss_mb"] = peak.peak
        log(f"{case.name} floor: p50 {out['c1']['p50_ms']:.2f} ms, {out['c64']['rps']:.0f} req/s at 64")
        return out

    def _time_http(self, case: Case, contender: str, persisted: bool = False) -> dict[str, Any]:
        server = self.ours if contender == "ours" else self.peer
        assert server is not None
        params = self.params[case.name][contender]
        if persisted:
            body = _persisted_body(case.ours, case.ours_variables(params))
            _check_persisted(server.url, body)
        elif contender == "ours":
            body = _body(case.ours, case.ours_variables(params))
        else:
            request = PEER[case.name]
            body = _body(request.document, request.variables(params))
        wrk_run(server.url, [body], 4, self.args.warmup)
        out: dict[str, Any] = {}
        with PeakRss(server.process.pid) as peak:
            for level in LEVELS:
                before = self._histogram() if contender == "ours" and level == 1 else None
                result = wrk_run(server.url, [body], level, self.args.seconds)
                out[f"c{level}"] = result.as_dict()
                if before is not None:
                    out.update(_server_side(before, self._histogram(), _operation(case.ours)))
        out["rss_mb"] = peak.peak
        log(
            f"{case.name} {contender}{' persisted' if persisted else ''}: p50 {out['c1']['p50_ms']:.2f} ms, "
            f"{out['c16']['rps']:.0f} / {out['c64']['rps']:.0f} req/s at 16 / 64"
        )
        return out

    def _histogram(self) -> dict[tuple[str, str, float], float]:
        assert self.ours is not None
        url = self.ours.url.removesuffix("/graphql") + "/metrics"
        with urllib.request.urlopen(url, timeout=10) as response:
            text = response.read().decode()
        buckets: dict[tuple[str, str, float], float] = {}
        for family in text_string_to_metric_families(text):
            if family.name != "supplygraph_graphql_request_seconds":
                continue
            for sample in family.samples:
                if sample.name.endswith("_bucket"):
                    labels = sample.labels
                    key = (labels["operation"], labels["path"], float(labels["le"]))
                    buckets[key] = buckets.get(key, 0.0) + sample.value
        return buckets

    def soak(self) -> dict[str, Any]:
        assert self.ours is not None
        bodies = [
            _body(case.ours, case.ours_variables(self.params[case.name]["ours"]))
            for case in CASES
            if case.name != "supply_chain" or self.args.soak_all
        ]
        pid = self.ours.process.pid
        start = tree_rss_mb(pid)
        log(f"soak: ours, {self.args.soak:.0f} s at concurrency 64 over {len(bodies)} queries")
        with PeakRss(pid) as peak:
            result: LoadResult = wrk_run(self.ours.url, bodies, 64, self.args.soak)
        end = tree_rss_mb(pid)
        return {
            **result.as_dict(),
            "rss_start_mb": start,
            "rss_end_mb": end,
            "rss_peak_mb": peak.peak,
            "queries": len(bodies),
        }


def _operation(document: str) -> str:
    return operation_name(document)


def _check_persisted(url: str, body: bytes) -> None:
    """The hash alone must be answered (every worker planned the manifest), not refused."""
    request = urllib.request.Request(url, body, {"content-type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        payload = json.loads(response.read())
    if payload.get("errors") or "data" not in payload:
        raise AnswerMismatch(f"{url}: the persisted request was refused: {payload.get('errors')}")


def _server_side(
    before: dict[tuple[str, str, float], float], after: dict[tuple[str, str, float], float], operation: str
) -> dict[str, Any]:
    """The server's own p50 over the run (linear within a histogram bucket), and the share of its
    requests it answered rather than refused."""
    per_path: dict[str, float] = {}
    cumulative: dict[float, float] = {}
    for key, value in after.items():
        name, path, le = key
        if name != operation:
            continue
        delta = value - before.get(key, 0.0)
        cumulative[le] = cumulative.get(le, 0.0) + delta
        if le == float("inf"):
            per_path[path] = per_path.get(path, 0.0) + delta
    total = cumulative.get(float("inf"), 0.0)
    if not total:
        return {"server_p50_ms": None, "answered_share": None}
    target, lower, below = total / 2, 0.0, 0.0
    p50 = 0.0
    for le in sorted(cumulative):
        count = cumulative[le]
        if count >= target:
            upper = le if le != float("inf") else lower
            share = (target - below) / (count - below) if count > below else 0.0
            p50 = lower + (upper - lower) * share
            break
        lower, below = le, count
    return {
        "server_p50_ms": round(p50 * 1000, 3),
        "answered_share": round(per_path.get("query", 0) / total, 3),
    }


def _versions(local: LocalNeo4j) -> dict[str, str]:
    peer_package = PEER_DIR / "node_modules" / "@neo4j" / "graphql" / "package.json"
    node = subprocess.run(["node", "--version"], capture_output=True, text=True, check=False).stdout.strip()
    return {
        "neo4j": local.version,
        "peer": json.loads(peer_package.read_text())["version"] if peer_package.exists() else "n/a",
        "node": node.lstrip("v") or "n/a",
        "python": platform.python_version(),
    }


def _machine() -> str:
    memory = next(
        (int(line.split()[1]) // 1024 // 1024 for line in Path("/proc/meminfo").read_text().splitlines()
         if line.startswith("MemTotal")),
        0,
    )  # fmt: skip
    return f"{os.cpu_count()} cores, {memory} GiB RAM, {platform.system()} {platform.machine()}"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.compare", description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="tiny graph, 1 s runs: checks the harness")
    parser.add_argument("--companies", type=int, default=FULL.companies, help="synthetic companies")
    parser.add_argument("--seed", type=int, default=42, help="random seed of the synthetic graph")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each timed run")
    parser.add_argument("--warmup", type=float, default=3.0, help="warm-up before each query's runs")
    parser.add_argument("--soak", type=float, default=300.0, help="soak length in seconds (0: none)")
    parser.add_argument("--soak-all", action="store_true", help="include the supply chain in the soak")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn workers for ours")
    parser.add_argument("--no-peer", action="store_true", help="leave @neo4j/graphql out")
    parser.add_argument(
        "--cases",
        type=lambda text: text.split(","),
        default=None,
        help=f"comma-separated queries to time (default: all; --smoke: {','.join(SMOKE_CASES)}); "
        "every query's answers are checked either way",
    )
    parser.add_argument("--out", default=str(REPO_ROOT / "bench" / "results"), help="folder for the results")
    parser.add_argument(
        "--work", default=str(REPO_ROOT / ".bench"), help="scratch folder (Neo4j, data, logs)"
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.smoke:
        scale = SMOKE
        args.seconds, args.warmup, args.soak = (
            min(args.seconds, 1.0),
            min(args.warmup, 1.0),
            min(args.soak, 2.0),
        )
        args.cases = args.cases or list(SMOKE_CASES)
    else:
        scale = (
            Scale(args.companies, FULL.deep_page, FULL.search_text, FULL.suppliers_over)
            if args.companies != FULL.companies
            else FULL
        )
    args.cases = args.cases or [c.name for c in CASES]
    unknown = set(args.cases) - {c.name for c in CASES}
    if unknown:
        raise SystemExit(f"unknown cases: {', '.join(sorted(unknown))}")
    require_wrk()
    if not args.no_peer:
        install_peer()
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    log(f"starting Neo4j with APOC in {work / 'neo4j'}")
    local = start_neo4j(work)
    run = Run(args, scale, local)
    try:
        log(f"loading {scale.companies:,} synthetic companies and the curated seed")
        timings = load_data(local, work, scale.companies, args.seed, bulk=not args.smoke)
        size = graph_size(local)
        log(f"graph: {size['nodes']:,} nodes, {size['relationships']:,} relationships")
        persisted = work / "persisted-query-manifest.json"
        persisted.write_text(json.dumps(manifest([c for c in CASES if c.name in PERSISTED]), indent=2))
        run.ours = start_ours(local, work, args.workers, persisted)
        if not args.no_peer:
            run.peer = start_peer(local, work)
        try:
            asyncio.run(run.prepare_and_check())
        except AnswerMismatch as error:
            print(f"[bench] the contenders disagree, nothing timed:\n{error}", file=sys.stderr)
            return 1
        cases = run.time_cases()
        soak = run.soak() if args.soak > 0 else None
        results = {
            "run": {
                "finished": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
                "machine": _machine(),
                "smoke": args.smoke,
                "seed": args.seed,
                "graph": size,
                "load_seconds": {k: round(v, 1) for k, v in timings.items()},
                "workers": args.workers,
                "seconds": args.seconds,
                "warmup": args.warmup,
                "versions": _versions(local),
                "wall_seconds": round(time.perf_counter() - started, 1),
            },
            "cases": cases,
            "soak": soak,
        }
        for path in report.write(results, Path(args.out)):
            log(f"wrote {path}")
        missed = [c["name"] for c in cases if c["missed"]]
        log("goals met for every query" if not missed else f"goals missed: {', '.join(missed)}")
        return 0
    finally:
        for server in (run.ours, run.peer):
            if server is not None:
                server.stop()
        local.stop()


if __name__ == "__main__":
    sys.exit(main())
