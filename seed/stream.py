"""Streaming validation and reading for inputs too large to hold in memory at once.

Memory grows only with the number of ids (kept to resolve references and find duplicates) and
with references that point forward to files not yet read; the synthetic generator writes
referenced entities first, so those stay few.
"""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from seed.validate import KINDS, DataError, IdIndex, _field_name, kind_noun
from seed.yaml_files import YamlSyntaxError, line_of, read_file
from service.domain.entities import Source, Sourced
from service.domain.rules import Labels, entry_problems, references
from service.domain.values import LINE_KEY

Entry = Source | Sourced


def _raw_entries(path: Path) -> Iterator[tuple[str, int, Any]]:
    raw = read_file(path)
    for key, value in raw.data.items():
        if key == LINE_KEY:
            continue
        if key not in KINDS or not isinstance(value, list):
            raise YamlSyntaxError(path, 1, f"section {key!r}: unknown, or not a list")
        for item in value:
            yield key, (item.get(LINE_KEY, 1) if isinstance(item, dict) else 1), item


class StreamValidator:
    """Validates entries one at a time; `finish()` resolves references seen before their target."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = root
        self.index = IdIndex()
        self.errors: list[DataError] = []
        self.count = 0
        self._seen: dict[str, tuple[str, int]] = {}
        self._pending: list[tuple[str, int, str, str, str, Labels]] = []

    def display(self, path: Path) -> str:
        root = self.root
        return str(path.relative_to(root)) if root and path.is_relative_to(root) else str(path)

    def entries(self, files: list[Path]) -> Iterator[Entry]:
        """The valid entries of every file, in order; problems accumulate in `errors`."""
        for path in files:
            display = self.display(path)
            try:
                for key, line, item in _raw_entries(path):
                    entry = self._validate(display, key, line, item)
                    if entry is not None:
                        yield entry
            except YamlSyntaxError as error:
                self.errors.append(DataError(display, error.line, "(file)", "(yaml)", error.message))

    def _validate(self, display: str, key: str, line: int, item: Any) -> Entry | None:
        self.count += 1
        entry_id = str(item.get("id", "(no id)")) if isinstance(item, dict) else "(not a mapping)"
        try:
            entry: Entry = KINDS[key].model_validate(item)  # type: ignore[assignment]
        except ValidationError as error:
            for problem in error.errors():
                loc = tuple(problem["loc"])
                self.errors.append(
                    DataError(display, line_of(item, loc), entry_id, _field_name(loc), problem["msg"])
                )
            return None
        if entry_id in self._seen:
            first = self._seen[entry_id]
            message = f"duplicate id (first at {first[0]}:{first[1]})"
            self.errors.append(DataError(display, line, entry_id, "id", message))
            return None
        self._seen[entry_id] = (display, line)
        self.index.add(KINDS[key].__name__, entry_id)
        for field_name, message in entry_problems(entry):
            self.errors.append(DataError(display, line, entry_id, field_name, message))
        for field_name, ref, kind in references(entry):
            if not self.index.resolves(ref, kind):
                self._pending.append((display, line, entry_id, field_name, ref, kind))
        return entry

    def finish(self) -> list[DataError]:
        """All errors, forward references that never resolved included, sorted."""
        for display, line, entry_id, field_name, ref, kind in self._pending:
            if not self.index.resolves(ref, kind):
                message = f"unknown {kind_noun(kind)} {ref!r}"
                self.errors.append(DataError(display, line, entry_id, field_name, message))
        self._pending.clear()
        return sorted(self.errors)


def validate_stream(files: list[Path], root: Path | None = None) -> tuple[int, list[DataError]]:
    """Validate every entry of every file; return the entry count and all errors."""
    validator = StreamValidator(root)
    for _ in validator.entries(files):
        pass
    return validator.count, validator.finish()
