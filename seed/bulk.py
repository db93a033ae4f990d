"""Bulk load into an empty database through Neo4j's offline importer (`--bulk`).

For large initial loads (the synthetic benchmark graph) Cypher writes are bounded by
transaction overhead: about 10,000 relationships/s on a 2-core machine. Neo4j's own
`database import full` builds the store files directly, more than ten times faster. The price: it
only fills an empty database, and the server must be stopped while it runs. So this path:

1. validates every entry in one streaming pass, writing one CSV per label and per relationship
   type as it goes (memory stays flat; on any error the CSVs are deleted and nothing is touched);
2. checks that the database is empty and that it belongs to the local launcher's server;
3. stops that server, runs the importer, starts the server again, and applies the schema.

Queries see either the empty database or the whole import, never a part of it. A load killed on
the way (the server stopped, the importer half done, the schema not applied) leaves a marker in
the server's folder, `bulk-load.json`; the next `--bulk` run into that database sees it, stops an
importer still running from it, and imports again over whatever the killed one left (the
database was empty when it began), even with the server down.
"""

import csv
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO, Any

from neo4j import Driver, GraphDatabase

from neo4j_local import LauncherError, LocalNeo4j
from neo4j_local.jars import resolve_jars
from neo4j_local.server import find_java
from seed.loader import LoadReport
from seed.stream import StreamValidator
from seed.validate import InvalidData
from service.graph.changes import record_load_summary
from service.graph.constraints import apply_constraints
from service.graph.rows import LINK_SHAPES, Row, Rows, add_entry

ARRAY_DELIMITER = "\x1f"  # the ASCII unit separator: never inside a quote, unlike ';'


class BulkLoadError(Exception):
    """The bulk path cannot run here (not empty, not a local server) or the importer failed."""


