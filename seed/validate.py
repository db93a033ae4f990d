"""Validation of all data files together: shapes, then ids and references across files.

Every problem becomes one `DataError`, printed as `file:line: entry id: field: message`; the
loader writes nothing unless the list is empty.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from seed.yaml_files import RawFile, YamlSyntaxError, data_files, line_of, read_file
from service.domain.entities import SECTIONS, Entry, Source, Sourced
from service.domain.rules import SUBJECT_LABELS, Labels, entry_problems, references
from service.domain.values import LINE_KEY

KINDS: dict[str, type[BaseModel]] = dict(SECTIONS)


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
    """Every validated entry, by section (`SECTIONS`, in load order), with where each came from."""

    sections: dict[str, list[Entry]] = field(default_factory=lambda: {kind: [] for kind in SECTIONS})
    origin: dict[str, tuple[str, int]] = field(default_factory=dict)
    rejected: set[str] = field(default_factory=set)

    def section(self, kind: str) -> list[Entry]:
        return self.sections[kind]

    @property
    def sources(self) -> list[Source]:
        return [entry for entry in self.sections["sources"] if isinstance(entry, Source)]

    def sourced(self) -> Iterable[Sourced]:
        for entries in self.sections.values():
            yield from (entry for entry in entries if isinstance(entry, Sourced))

    def counts(self) -> dict[str, int]:
        return {kind: len(entries) for kind, entries in self.sections.items()}


def kind_noun(labels: Labels) -> str:
    """How an error names what a reference had to be: "company", "person or company", "entity"."""
    return "entity" if labels == SUBJECT_LABELS else " or ".join(label.lower() for label in labels)


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
            dataset.section(key).append(item)


class IdIndex:
    """Ids by entity type, to resolve references."""

    def __init__(self) -> None:
        self.by_type: dict[str, set[str]] = {model.__name__: set() for model in SECTIONS.values()}

    def add(self, type_name: str, entry_id: str) -> None:
        self.by_type[type_name].add(entry_id)

    def resolves(self, ref: str, labels: Labels) -> bool:
        return any(ref in self.by_type[label] for label in labels)


def _check_references(dataset: Dataset, errors: list[DataError]) -> None:
    index = IdIndex()
    for kind, model in SECTIONS.items():
        for item in dataset.section(kind):
            index.add(model.__name__, item.id)
    entries: list[Source | Sourced] = [*dataset.sources, *dataset.sourced()]
    for entry in entries:
        path, line = dataset.origin[entry.id]
        for field_name, message in entry_problems(entry):
            errors.append(DataError(path, line, entry.id, field_name, message))
        for field_name, ref, labels in references(entry):
            # An entry that failed its own validation is reported once, not at every reference.
            if not index.resolves(ref, labels) and ref not in dataset.rejected:
                errors.append(
                    DataError(path, line, entry.id, field_name, f"unknown {kind_noun(labels)} {ref!r}")
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
