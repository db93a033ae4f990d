"""The comparison's results as JSON (everything), Markdown (the tables) and a PNG chart."""

import json
from pathlib import Path
from typing import Any

CONTENDERS = ("floor", "ours", "peer")
COLOURS = {"floor": "#9e9e9e", "ours": "#1f77b4", "peer": "#ff7f0e"}
P50_GOAL_PEER, RPS_GOAL_PEER, P50_GOAL_FLOOR = 1.0, 1.0, 1.5
DATED, DATED_GOAL = "_dated", 2.0  # a dated case is named after its undated twin


def ratios(case: dict[str, Any]) -> dict[str, float | None]:
    """ours/peer and ours/floor from one run: latency (lower is better) and throughput (higher)."""
    runs = case["contenders"]

    def ratio(a: str, b: str, level: str, key: str) -> float | None:
        if a not in runs or b not in runs:
            return None
        low = runs[b][level][key]
        return round(runs[a][level][key] / low, 3) if low else None

    return {
        "ours_peer_p50": ratio("ours", "peer", "c1", "p50_ms"),
        "ours_peer_rps_c16": ratio("ours", "peer", "c16", "rps"),
        "ours_peer_rps_c64": ratio("ours", "peer", "c64", "rps"),
        "ours_floor_p50": ratio("ours", "floor", "c1", "p50_ms"),
    }


def goals(case: dict[str, Any]) -> list[str]:
    """The goals this case misses (empty: all met)."""
    r, missed = case["ratios"], []
    if r["ours_peer_p50"] is not None and r["ours_peer_p50"] > P50_GOAL_PEER:
        missed.append(f"p50 vs peer {r['ours_peer_p50']}")
    for level in ("c16", "c64"):
        value = r[f"ours_peer_rps_{level}"]
        if value is not None and value < RPS_GOAL_PEER:
            missed.append(f"throughput {level} vs peer {value}")
    if r["ours_floor_p50"] is not None and r["ours_floor_p50"] > P50_GOAL_FLOOR:
        missed.append(f"p50 vs floor {r['ours_floor_p50']}")
    return missed


def _ms(value: float) -> str:
    return f"{value:.2f}" if value < 10 else f"{value:.1f}"


