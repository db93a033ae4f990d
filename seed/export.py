"""The live graph back as data files: `python -m seed export --out DIR`.

Entries come from `service.graph.entries`, which reads them off the same declarations the
loader writes with, so export -> load into an empty database -> export gives the same files.
"""

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from service.domain.catalog import CATALOG
from service.domain.entities import SECTIONS
from service.graph.entries import entry_data

FILES = {model.__name__: section for section, model in SECTIONS.items()}


class _Dumper(yaml.SafeDumper):
    pass


_PLAIN_RESERVED = {"y", "n", "yes", "no", "on", "off", "true", "false", "null"}


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    # Keys and vocabulary words plain; everything else double-quoted, as the curated files are
    # written, so ids, dates ("2025") and codes always read back as strings.
    plain = value.isidentifier() and value.lower() not in _PLAIN_RESERVED
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=None if plain else '"')


_Dumper.add_representer(str, _text)


def dump(kind: str, entries: Iterable[dict[str, Any]]) -> str:
    header = "# Exported from the live graph by `python -m seed export`.\n"
    body = yaml.dump(
        {kind: list(entries)}, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=1_000_000
    )
    return header + body


def write_files(out: Path, records: Iterable[dict[str, Any]]) -> dict[str, int]:
    """One file per kind (sources.yaml, companies.yaml, ...), entries in id order; returns counts."""
    grouped: dict[str, list[dict[str, Any]]] = {label: [] for label in FILES}
    for record in records:
        label, data = entry_data(record)
        CATALOG.entities[label].model_validate(data)  # only what the loader would accept leaves here
        grouped[label].append(data)
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.yaml"):
        old.unlink()
    counts = {}
    for label, items in grouped.items():
        if items:
            items.sort(key=lambda item: str(item["id"]))
            (out / f"{FILES[label]}.yaml").write_text(dump(FILES[label], items), encoding="utf-8")
        counts[FILES[label]] = len(items)
    return counts
