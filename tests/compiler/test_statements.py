"""Statements through the engine, against the seeded graph: every statement of the data file is
read back as written (speaker, date, subjects, words, quotes), and every view of them (who said,
about what, filters) answers what the data files say."""

from collections import defaultdict
from typing import Any

from neo4j import Driver

from seed.cli import DATA_DIR
from seed.validate import load_dataset
from service.domain.entities import Statement
from tests.compiler.pages import Run, every_page

STATEMENTS = [e for e in load_dataset(DATA_DIR).section("statements") if isinstance(e, Statement)]
LABELS = {e.id: type(e).__name__ for e in load_dataset(DATA_DIR).sourced()}


async def _data(engine: Run, query: str, variables: dict[str, Any] | None = None) -> Any:
    payload = await engine(query, variables)
    assert "errors" not in payload, payload
    return payload["data"]


def test_the_data_has_statements_by_people_and_companies() -> None:
    speakers = {LABELS[s.speaker] for s in STATEMENTS}
    assert len(STATEMENTS) > 50 and speakers == {"Person", "Company"}


async def test_every_statement_reads_back_as_the_data_file_says(graph: Driver, engine: Run) -> None:
    query = """query($a: String) { statements(first: 100, after: $a) { pageInfo { hasNextPage endCursor }
      nodes { id on onPrecision text speaker { __typename ... on Node { id } }
        about(first: 100) { nodes { __typename ... on Node { id } } }
        sources(first: 100) { nodes { quote source { id } } } } } }"""
    found = {n["id"]: n for n in await every_page(engine, query, "statements", {})}
    assert set(found) == {s.id for s in STATEMENTS}
    for statement in STATEMENTS:
        node = found[statement.id]
        assert node["text"] == statement.text
        assert node["on"] == statement.on.start.isoformat()
        assert node["onPrecision"] == statement.on.precision.name
        assert node["speaker"] == {"__typename": LABELS[statement.speaker], "id": statement.speaker}
        about = {(n["__typename"], n["id"]) for n in node["about"]["nodes"]}
        assert about == {(LABELS[i], i) for i in statement.about}
        quotes = [(n["source"]["id"], n["quote"]) for n in node["sources"]["nodes"]]
        assert quotes == [(e.source, e.quote) for e in statement.evidence]
        assert any(statement.text in quote for _, quote in quotes)


async def test_what_each_speaker_said_and_what_was_said_about_each_subject(
    graph: Driver, engine: Run
) -> None:
    said: dict[str, set[str]] = defaultdict(set)
    about: dict[str, set[str]] = defaultdict(set)
    for statement in STATEMENTS:
        said[statement.speaker].add(statement.id)
        for subject in statement.about:
            about[subject].add(statement.id)
    query = """query($id: ID!) { node(id: $id) {
      ... on Person { statements(first: 100) { nodes { id } } statementsAbout(first: 100) { nodes { id } } }
      ... on Company { statements(first: 100) { nodes { id } } statementsAbout(first: 100) { nodes { id } } }
      ... on Facility { statementsAbout(first: 100) { nodes { id } } }
      ... on Partnership { statementsAbout(first: 100) { nodes { id } } } } }"""
    for entity in sorted(set(said) | set(about)):
        node = (await _data(engine, query, {"id": entity}))["node"]
        if "statements" in node:
            assert {n["id"] for n in node["statements"]["nodes"]} == said[entity], entity
        assert {n["id"] for n in node["statementsAbout"]["nodes"]} == about[entity], entity


async def test_statements_filtered_by_speaker_subject_date_and_words(graph: Driver, engine: Run) -> None:
    query = """query($w: StatementWhere, $a: String) { statements(where: $w, first: 100, after: $a)
      { pageInfo { hasNextPage endCursor } nodes { id } } }"""

    async def ids(where: dict[str, Any]) -> set[str]:
        return {n["id"] for n in await every_page(engine, query, "statements", {"w": where})}

    for speaker in sorted({s.speaker for s in STATEMENTS}):
        expected = {s.id for s in STATEMENTS if s.speaker == speaker}
        assert await ids({"speaker": {"id": {"eq": speaker}}}) == expected, speaker
    subject = max(
        {i for s in STATEMENTS for i in s.about}, key=lambda i: sum(i in s.about for s in STATEMENTS)
    )
    assert await ids({"about": {"some": {"id": {"eq": subject}}}}) == {
        s.id for s in STATEMENTS if subject in s.about
    }
    late = {s.id for s in STATEMENTS if s.on.start.isoformat() >= "2025-11-01"}
    assert await ids({"on": {"gte": "2025-11-01"}}) == late
    word = STATEMENTS[0].text.split()[1]
    assert await ids({"text": {"contains": word}}) == {s.id for s in STATEMENTS if word in s.text}
