"""Loads validated data into Neo4j without ever leaving a half-loaded graph visible.

Two strategies, one set of rows and statements:

* curated (the default for the repository's data): one transaction. Entity hashes are compared
  with the graph first; only new and changed entities are written, entities removed from the
  files are deleted. A failure or a kill at any point rolls everything back.
* staged (large inputs such as synthetic data, `--staged` or more than STAGED_THRESHOLD
  entries): the files are streamed twice (validate, then write) in batches of separate
  transactions, under the `Staged` label that no query reads; a final single transaction gives
  the nodes their real labels. Leftovers of an aborted staged load are deleted at the next start.
"""

import contextlib
import os
import queue
import sys
import threading
import time
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from neo4j import Driver, ManagedTransaction
from rich.progress import Progress, TextColumn, TimeElapsedColumn

from seed.stream import StreamValidator
from seed.validate import DataError, Dataset, InvalidData
from service.domain.catalog import ENTITY_LABELS
from service.domain.entities import Entry
from service.graph.changes import load_change, record_load_changes, record_load_summary
from service.graph.entries import EntryData, entry_data, read_entities
from service.graph.rows import Rows, add_entry, content_hash
from service.graph.writes import (
    Target,
    delete_entities,
    delete_owned_links,
    delete_staged_batch,
    existing_hashes,
    hashes_of,
    publish_staged,
    write_links,
    write_nodes,
)

BATCH_SIZE = 2_000
# Fault-injection hook for the atomicity tests: when set (to seconds), a curated load pauses
# inside its transaction after writing the nodes, and a staged load pauses after its first
# committed batch; both print PAUSED first, so a test can kill the process at that point.
PAUSE_ENV = "SUPPLYGRAPH_SEED_PAUSE"


LOAD_REASON = "curated load"


def _pause_for_tests() -> None:
    if seconds := os.environ.get(PAUSE_ENV):
        print("PAUSED", flush=True)
        time.sleep(float(seconds))


@dataclass
class LoadReport:
    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    nodes_written: int = 0
    relationships_written: int = 0
    seconds: float = 0.0
    phases: dict[str, float] = field(default_factory=dict)  # seconds per step, where measured

    @property
    def nothing_changed(self) -> bool:
        return not (self.new or self.changed or self.removed)

    def summary(self, dry_run: bool = False) -> str:
        if self.nothing_changed:
            return f"nothing changed: {self.unchanged} entities already up to date"
        verb = "would write" if dry_run else "wrote"
        text = (
            f"{verb}: {len(self.new)} new, {len(self.changed)} changed, {len(self.removed)} removed, "
            f"{self.unchanged} unchanged"
        )
        if not dry_run:
            rate = self.relationships_written / self.seconds if self.seconds else 0.0
            text += (
                f"; {self.nodes_written} nodes and {self.relationships_written} relationships "
                f"in {self.seconds:.1f}s ({rate:,.0f} relationships/s)"
            )
            if self.phases:
                text += (
                    " [" + ", ".join(f"{name} {seconds:.1f}s" for name, seconds in self.phases.items()) + "]"
                )
        return text


def _entries(dataset: Dataset) -> list[Entry]:
    # Sources first: every other entity links to them.
    return [*dataset.sources, *dataset.sourced()]


