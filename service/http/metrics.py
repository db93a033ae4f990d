"""What the server measures about itself: Prometheus metrics and one log line per request.

With several uvicorn workers each process counts on its own, so `python -m service` points
PROMETHEUS_MULTIPROC_DIR at a fresh folder and /metrics adds up every worker's files.
"""

import logging
import os
import re
import sys
from dataclasses import dataclass, field

import orjson
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)

# 0.1 ms steps around 1 ms, where most requests fall, so the server-side p50 can be read off them.
LATENCY_BUCKETS = tuple(
    ms / 1000
    for ms in (
        0.25, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.3, 1.4, 1.5, 1.75, 2.0, 2.5, 3.0, 3.5, 4.0, 5.0, 6.0,
        7.0, 8.0, 10.0, 12.5, 15.0, 20.0, 25.0, 30.0, 40.0, 50.0, 75.0, 100.0, 150.0, 250.0, 500.0, 1000.0,
        2500.0, 5000.0, 10000.0, 30000.0,
    )
)  # fmt: skip
MAX_OPERATION_NAMES = 200  # distinct labels per process; later names count as "other"
_NAME = re.compile(r"^[_A-Za-z][_0-9A-Za-z]{0,63}$")

REQUEST_SECONDS = Histogram(
    "supplygraph_graphql_request_seconds",
    "Time from receiving a GraphQL request to its response, by operation name and kind.",
    ["operation", "path"],
    buckets=LATENCY_BUCKETS,
)
STATEMENTS = Counter(
    "supplygraph_cypher_statements",
    "Cypher statements run for GraphQL requests.",
    ["operation"],
)
ERRORS = Counter("supplygraph_graphql_errors", "Errors returned to clients, by extensions.code.", ["code"])

request_log = logging.getLogger("supplygraph.request")


@dataclass
class RequestRecord:
    """What one /graphql request did; filled while it runs, reported when it ends."""

    operation: str = "anonymous"
    path: str = "query"  # "query", "mutation", or "rejected" (refused before any GraphQL ran)
    statements: int = 0
    error_codes: list[str] = field(default_factory=list)
    http_status: int = 200


class OperationLabels:
    """Operation names as metric labels, capped so clients cannot grow the label set forever."""

    def __init__(self) -> None:
        self.seen: set[str] = set()

    def __call__(self, name: str | None) -> str:
        if not name:
            return "anonymous"
        if not _NAME.match(name):
            return "other"
        if name not in self.seen:
            if len(self.seen) >= MAX_OPERATION_NAMES:
                return "other"
            self.seen.add(name)
        return name


def observe(record: RequestRecord, seconds: float, log_requests: bool) -> None:
    REQUEST_SECONDS.labels(record.operation, record.path).observe(seconds)
    if record.statements:
        STATEMENTS.labels(record.operation).inc(record.statements)
    for code in record.error_codes:
        ERRORS.labels(code).inc()
    if record.http_status >= 400 and not record.error_codes:
        ERRORS.labels(f"HTTP_{record.http_status}").inc()
    if log_requests:
        ok = record.http_status < 400 and not record.error_codes
        line = {
            "event": "graphql",
            "operation": record.operation,
            "path": record.path,
            "duration_ms": round(seconds * 1000, 3),
            "statements": record.statements,
            "status": "ok" if ok else "error",
            "http_status": record.http_status,
        }
        if record.error_codes:
            line["errors"] = record.error_codes
        request_log.info(orjson.dumps(line).decode())


def configure_request_log() -> None:
    """One JSON line per request on stderr (uvicorn configures only its own loggers)."""
    if not any(getattr(h, "_supplygraph", False) for h in request_log.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        handler._supplygraph = True  # type: ignore[attr-defined]
        request_log.addHandler(handler)
    request_log.setLevel(logging.INFO)
    request_log.propagate = False


def exposition() -> tuple[bytes, str]:
    """The metrics text of this process, or of every worker's files in multi-process mode."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