def markdown(results: dict[str, Any]) -> str:
    run, cases = results["run"], results["cases"]
    present = [c for c in CONTENDERS if any(c in case["contenders"] for case in cases)]
    lines = [
        "# Supplygraph vs @neo4j/graphql vs hand-written Cypher",
        "",
        f"Run {run['finished']} on {run['machine']}. Graph: {run['graph']['nodes']:,} nodes, "
        f"{run['graph']['relationships']:,} relationships, {run['graph']['companies']:,} companies "
        f"(curated seed + synthetic, seed {run['seed']}). Neo4j {run['versions']['neo4j']} with APOC; "
        f"ours: `python -m service`, {run['workers']} workers; peer: @neo4j/graphql "
        f"{run['versions']['peer']} on Node.js {run['versions']['node']}; floor: the same data by "
        "hand-written Cypher on the Python async driver (round trip + decoding, no HTTP).",
        "",
        f"Each figure is one run of {run['seconds']:.0f} s per query, contender and concurrency, "
        f"after {run['warmup']:.0f} s of warm-up; load from wrk (one thread, Lua) for HTTP, asyncio "
        "tasks for the floor. Same answers from all three were checked before timing.",
        "",
        "## Latency at concurrency 1 (ms)",
        "",
        "| query | " + " | ".join(f"{c} p50 / p95 / p99" for c in present) + " | ours server p50 | "
        "ours/peer p50 | ours/floor p50 |",
        "|---|" + "---|" * (len(present) + 3),
    ]
    for case in cases:
        runs, r = case["contenders"], case["ratios"]
        cells = [
            " / ".join(_ms(runs[c]["c1"][k]) for k in ("p50_ms", "p95_ms", "p99_ms")) if c in runs else "—"
            for c in present
        ]
        server = runs.get("ours", {}).get("server_p50_ms")
        lines.append(
            f"| {case['name']} | " + " | ".join(cells) + f" | {_ms(server) if server else '—'} | "
            f"{r['ours_peer_p50'] or '—'} | {r['ours_floor_p50'] or '—'} |"
        )
    lines += [
        "",
        "## Throughput (requests/s)",
        "",
        "| query | "
        + " | ".join(f"{c} c16 / c64" for c in present)
        + " | ours/peer c16 | ours/peer c64 | errors |",
        "|---|" + "---|" * (len(present) + 3),
    ]
    for case in cases:
        runs, r = case["contenders"], case["ratios"]
        cells = [
            f"{runs[c]['c16']['rps']:.0f} / {runs[c]['c64']['rps']:.0f}" if c in runs else "—"
            for c in present
        ]
        errors = sum(runs[c][level]["errors"] for c in runs for level in ("c1", "c16", "c64"))
        lines.append(
            f"| {case['name']} | " + " | ".join(cells) + f" | {r['ours_peer_rps_c16'] or '—'} | "
            f"{r['ours_peer_rps_c64'] or '—'} | {errors} |"
        )
    lines += [
        "",
        "## Memory and the load generator",
        "",
        "| query | " + " | ".join(f"{c} peak RSS (MiB)" for c in present) + " | generator CPU, max (cores) |",
        "|---|" + "---|" * (len(present) + 1),
    ]
    for case in cases:
        runs = case["contenders"]
        cells = [f"{runs[c]['rss_mb']:.0f}" if c in runs else "—" for c in present]
        cpu = max(
            runs[c][level]["client_cpu"] for c in runs if c != "floor" for level in ("c1", "c16", "c64")
        )
        lines.append(f"| {case['name']} | " + " | ".join(cells) + f" | {cpu:.2f} |")
    lines += [
        "",
        "The floor has no server: its RSS is that of its load process (the Python driver and "
        "the asyncio tasks), and the generator CPU column counts only wrk.",
    ]
    lines += _persisted(cases)
    lines += _dated(cases)
    soak = results.get("soak")
    if soak:
        lines += [
            "",
            f"## Soak: ours, {soak['seconds']:.0f} s at concurrency {soak['connections']}, mixed queries",
            "",
            f"{soak['requests']:,} requests, {soak['rps']:.0f} req/s, {soak['errors']} errors; "
            f"p50 {_ms(soak['p50_ms'])} ms, p99 {_ms(soak['p99_ms'])} ms; RSS {soak['rss_start_mb']:.0f} MiB "
            f"at the start, {soak['rss_end_mb']:.0f} MiB at the end (peak {soak['rss_peak_mb']:.0f} MiB).",
        ]
    lines += ["", "## Goals", ""]
    lines.append(
        f"ours/peer ≤ {P50_GOAL_PEER} on p50 and ≥ {RPS_GOAL_PEER} on throughput; "
        f"ours/floor ≤ {P50_GOAL_FLOOR} on p50."
    )
    lines.append("")
    for case in cases:
        missed = case["missed"]
        lines.append(f"- {case['name']}: " + ("met" if not missed else "missed: " + "; ".join(missed)))
    lines.append("")
    return "\n".join(lines)


def persisted_ratio(case: dict[str, Any]) -> float | None:
    """Ours sent by hash alone over ours sent as text: p50 at concurrency 1 (lower is better)."""
    persisted, plain = case.get("persisted"), case["contenders"].get("ours")
    if not persisted or not plain or not plain["c1"]["p50_ms"]:
        return None
    return round(float(persisted["c1"]["p50_ms"]) / float(plain["c1"]["p50_ms"]), 3)