def _batches(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _write_rows(tx: ManagedTransaction, target: Target, rows: Rows, load_id: str = "") -> tuple[int, int]:
    nodes = sum(
        write_nodes(tx, target, label, batch, load_id)
        for label in ENTITY_LABELS
        for batch in _batches(rows.nodes.get(label, []), BATCH_SIZE)
    )
    if target == "Entity":
        _pause_for_tests()
    links = sum(
        write_links(tx, target, kind, batch)
        for kind, link_rows in rows.links.items()
        for batch in _batches(link_rows, BATCH_SIZE)
    )
    return nodes, links


def plan(driver: Driver, database: str, dataset: Dataset, origin: str) -> tuple[LoadReport, list[Entry]]:
    """Compare the data with the graph: what is new, changed, removed."""
    entries = _entries(dataset)
    with driver.session(database=database) as session:
        existing = session.execute_read(existing_hashes, origin)
    report, to_write = LoadReport(), []
    for entry in entries:
        known = existing.pop(entry.id, None)
        if known is None:
            report.new.append(entry.id)
            to_write.append(entry)
        elif known != content_hash(entry):
            report.changed.append(entry.id)
            to_write.append(entry)
        else:
            report.unchanged += 1
    report.removed = sorted(existing)
    return report, to_write


def load_curated(
    driver: Driver, database: str, dataset: Dataset, origin: str = "seed", dry_run: bool = False
) -> LoadReport:
    """Bring the graph in line with the dataset in one transaction."""
    started = time.perf_counter()
    report, to_write = plan(driver, database, dataset, origin)
    if dry_run or report.nothing_changed:
        return report
    rows = Rows()
    for entry in to_write:
        add_entry(rows, entry, origin)

    def apply(tx: ManagedTransaction) -> tuple[int, int]:
        before = {r["id"]: entry_data(r) for r in read_entities(tx, [*report.changed, *report.removed])}
        if report.removed:
            delete_entities(tx, report.removed)
        if report.changed:
            delete_owned_links(tx, report.changed)
        written = _write_rows(tx, "Entity", rows)
        after = {r["id"]: entry_data(r) for r in read_entities(tx, [e.id for e in to_write])}
        # The load's changes are events of the feed and entries of each entity's history, in the
        # same transaction (and last in it: see service.graph.changes.NEXT_SEQ).
        record_load_changes(tx, _load_changes(dataset, before, after, report))
        return written

    with driver.session(database=database) as session:
        report.nodes_written, report.relationships_written = session.execute_write(apply)
    report.seconds = time.perf_counter() - started
    return report


def _load_changes(
    dataset: Dataset,
    before: dict[str, tuple[str, EntryData]],
    after: dict[str, tuple[str, EntryData]],
    report: LoadReport,
) -> list[dict[str, Any]]:
    """One event per entity the load creates, changes or removes, in the data's order."""
    types = {entity_id: label for entity_id, (label, _) in [*before.items(), *after.items()]}
    types.update({e.id: type(e).__name__ for e in _entries(dataset)})
    events = []
    for entity_id in [*report.new, *report.changed, *report.removed]:
        label, old = before.get(entity_id, (types.get(entity_id, "Entity"), None))
        new = after[entity_id][1] if entity_id in after else None
        action = "load_remove" if new is None else "load_update" if old is not None else "load_create"
        events.append(load_change(label, entity_id, action, old, new, types, LOAD_REASON))
    return events


def _publish(tx: ManagedTransaction, load_id: str, report: LoadReport) -> None:
    # One summary event for a staged load (it may add millions): in the publishing transaction.
    publish_staged(tx, load_id)
    record_load_summary(tx, f"staged load: {len(report.new)} new entities")


def clean_staged(driver: Driver, database: str) -> int:
    """Delete what an aborted staged load left behind; returns the number of nodes removed."""
    removed = 0
    with driver.session(database=database) as session:
        while deleted := session.execute_write(delete_staged_batch, BATCH_SIZE):
            removed += deleted
    return removed


def _chunks(entries: Iterable[Entry], size: int) -> Iterator[list[Entry]]:
    iterator = iter(entries)
    while chunk := list(islice(iterator, size)):
        yield chunk


class _Writer:
    """Writes staged batches on a thread of its own, so Neo4j works while Python validates.

    The queue holds at most two batches: memory stays flat however large the input is.
    """

    def __init__(self, driver: Driver, database: str, load_id: str) -> None:
        self._queue: queue.Queue[Rows | None] = queue.Queue(maxsize=2)
        self._driver, self._database, self._load_id = driver, database, load_id
        self.nodes = self.relationships = self.batches = 0
        self.error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="staged-writer", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            with self._driver.session(database=self._database) as session:
                while (rows := self._queue.get()) is not None:
                    nodes, links = session.execute_write(_write_rows, "Staged", rows, self._load_id)
                    self.nodes, self.relationships = self.nodes + nodes, self.relationships + links
                    self.batches += 1
                    if self.batches == 1:
                        _pause_for_tests()
        except BaseException as error:  # handed to the main thread, which re-raises it
            self.error = error
            while self._queue.get() is not None:  # unblock the producer until it says stop
                pass

    def put(self, rows: Rows) -> None:
        if self.error is not None:
            raise self.error
        self._queue.put(rows)

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join()
        if self.error is not None:
            raise self.error


def load_staged(
    driver: Driver,
    database: str,
    files: list[Path],
    origin: str,
    dry_run: bool = False,
    root: Path | None = None,
    show_progress: bool = True,
) -> LoadReport:
    """Validate and stage the files in one streaming pass, then publish in one transaction.

    Any invalid entry stops the writes, removes what was staged and raises InvalidData with every
    error found: nothing becomes visible unless all of it is valid.
    """
    report = LoadReport()
    if leftover := clean_staged(driver, database):
        print(f"removed {leftover} staged nodes left by an aborted load", file=sys.stderr)
    started = time.perf_counter()
    load_id = uuid.uuid4().hex
    validator = StreamValidator(root)
    writer = None if dry_run else _Writer(driver, database, load_id)
    progress = Progress(
        TextColumn("[bold]loading"),
        TimeElapsedColumn(),
        TextColumn("{task.completed:,} entries"),
        TextColumn("{task.fields[rels]:,} relationships"),
        disable=not (show_progress and sys.stderr.isatty()),
    )
    try:
        with progress, driver.session(database=database) as session:
            task = progress.add_task("load", total=None, rels=0)
            for chunk in _chunks(validator.entries(files), BATCH_SIZE):
                known = session.execute_read(hashes_of, [e.id for e in chunk])
                rows = Rows()
                for entry in chunk:
                    if entry.id not in known:
                        report.new.append(entry.id)
                        add_entry(rows, entry, origin)
                    elif known[entry.id] == content_hash(entry):
                        report.unchanged += 1
                    else:
                        report.changed.append(entry.id)
                if writer is not None and rows.nodes and not validator.errors and not report.changed:
                    writer.put(rows)
                rels = writer.relationships if writer else 0
                progress.update(task, completed=validator.count, rels=rels)
            errors = validator.finish()
            if report.changed:
                errors.extend(
                    DataError(
                        "(graph)",
                        0,
                        entity_id,
                        "id",
                        "already in the graph with other content; a staged load only adds",
                    )
                    for entity_id in report.changed[:100]
                )
            if writer is not None:
                writer.close()
                report.nodes_written, report.relationships_written = writer.nodes, writer.relationships
            if errors:
                raise InvalidData(errors)
            if report.new and not dry_run:
                session.execute_write(_publish, load_id, report)
    except BaseException:
        if writer is not None:
            with contextlib.suppress(BaseException):
                writer.close()
        if not dry_run:
            clean_staged(driver, database)
        raise
    report.seconds = time.perf_counter() - started
    return report
