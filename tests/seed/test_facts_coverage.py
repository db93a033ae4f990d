"""Every company, person, facility and deal row of the facts file is represented in the data."""

import re
from pathlib import Path

import pytest

from seed.validate import load_dataset

REPO_ROOT = Path(__file__).resolve().parents[2]
FACTS = REPO_ROOT.parent / "shared" / "facts" / "ai-infrastructure-2025.md"


@pytest.mark.skipif(not FACTS.exists(), reason="the facts file lives in ../shared (present in CI)")
def test_every_fact_row_is_evidence_somewhere() -> None:
    rows = set(re.findall(r"^\| ([CPFD]\d+[a-z]?) \|", FACTS.read_text(encoding="utf-8"), re.MULTILINE))
    assert len(rows) > 300
    dataset = load_dataset(REPO_ROOT / "seed" / "data")
    used = {e.row for entry in dataset.sourced() for e in entry.all_evidence() if e.row}
    assert sorted(rows - used) == []