def _persisted(cases: list[dict[str, Any]]) -> list[str]:
    """Each query sent by its hash alone beside the same query sent as text."""
    timed = [c for c in cases if c.get("persisted") and "ours" in c["contenders"]]
    if not timed:
        return []
    lines = [
        "",
        "## Persisted operations: the same query by hash alone (`extensions.persistedQuery`) vs as text",
        "",
        "| query | p50 as text | p50 by hash | by hash/as text | server p50 as text / by hash | "
        "req/s c64 as text / by hash |",
        "|---|---|---|---|---|---|",
    ]
    for case in timed:
        plain, persisted = case["contenders"]["ours"], case["persisted"]
        servers = " / ".join(
            _ms(r["server_p50_ms"]) if r.get("server_p50_ms") else "—" for r in (plain, persisted)
        )
        lines.append(
            f"| {case['name']} | {_ms(plain['c1']['p50_ms'])} | {_ms(persisted['c1']['p50_ms'])} | "
            f"{persisted_ratio(case)} | {servers} | "
            f"{plain['c64']['rps']:.0f} / {persisted['c64']['rps']:.0f} |"
        )
    return lines


def _dated(cases: list[dict[str, Any]]) -> list[str]:
    """Each dated query beside its undated twin: what `asOf` costs (goal: within 2x)."""
    by_name = {case["name"]: case for case in cases}
    pairs = [(by_name[n.removesuffix(DATED)], by_name[n]) for n in by_name if n.endswith(DATED)]
    pairs = [(plain, dated) for plain, dated in pairs if "ours" in plain["contenders"]]
    if not pairs:
        return []
    lines = [
        "",
        f"## Valid time: dated (`asOf`) vs undated, p50 at concurrency 1 (goal: ≤ {DATED_GOAL}x)",
        "",
        "| query | ours undated | ours dated | dated/undated | peer dated | floor dated |",
        "|---|---|---|---|---|---|",
    ]
    for plain, dated in pairs:
        ours = plain["contenders"]["ours"]["c1"]["p50_ms"]
        ours_dated = dated["contenders"]["ours"]["c1"]["p50_ms"]
        others = [
            _ms(dated["contenders"][c]["c1"]["p50_ms"]) if c in dated["contenders"] else "—"
            for c in ("peer", "floor")
        ]
        lines.append(
            f"| {plain['name']} | {_ms(ours)} | {_ms(ours_dated)} | {ours_dated / ours:.2f} | "
            + " | ".join(others)
            + " |"
        )
    return lines


def chart(results: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    cases = results["cases"]
    names = [c["name"] for c in cases]
    present = [c for c in CONTENDERS if any(c in case["contenders"] for case in cases)]
    panels = [("p50 latency, concurrency 1 (ms, lower is better)", "c1", "p50_ms")] + [
        (f"throughput, concurrency {n} (req/s, higher is better)", f"c{n}", "rps") for n in (16, 64)
    ]
    figure, axes = plt.subplots(len(panels), 1, figsize=(11, 11), constrained_layout=True)
    width = 0.8 / len(present)
    for axis, (title, level, key) in zip(axes, panels, strict=True):
        for index, contender in enumerate(present):
            values = [c["contenders"].get(contender, {}).get(level, {}).get(key, 0) for c in cases]
            positions = [i + (index - (len(present) - 1) / 2) * width for i in range(len(cases))]
            axis.bar(positions, values, width, label=contender, color=COLOURS[contender])
        axis.set_title(title)
        axis.set_xticks(range(len(cases)), names)
        if key == "p50_ms":
            axis.set_yscale("log")
        axis.grid(axis="y", alpha=0.3)
        axis.legend()
    figure.suptitle(f"Supplygraph vs @neo4j/graphql vs hand-written Cypher ({results['run']['finished']})")
    figure.savefig(path, dpi=110)
    plt.close(figure)


def write(results: dict[str, Any], out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / "latest.json", out / "latest.md", out / "latest.png"]
    paths[0].write_text(json.dumps(results, indent=2) + "\n")
    paths[1].write_text(markdown(results))
    chart(results, paths[2])
    return paths
