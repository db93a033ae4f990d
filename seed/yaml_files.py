"""Reads the YAML data files, remembering the line of every mapping so errors can point at it."""

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from service.domain.values import LINE_KEY

# libyaml's parser when PyYAML was built with it (about ten times faster); the constructor,
# where lines are recorded, is the same Python code either way.
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_BaseLoader):  # type: ignore[valid-type,misc]
    """A safe loader whose mappings carry the 1-based line they start on under LINE_KEY."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        keys = [self.construct_object(key, deep=deep) for key, _ in node.value]
        duplicates = {k for k in keys if keys.count(k) > 1}
        if duplicates:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {sorted(map(str, duplicates))[0]!r}", node.start_mark
            )
        mapping: dict[Any, Any] = super().construct_mapping(node, deep=deep)
        mapping[LINE_KEY] = node.start_mark.line + 1
        return mapping


# YAML 1.1 reads on/off/yes/no (any case) as booleans, which turns an `on:` key or Norway's
# country code NO into True/False. Only true/false are booleans here, as in YAML 1.2.
_LineLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}
_LineLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


@dataclass(frozen=True)
class RawFile:
    path: Path
    data: dict[str, Any]


class YamlSyntaxError(Exception):
    def __init__(self, path: Path, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path, self.line, self.message = path, line, message


def _flow_lines(text: str) -> dict[str, Any] | None:
    """Fast path for files of `kind:` then one `- {json}` entry per line (what synth writes).

    JSON is valid YAML, so such a file means the same either way; json parses it ~30x faster.
    Returns None for any other layout, which then goes through the YAML parser.
    """
    lines = text.splitlines()
    if not lines or not lines[0].endswith(":") or " " in lines[0]:
        return None
    entries: list[Any] = []
    try:
        for number, line in enumerate(lines[1:], start=2):
            if not line.startswith("- {"):
                return None
            entry = json.loads(line[2:])
            entry[LINE_KEY] = number
            entries.append(entry)
    except ValueError:
        return None
    return {lines[0][:-1]: entries, LINE_KEY: 1}


def read_file(path: Path) -> RawFile:
    """Parse one data file; an empty file is an empty mapping."""
    text = path.read_text(encoding="utf-8")
    if (fast := _flow_lines(text)) is not None:
        return RawFile(path, fast)
    try:
        data = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - _LineLoader is a SafeLoader
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 0
        raise YamlSyntaxError(path, line, f"{error.context or ''} {error.problem or ''}".strip()) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise YamlSyntaxError(path, 1, "a data file must be a mapping of lists")
    return RawFile(path, data)


def data_files(directory: Path) -> Iterator[Path]:
    """Every .yaml/.yml file below the directory, in a stable order."""
    yield from sorted(p for p in directory.rglob("*") if p.suffix in {".yaml", ".yml"})


def line_of(data: Any, loc: tuple[int | str, ...]) -> int:
    """The line of the deepest mapping on the path `loc` (a pydantic error location)."""
    line = data.get(LINE_KEY, 1) if isinstance(data, dict) else 1
    node = data
    for step in loc:
        in_dict = isinstance(node, dict) and step in node
        in_list = isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node)
        if in_dict or in_list:
            node = node[step]
        else:
            break
        if isinstance(node, dict):
            line = node.get(LINE_KEY, line)
    return int(line)
