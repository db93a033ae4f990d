"""The data-quality audit: zero on the real data, and each must-be-zero class caught on a tiny fixture."""

from pathlib import Path

import pytest

from seed import audit

FACTS_DIR = audit.FACTS_DIR

FACTS = """# facts

| # | Company | Attribute | Value | Src | URL | Quote |
|---|---|---|---|---|---|---|
| C01 | Acme | Identity | maker | S01 | https://a.example | "Acme makes widgets in Ohio." |
| C02 | Acme | Size | 10 plants | S02 | https://b.example | "Acme runs ten plants." |

### Part 2 conflicts

P2-1. **Size of Acme:** ten plants (S01) versus twelve (S02). Prefer S02.
"""

SOURCES = """sources:
  - id: "s01"
    publisher: "A"
    tier: "C"
  - id: "s02"
    publisher: "B"
    tier: "B"
"""

GOOD_COMPANY = """companies:
  - id: "acme"
    name: "Acme"
    evidence:
      - row: "C01"
        source: "s01"
        quote: "Acme makes widgets in Ohio."
        note: "conflict P2-1; tier C only; unconfirmed"
        preferred: false
      - row: "C02"
        source: "s02"
        quote: "Acme runs ten plants."
        note: "conflict P2-1"
        preferred: true
"""


def _run(tmp_path: Path, company: str = GOOD_COMPANY, sources: str = SOURCES) -> dict[str, list[str]]:
    data, facts = tmp_path / "data", tmp_path / "facts"
    data.mkdir(parents=True)
    facts.mkdir(parents=True)
    (data / "sources.yaml").write_text(sources, encoding="utf-8")
    (data / "companies.yaml").write_text(company, encoding="utf-8")
    (facts / "facts.md").write_text(FACTS, encoding="utf-8")
    return audit.run(audit.load_data(data, None), audit.load_facts(facts))


def test_the_fixture_is_clean(tmp_path: Path) -> None:
    results = _run(tmp_path)
    assert {name: results[name] for name in audit.MUST_BE_ZERO} == {name: [] for name in audit.MUST_BE_ZERO}


def test_a_quote_not_in_the_facts_is_caught(tmp_path: Path) -> None:
    results = _run(tmp_path, GOOD_COMPANY.replace("Acme runs ten plants.", "Acme runs eleven plants."))
    assert len(results["quotes"]) == 1
    # Only whitespace is normalised: a quote with different spacing still matches.
    spaced = GOOD_COMPANY.replace("Acme runs ten plants.", "Acme  runs ten plants.")
    assert _run(tmp_path / "spaced", spaced)["quotes"] == []


def test_a_source_never_cited_is_caught(tmp_path: Path) -> None:
    extra = SOURCES + '  - id: "s03"\n    publisher: "C"\n    tier: "A"\n'
    assert _run(tmp_path, sources=extra)["uncited"] == ["s03"]


def test_a_conflict_dropped_or_without_its_preference_is_caught(tmp_path: Path) -> None:
    dropped = GOOD_COMPANY.replace('note: "conflict P2-1; tier C only; unconfirmed"', 'note: "tier C only"')
    assert _run(tmp_path / "dropped", dropped)["conflicts"]
    unpreferred = GOOD_COMPANY.replace("preferred: true", "preferred: false")
    assert any("none is preferred" in p for p in _run(tmp_path / "unpreferred", unpreferred)["conflicts"])


def test_a_tier_c_only_fact_without_the_note_is_caught(tmp_path: Path) -> None:
    company = GOOD_COMPANY.replace("conflict P2-1; tier C only; unconfirmed", "conflict P2-1")
    assert _run(tmp_path, company)["tier_c"] == ["acme: row C01 source s01"]


def test_main_exits_1_on_a_must_be_zero_class(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _run(tmp_path, GOOD_COMPANY.replace("conflict P2-1; tier C only; unconfirmed", "conflict P2-1"))
    code = audit.main(["--data", str(tmp_path / "data"), "--facts", str(tmp_path / "facts"), "--no-pending"])
    assert code == 1
    assert "FAILED (tier_c)" in capsys.readouterr().out


@pytest.mark.skipif(not FACTS_DIR.is_dir(), reason="the facts files live in ../shared (present in CI)")
def test_the_real_data_passes_the_audit(capsys: pytest.CaptureFixture[str]) -> None:
    assert audit.main([]) == 0
    out = capsys.readouterr().out
    assert "must be zero:" in out and "informational:" in out
