"""The closed vocabularies: every value defined, and the definitions docs/model.md prints the same."""

import re
from enum import StrEnum
from pathlib import Path

import pytest

from service.domain.vocab import DEFINITIONS, EventKind, FigureMetric, StakeType

MODEL_DOC = Path(__file__).resolve().parents[2] / "docs" / "model.md"


@pytest.mark.parametrize("vocabulary", list(DEFINITIONS), ids=lambda v: v.__name__)
def test_every_value_has_a_definition(vocabulary: type[StrEnum]) -> None:
    definitions = DEFINITIONS[vocabulary]
    assert set(definitions) == set(vocabulary)
    assert all(text.strip() for text in definitions.values())


@pytest.mark.parametrize("vocabulary", [EventKind, StakeType, FigureMetric], ids=lambda v: v.__name__)
def test_docs_print_the_definitions_of_the_code(vocabulary: type[StrEnum]) -> None:
    text = MODEL_DOC.read_text(encoding="utf-8")
    section = text.split(f"(`{vocabulary.__name__}`)", 1)[1].split("\n\n**", 1)[0]
    rows = dict(re.findall(r"^\| ([a-z_]+) \| (.+) \|$", section, re.MULTILINE))
    rows.pop("value", None)  # the header row
    assert rows == {member.value: DEFINITIONS[vocabulary][member] for member in vocabulary}