def _type_of(value: Any) -> str | None:
    match value:
        case bool():
            return "boolean"
        case int():
            return "long"
        case float():
            return "double"
        case date():
            return "date"
        case list() if value:
            inner = _type_of(value[0])
            return f"{inner}[]" if inner else None
        case str():
            return "string"
    return None


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ARRAY_DELIMITER.join(_cell(item) for item in value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


@dataclass
class _CsvGroup:
    """Data rows of one label or type, and the header worked out from the values seen."""

    data_path: Path
    columns: list[str]
    handle: IO[str]
    writer: Any
    types: dict[str, str] = field(default_factory=dict)
    rows: int = 0
    untyped: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.untyped = set(self.columns)

    def write(self, row: Row) -> None:
        # The hot loop of a bulk load: type only the columns still untyped, and pass strings
        # through without a function call.
        for column in [c for c in self.untyped if row.get(c) is not None]:
            if kind := _type_of(row[column]):
                self.types[column] = kind
                self.untyped.discard(column)
        values = map(row.get, self.columns)
        self.writer.writerow([v if type(v) is str else _cell(v) for v in values])
        self.rows += 1


class _CsvWriter:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.nodes: dict[str, _CsvGroup] = {}
        self.links: dict[str, _CsvGroup] = {}

    def _group(self, groups: dict[str, _CsvGroup], name: str, columns: list[str]) -> _CsvGroup:
        if name not in groups:
            path = self.folder / f"{name}.csv"
            handle = path.open("w", encoding="utf-8", newline="")
            groups[name] = _CsvGroup(path, columns, handle, csv.writer(handle))
        return groups[name]

    def add(self, rows: Rows) -> None:
        for label, node_rows in rows.nodes.items():
            for row in node_rows:
                self._group(self.nodes, label, list(row)).write(row)
        for kind, link_rows in rows.links.items():
            shape = LINK_SHAPES[kind]
            columns = ["from", "to", *shape.props, *(["derived"] if shape.derived else [])]
            group = self._group(self.links, kind, columns)
            for row in link_rows:
                group.write({**row, "derived": True} if shape.derived else row)

    def close(self) -> list[str]:
        """Close the data files, write their headers; return the importer's file arguments."""
        arguments = []
        for label, group in self.nodes.items():
            group.handle.close()
            header = ["id:ID" if c == "id" else f"{c}:{group.types.get(c, 'string')}" for c in group.columns]
            arguments.append(f"--nodes=Entity:{label}={self._header(label, header)},{group.data_path}")
        for kind, group in self.links.items():
            group.handle.close()
            header = [":START_ID", ":END_ID"] + [
                f"{c}:{group.types.get(c, 'string')}" for c in group.columns[2:]
            ]
            arguments.append(f"--relationships={kind}={self._header(kind, header)},{group.data_path}")
        return arguments

    def _header(self, name: str, columns: list[str]) -> Path:
        path = self.folder / f"{name}.header.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerow(columns)
        return path

    def counts(self) -> tuple[int, int]:
        return sum(g.rows for g in self.nodes.values()), sum(g.rows for g in self.links.values())


def _is_empty(driver: Driver, database: str) -> bool:
    records, _, _ = driver.execute_query("MATCH (n) RETURN count(n) > 0 AS any", database_=database)
    return not records[0]["any"]


def _marker(server: LocalNeo4j) -> Path:
    return server.home / "bulk-load.json"


def interrupted(server: LocalNeo4j, database: str) -> dict[str, Any] | None:
    """What a bulk load into `database` that never finished left behind, or None."""
    try:
        marker = json.loads(_marker(server).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None
    return marker if isinstance(marker, dict) and marker.get("database") == database else None


def _mark(server: LocalNeo4j, database: str, importer: int | None) -> None:
    marker = {"database": database, "importer_pid": importer, "since": time.time()}
    path = _marker(server)
    path.with_suffix(".tmp").write_text(json.dumps(marker), encoding="utf-8")
    path.with_suffix(".tmp").replace(path)  # whole or not at all, even if killed while writing


def _stop_leftover_importer(marker: dict[str, Any]) -> None:
    # A killed loader's importer runs on and holds the store: it must end before another starts.
    pid = marker.get("importer_pid")
    if not isinstance(pid, int):
        return
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return
    if b"AdminTool" not in command:
        return  # the pid is someone else's now
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 30
    while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
        time.sleep(0.1)


def bulk_load(
    server: LocalNeo4j, database: str, files: list[Path], origin: str, root: Path | None = None
) -> LoadReport:
    """Validate and import `files` into the empty database of a running local server (or one a
    killed bulk load left behind, running or not)."""
    started = time.perf_counter()
    leftover = interrupted(server, database)
    if leftover is not None:
        _stop_leftover_importer(leftover)
    else:
        with GraphDatabase.driver(server.uri, auth=(server.user, server.password)) as driver:
            if not _is_empty(driver, database):
                raise BulkLoadError(
                    f"--bulk loads only into an empty database; {database!r} has data "
                    "(use --staged to add to it)"
                )
    work = Path(tempfile.mkdtemp(prefix="bulk-", dir=server.home / "import"))
    try:
        writer, validator, report = _CsvWriter(work), StreamValidator(root), LoadReport()
        rows = Rows()
        for count, entry in enumerate(validator.entries(files), start=1):
            report.new.append(entry.id)
            add_entry(rows, entry, origin)
            if count % 5_000 == 0:
                writer.add(rows)
                rows = Rows()
        writer.add(rows)
        if errors := validator.finish():
            raise InvalidData(errors)
        arguments = writer.close()
        report.phases["validate and write CSV"] = time.perf_counter() - started
        report.nodes_written, report.relationships_written = writer.counts()
        _import(server, database, arguments, report.phases)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    schema_started = time.perf_counter()
    with GraphDatabase.driver(server.uri, auth=(server.user, server.password)) as driver:
        apply_constraints(driver, database)
        summary = f"bulk load: {report.nodes_written} nodes, {report.relationships_written} relationships"
        with driver.session(database=database) as session:
            session.execute_write(record_load_summary, summary)
    _marker(server).unlink(missing_ok=True)
    report.phases["schema and indexes"] = time.perf_counter() - schema_started
    report.seconds = time.perf_counter() - started
    return report


def _import(server: LocalNeo4j, database: str, arguments: list[str], phases: dict[str, float]) -> None:
    java, _ = find_java()
    lib = resolve_jars(server.version, server.log)
    mark = time.perf_counter()
    _mark(server, database, None)  # from here until the schema is applied, a kill leaves work
    server.stop()
    phases["stop server"] = time.perf_counter() - mark
    env = {**os.environ, "NEO4J_HOME": str(server.home), "NEO4J_CONF": str(server.home / "conf")}
    command = [
        java,
        "-Xmx1g",
        "-cp",
        f"{lib}/*",
        "org.neo4j.cli.AdminTool",
        "database",
        "import",
        "full",
        # The database name goes first: --nodes and --relationships take several files each and
        # would swallow a trailing positional argument.
        database,
        "--array-delimiter=U+001F",
        "--multiline-fields=true",
        "--ignore-empty-strings=true",
        "--bad-tolerance=0",
        "--skip-bad-entries-logging=true",
        "--overwrite-destination=true",
        # Not import.report in whatever folder the loader was started from.
        f"--report-file={server.home / 'import.report'}",
        *arguments,
    ]
    mark = time.perf_counter()
    with tempfile.TemporaryFile("w+", encoding="utf-8") as output:
        importer = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT, text=True)
        _mark(server, database, importer.pid)
        returncode = importer.wait()
        output.seek(0)
        printed = output.read()
    phases["import"] = time.perf_counter() - mark
    mark = time.perf_counter()
    try:
        server.start()
    except LauncherError as error:
        raise BulkLoadError(f"the server did not come back after the import: {error}") from error
    phases["start server"] = time.perf_counter() - mark
    if returncode != 0:
        tail = "\n".join(printed.strip().splitlines()[-20:])
        raise BulkLoadError(f"the importer failed (exit {returncode}):\n{tail}")
