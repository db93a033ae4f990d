"""Validation of all data files together: shapes, then ids and references across files.

Every problem becomes one `DataError`, printed as `file:line: entry id: field: message`; the
loader writes nothing unless the list is empty.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from seed.models import (
    LINE_KEY,
    Company,
    Event,
    Evidence,
    Facility,
    Partnership,
    Person,
    Source,
    Sourced,
)
from seed.yaml_files import RawFile, YamlSyntaxError, data_files, line_of, read_file

KINDS: dict[str, type[BaseModel]] = {
    "sources": Source,
    "companies": Company,
    "people": Person,
    "facilities": Facility,
    "partnerships": Partnership,
    "events": Event,
}

KIND_NOUN = {
    "sources": "source",
    "companies": "company",
    "people": "person",
    "facilities": "facility",
    "partnerships": "partnership",
    "events": "event",
    "entities": "entity",
}


@dataclass(frozen=True, order=True)
class DataError:
    path: str
    line: int
    entry: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.entry}: {self.field}: {self.message}"


@dataclass
class Dataset:
    """Every validated entry, by kind, with where each came from."""

    sources: list[Source] = field(default_factory=list)
    companies: list[Company] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    facilities: list[Facility] = field(default_factory=list)
    partnerships: list[Partnership] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    origin: dict[str, tuple[str, int]] = field(default_factory=dict)
    rejected: set[str] = field(default_factory=set)

    def sourced(self) -> Iterable[Sourced]:
        yield from self.companies
        yield from self.people
        yield from self.facilities
        yield from self.partnerships
        yield from self.events

    def counts(self) -> dict[str, int]:
        return {kind: len(getattr(self, kind)) for kind in KINDS}


class InvalidData(Exception):
    """The data files hold errors; nothing may be written."""

    def __init__(self, errors: list[DataError]) -> None:
        super().__init__(f"{len(errors)} error(s) in the data files")
        self.errors = sorted(errors)


def _field_name(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(step) for step in loc) or "(entry)"


def _validate_file(raw: RawFile, display: str, dataset: Dataset, errors: list[DataError]) -> None:
    for key, value in raw.data.items():
        if key == LINE_KEY:
            continue
        if key not in KINDS:
            errors.append(
                DataError(display, 1, "(file)", str(key), f"unknown section; use one of {', '.join(KINDS)}")
            )
            continue
        if not isinstance(value, list):
            errors.append(DataError(display, 1, "(file)", str(key), "must be a list"))
            continue
        model = KINDS[key]
        for entry in value:
            line = entry.get(LINE_KEY, 1) if isinstance(entry, dict) else 1
            entry_id = str(entry.get("id", "(no id)")) if isinstance(entry, dict) else "(not a mapping)"
            try:
                item: Any = model.model_validate(entry)
            except ValidationError as error:
                for problem in error.errors():
                    loc = tuple(problem["loc"])
                    errors.append(
                        DataError(display, line_of(entry, loc), entry_id, _field_name(loc), problem["msg"])
                    )
                dataset.rejected.add(entry_id)
                continue
            if item.id in dataset.origin:
                first_path, first_line = dataset.origin[item.id]
                errors.append(
                    DataError(
                        display, line, item.id, "id", f"duplicate id (first at {first_path}:{first_line})"
                    )
                )
                continue
            dataset.origin[item.id] = (display, line)
            getattr(dataset, key).append(item)


def references(entry: BaseModel) -> Iterator[tuple[str, str, str]]:
    """(field, referenced id, kind of entity it must be) for every reference an entry makes."""

    def evidence(prefix: str, items: list[Evidence]) -> Iterator[tuple[str, str, str]]:
        for index, item in enumerate(items):
            yield f"{prefix}evidence.{index}.source", item.source, "sources"

    if isinstance(entry, Sourced):
        yield from evidence("", entry.evidence)
    match entry:
        case Company(parent=parent) if parent:
            yield "parent", parent, "companies"
        case Person():
            for i, position in enumerate(entry.positions):
                yield f"positions.{i}.company", position.company, "companies"
                yield from evidence(f"positions.{i}.", position.evidence)
        case Facility():
            if entry.part_of:
                yield "part_of", entry.part_of, "facilities"
            for i, link in enumerate(entry.links):
                yield f"links.{i}.company", link.company, "companies"
                yield from evidence(f"links.{i}.", link.evidence)
        case Partnership():
            if entry.part_of:
                yield "part_of", entry.part_of, "partnerships"
            for i, party in enumerate(entry.parties):
                yield f"parties.{i}.company", party.company, "companies"
            for i, facility_id in enumerate(entry.facilities):
                yield f"facilities.{i}", facility_id, "facilities"
        case Event():
            for i, subject in enumerate(entry.subjects):
                yield f"subjects.{i}", subject, "entities"


def entry_problems(entry: BaseModel) -> Iterator[tuple[str, str]]:
    """(field, message) for rules that span an entry's parts: sources present, no self-parent."""
    if isinstance(entry, Sourced) and not entry.all_evidence():
        yield "evidence", "needs at least one source with a quote"
    if isinstance(entry, Company) and entry.parent == entry.id:
        yield "parent", "a company cannot be its own parent"


class IdIndex:
    """Ids by kind, to resolve references."""

    def __init__(self) -> None:
        self.by_kind: dict[str, set[str]] = {kind: set() for kind in KINDS}

    def add(self, kind: str, entry_id: str) -> None:
        self.by_kind[kind].add(entry_id)

    def resolves(self, ref: str, kind: str) -> bool:
        if kind == "entities":
            return any(ref in ids for k, ids in self.by_kind.items() if k != "sources")
        return ref in self.by_kind[kind]


def _check_references(dataset: Dataset, errors: list[DataError]) -> None:
    index = IdIndex()
    for kind in KINDS:
        for item in getattr(dataset, kind):
            index.add(kind, item.id)
    entries: list[Source | Sourced] = [*dataset.sources, *dataset.sourced()]
    for entry in entries:
        path, line = dataset.origin[entry.id]
        for field_name, message in entry_problems(entry):
            errors.append(DataError(path, line, entry.id, field_name, message))
        for field_name, ref, kind in references(entry):
            # An entry that failed its own validation is reported once, not at every reference.
            if not index.resolves(ref, kind) and ref not in dataset.rejected:
                errors.append(
                    DataError(path, line, entry.id, field_name, f"unknown {KIND_NOUN[kind]} {ref!r}")
                )


def load_dataset(directory: Path, root: Path | None = None) -> Dataset:
    """Validate every file under `directory`; raise InvalidData listing every error found."""
    dataset, errors = Dataset(), []
    for path in data_files(directory):
        display = str(path.relative_to(root)) if root and path.is_relative_to(root) else str(path)
        try:
            raw = read_file(path)
        except YamlSyntaxError as error:
            errors.append(DataError(display, error.line, "(file)", "(yaml)", error.message))
            continue
        _validate_file(raw, display, dataset, errors)
    _check_references(dataset, errors)
    if errors:
        raise InvalidData(errors)
    return dataset
