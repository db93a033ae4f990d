"""Validation of whole data folders: every error, with file, line, entry and field."""

from pathlib import Path

import pytest

from seed.stream import validate_stream
from seed.validate import InvalidData, load_dataset
from seed.yaml_files import data_files
from service.domain.entities import Company

GOOD = """\
sources:
  - id: s1
    url: https://example.com/s1
    publisher: Example
    tier: B
companies:
  - id: openai
    name: OpenAI
    country: US
    evidence: [{source: s1, quote: "OpenAI"}]
  - id: nscale
    name: Nscale
    country: NO
    evidence: [{source: s1, quote: "Nscale"}]
"""


def _folder(tmp_path: Path, **files: str) -> Path:
    for name, text in files.items():
        (tmp_path / f"{name}.yaml").write_text(text, encoding="utf-8")
    return tmp_path


def _errors(folder: Path) -> list[str]:
    with pytest.raises(InvalidData) as caught:
        load_dataset(folder, root=folder)
    streamed = validate_stream(list(data_files(folder)), root=folder)[1]
    assert [str(e) for e in streamed] == [str(e) for e in caught.value.errors]
    return [str(e) for e in caught.value.errors]


def test_a_good_folder_validates(tmp_path: Path) -> None:
    dataset = load_dataset(_folder(tmp_path, a=GOOD))
    assert dataset.counts()["companies"] == 2
    # YAML 1.1 would read NO (Norway) as false; here only true/false are booleans.
    norway = dataset.section("companies")[1]
    assert isinstance(norway, Company) and norway.country == "NO"


def test_every_error_is_listed_with_file_line_entry_and_field(tmp_path: Path) -> None:
    bad = (
        GOOD
        + """\
partnerships:
  - id: deal
    name: Deal
    kind: supply
    status: maybe
    announced: 2025-13
    parties:
      - {company: openai, role: customer}
      - {company: ghost, role: supplier}
    evidence: [{source: s404, quote: "x"}]
  - id: openai
    name: Again
    kind: supply
    status: announced
    parties: [{company: openai, role: customer}, {company: nscale, role: supplier}]
    evidence: [{source: s1, quote: "x"}]
"""
    )
    errors = _errors(_folder(tmp_path, a=bad))
    assert any(e.startswith("a.yaml:16: deal: status: Input should be") for e in errors)
    assert any(e.startswith("a.yaml:16: deal: announced: Value error, not a date: '2025-13'") for e in errors)
    assert "a.yaml:25: openai: id: duplicate id (first at a.yaml:7)" in errors


def test_unknown_references_are_errors(tmp_path: Path) -> None:
    bad = (
        GOOD
        + """\
partnerships:
  - id: deal
    name: Deal
    kind: supply
    status: announced
    parties:
      - {company: openai, role: customer}
      - {company: ghost, role: supplier}
    evidence: [{source: s404, quote: "x"}]
"""
    )
    errors = _errors(_folder(tmp_path, a=bad))
    assert errors == [
        "a.yaml:16: deal: evidence.0.source: unknown source 's404'",
        "a.yaml:16: deal: parties.1.company: unknown company 'ghost'",
    ]


def test_missing_sources_and_yaml_syntax_errors(tmp_path: Path) -> None:
    no_source = "companies:\n  - id: x\n    name: X\n"
    broken = "companies:\n  - id: y\n    name: [unclosed\n"
    errors = _errors(_folder(tmp_path, a=no_source, b=broken))
    assert "a.yaml:2: x: evidence: needs at least one source with a quote" in errors
    assert any(e.startswith("b.yaml:") and "(yaml)" in e for e in errors)


def test_the_repository_data_is_clean() -> None:
    dataset = load_dataset(Path(__file__).resolve().parents[2] / "seed" / "data")
    counts = dataset.counts()
    assert counts["sources"] >= 200 and counts["companies"] >= 60 and counts["partnerships"] >= 60


def test_a_source_says_where_it_can_be_found(tmp_path: Path) -> None:
    unfindable = "sources:\n  - id: s9\n    publisher: Example\n    tier: B\n"
    errors = _errors(_folder(tmp_path, a=unfindable))
    assert errors == [
        "a.yaml:2: s9: (entry): Value error, give the page's url, "
        "or found_at: where the document can be found"
    ]
    archived = unfindable + "    found_at: Print edition, 3 March 2025, p. 4\n"
    assert load_dataset(_folder(tmp_path, a=archived)).counts()["sources"] == 1


def test_event_kinds_are_a_closed_list(tmp_path: Path) -> None:
    event = """\
events:
  - id: ev
    "on": "2025-08"
    kind: {kind}
    description: Sold.
    subjects: [openai]
    evidence: [{{source: s1, quote: "OpenAI"}}]
"""
    (tmp_path / "ok").mkdir()
    (tmp_path / "bad").mkdir()
    good = load_dataset(_folder(tmp_path / "ok", a=GOOD, b=event.format(kind="transaction")))
    assert good.counts()["events"] == 1
    # The free text of old ("sale") is no longer a kind.
    errors = _errors(_folder(tmp_path / "bad", a=GOOD, b=event.format(kind="sale")))
    assert len(errors) == 1 and errors[0].startswith("b.yaml:2: ev: kind: Input should be 'announcement'")


STATEMENT = """\
people:
  - id: sam
    name: Sam
    evidence: [{source: s1, quote: "Sam"}]
facilities:
  - id: plant
    name: Plant
    kind: factory
    status: operating
    location: {country: US, precision: country}
    evidence: [{source: s1, quote: "Plant"}]
statements:
  - id: st
    speaker: SPEAKER
    "on": "2025-11"
    about: [openai]
    text: "TEXT"
    evidence: [{source: s1, quote: "We are building it here, Sam said."}]
"""


def _statement(speaker: str, text: str) -> str:
    return STATEMENT.replace("SPEAKER", speaker).replace("TEXT", text)


def test_a_statement_is_said_by_a_person_or_a_company(tmp_path: Path) -> None:
    for speaker in ("sam", "openai"):
        (tmp_path / speaker).mkdir()
        said = _folder(tmp_path / speaker, a=GOOD, b=_statement(speaker, "building it here"))
        assert load_dataset(said).counts()["statements"] == 1
    (tmp_path / "plant").mkdir()
    errors = _errors(_folder(tmp_path / "plant", a=GOOD, b=_statement("plant", "it here")))
    assert errors == ["b.yaml:13: st: speaker: unknown person or company 'plant'"]


def test_a_statement_text_is_part_of_one_of_its_quotes(tmp_path: Path) -> None:
    paraphrase = _statement("sam", "we build it here")
    errors = _errors(_folder(tmp_path, a=GOOD, b=paraphrase))
    assert errors == ["b.yaml:13: st: text: is not word for word in any of its evidence quotes"]
