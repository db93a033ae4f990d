"""Company figures through the engine, against the seeded graph: every figure of the data file
reads back as written (company, metric, money or quantity, dates, quotes), each company lists its
own, and the filters (metric, qualifier, unit, dates, amount) answer what the data file says."""

from typing import Any

from neo4j import Driver

from seed.cli import DATA_DIR
from seed.validate import load_dataset
from service.domain.entities import Figure
from tests.compiler.pages import Run, every_page

FIGURES = [e for e in load_dataset(DATA_DIR).section("figures") if isinstance(e, Figure)]
PAGE = """query($w: FigureWhere, $a: String) { figures(where: $w, first: 100, after: $a) {
  pageInfo { hasNextPage endCursor }
  nodes { id metric asOf asOfPrecision target targetPrecision company { id }
    value { amount currency usd qualifier } quantity { amount unit qualifier }
    sources(first: 20) { nodes { quote source { id } } } } } }"""


async def _all(engine: Run, where: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    return await every_page(engine, PAGE, "figures", {"w": where})


def test_the_data_has_money_and_quantity_figures() -> None:
    assert len(FIGURES) > 40
    assert {f.value is None for f in FIGURES} == {True, False}


async def test_every_figure_reads_back_as_the_data_file_says(graph: Driver, engine: Run) -> None:
    found = {n["id"]: n for n in await _all(engine)}
    assert set(found) == {f.id for f in FIGURES}
    for figure in FIGURES:
        node = found[figure.id]
        assert node["metric"] == figure.metric.name and node["company"] == {"id": figure.company}
        assert node["asOf"] == figure.as_of.start.isoformat()
        assert node["asOfPrecision"] == figure.as_of.precision.name
        assert node["target"] == (figure.target.start.isoformat() if figure.target else None)
        if figure.value is not None:
            assert node["quantity"] is None
            assert node["value"]["amount"] == figure.value.amount
            assert node["value"]["currency"] == figure.value.currency
            assert node["value"]["qualifier"] == figure.value.qualifier.name
        else:
            assert figure.quantity is not None and node["value"] is None
            assert node["quantity"] == {
                "amount": figure.quantity.amount,
                "unit": figure.quantity.unit,
                "qualifier": figure.quantity.qualifier.name,
            }
        quotes = [(n["source"]["id"], n["quote"]) for n in node["sources"]["nodes"]]
        assert quotes == [(e.source, e.quote) for e in figure.evidence]


async def test_each_company_lists_its_figures_newest_first(graph: Driver, engine: Run) -> None:
    query = """query($id: ID!) { company(id: $id) { figures(first: 100) { nodes { id asOf } } } }"""
    for company in sorted({f.company for f in FIGURES}):
        payload = await engine(query, {"id": company})
        nodes = payload["data"]["company"]["figures"]["nodes"]
        assert {n["id"] for n in nodes} == {f.id for f in FIGURES if f.company == company}, company
        dates = [n["asOf"] for n in nodes]
        assert dates == sorted(dates, reverse=True), company


async def test_figures_filtered_by_metric_qualifier_unit_date_and_amount(graph: Driver, engine: Run) -> None:
    async def ids(where: dict[str, Any]) -> set[str]:
        return {n["id"] for n in await _all(engine, where)}

    for metric in sorted({f.metric for f in FIGURES}):
        expected = {f.id for f in FIGURES if f.metric is metric}
        assert await ids({"metric": {"eq": metric.name}}) == expected, metric
    percent = {f.id for f in FIGURES if f.quantity is not None and f.quantity.unit == "percent"}
    assert percent and await ids({"quantityUnit": {"eq": "percent"}}) == percent
    big = {f.id for f in FIGURES if f.value is not None and (f.value.usd or 0) >= 1e11}
    assert big and await ids({"valueUsd": {"gte": 1e11}}) == big
    up_to = {f.id for f in FIGURES if f.value is not None and f.value.qualifier.name == "UP_TO"}
    assert await ids({"valueQualifier": {"eq": "UP_TO"}}) == up_to
    planned = {f.id for f in FIGURES if f.target is not None and f.target.start.year >= 2026}
    assert planned and await ids({"target": {"gte": "2026-01-01"}}) == planned
    company = FIGURES[0].company
    assert await ids({"company": {"id": {"eq": company}}}) == {f.id for f in FIGURES if f.company == company}
