"""/explore?view=dashboard: each chart draws what the API answers (asked again here, by the
test, with the aggregate API), and a bar opens the network on the right entities.

With SUPPLYGRAPH_DOCS_SHOTS=1 the first test also writes docs/dashboard.png (the screenshot in
docs/dashboard.md); otherwise the screenshots go to test-artifacts/browser/ only.
"""

import json
import os
import shutil
from typing import Any
from urllib.parse import parse_qs, urlsplit

from neo4j import Driver
from playwright.sync_api import Route

from tests.browser.conftest import Watched
from tests.support import REPO_ROOT, ApiProcess, graphql

QUALIFIERS = ["EXACT", "UP_TO", "AT_LEAST", "APPROXIMATELY", "ESTIMATED"]  # drawn; UNDISCLOSED has no amount
WINDOW = 24  # months shown when no start month is chosen


def _data(api: ApiProcess, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    answer = graphql(api.url, query, variables)
    assert "errors" not in answer, answer
    data: dict[str, Any] = answer["data"]
    return data


def _words(name: str) -> str:
    return name.lower().replace("_", " ")


def _drawn(page: Watched) -> dict[str, Any]:
    """What each chart holds, read back from ECharts."""
    drawn: dict[str, Any] = page.page.evaluate("() => window.supplygraph.dashboard.drawn()")
    return drawn


def _click_bar(page: Watched, chart: str, category: int, series: int = 0) -> None:
    """Click the middle of a bar, as a user would."""
    point = page.page.evaluate(
        "([chart, category, series]) => window.supplygraph.dashboard.point(chart, category, series)",
        [chart, category, series],
    )
    page.page.mouse.click(point["x"], point["y"])
    page.page.wait_for_timeout(200)
    page.idle()


def _query(page: Watched) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.page.url).query)


def _open(page: Watched, api: ApiProcess, query: str = "") -> None:
    page.page.goto(f"{api.url}/explore?view=dashboard{query}")
    page.idle(60_000)
    states = page.page.locator("#dashboard .card").evaluate_all("cards => cards.map(c => c.dataset.state)")
    assert states == ["ready"] * 4, states


def _months(api: ApiProcess, since: str | None = None) -> dict[str, int]:
    where = {"announcedOn": {"gte": f"{since}-01"}} if since else None
    data = _data(
        api,
        """query($where: PartnershipWhere) { partnerships(where: $where) {
        groupBy(by: [ANNOUNCED_ON_MONTH], first: 100) { key { announcedOnMonth } count } } }""",
        {"where": where},
    )
    return {
        g["key"]["announcedOnMonth"]: g["count"]
        for g in data["partnerships"]["groupBy"]
        if g["key"]["announcedOnMonth"]
    }


def _span(first: str, last: str) -> list[str]:
    """Every month from first to last (YYYY-MM)."""
    start, end = (int(m[:4]) * 12 + int(m[5:]) - 1 for m in (first, last))
    return [f"{n // 12}-{n % 12 + 1:02d}" for n in range(start, end + 1)]


def test_each_chart_draws_the_figures_the_api_gives(seeded: Driver, api: ApiProcess, page: Watched) -> None:
    page.page.set_viewport_size({"width": 1440, "height": 1080})
    _open(page, api)
    drawn = _drawn(page)

    # Money: one bar per status and qualifier, each the API's sum of that qualifier alone.
    money = _data(
        api,
        """{ partnerships { groupBy(by: [STATUS], first: 20) {
        key { status } valueUsd { byQualifier { qualifier sum } } } } }""",
    )["partnerships"]["groupBy"]
    assert drawn["money"]["categories"] == [_words(g["key"]["status"]) for g in money]
    sums = {
        (g["key"]["status"], b["qualifier"]): b["sum"] for g in money for b in g["valueUsd"]["byQualifier"]
    }
    present = [
        q for q in QUALIFIERS if any(s is not None for (_, qualifier), s in sums.items() if qualifier == q)
    ]
    assert [s["name"] for s in drawn["money"]["series"]] == [_words(q) for q in present]
    for series, qualifier in zip(drawn["money"]["series"], present, strict=True):
        assert series["values"] == [sums.get((g["key"]["status"], qualifier)) for g in money], qualifier
    card = page.page.locator("[data-chart=money]")
    assert "not added together" in card.inner_text()
    assert len(present) > 1  # the curated deals carry several qualifiers, kept apart

    # Deals per month: the latest months with deals, empty months drawn as 0.
    months = _months(api)
    latest = max(months)
    categories = drawn["months"]["categories"]
    assert categories == _span(min(months), latest)[-WINDOW:]
    assert drawn["months"]["series"][0]["values"] == [months.get(m, 0) for m in categories]

    # Hubs: the API's ranking, in its order.
    ranking = _data(api, "{ rankings(by: LARGEST_MONEY_HUBS, first: 12) { score company { name } } }")[
        "rankings"
    ]
    assert drawn["hubs"]["categories"] == [r["company"]["name"] for r in ranking]
    assert drawn["hubs"]["series"][0]["values"] == [r["score"] for r in ranking]

    # Capacity: countries by summed power, largest first.
    capacity = _data(
        api,
        """{ facilities { groupBy(by: [COUNTRY], orderBy: {field: POWER_MW_SUM, direction: DESC}, first: 15) {
        key { country } powerMw { sum } } } }""",
    )["facilities"]["groupBy"]
    assert drawn["capacity"]["categories"] == [g["key"]["country"] or "no country" for g in capacity]
    assert drawn["capacity"]["series"][0]["values"] == [g["powerMw"]["sum"] for g in capacity]

    # Each chart is labelled for screen readers, and its figures are a table too.
    for chart in ("money", "months", "hubs", "capacity"):
        assert page.page.locator(f"#chart-{chart}").get_attribute("aria-label"), chart
    assert page.page.locator("[data-chart=money] table tbody tr").count() == len(money)
    path = page.shot("dashboard")
    if os.environ.get("SUPPLYGRAPH_DOCS_SHOTS") == "1":
        shutil.copyfile(path, REPO_ROOT / "docs" / "dashboard.png")

    # A start month: the chart asks again from then on, and the URL keeps it.
    since = sorted(months)[-6]
    page.page.fill("#since", since)
    page.page.wait_for_timeout(200)
    page.idle()
    assert _query(page)["since"] == [since]
    after = _months(api, since)
    drawn = _drawn(page)["months"]
    assert drawn["categories"] == _span(since, latest)
    assert drawn["series"][0]["values"] == [after.get(m, 0) for m in drawn["categories"]]

    # The other ranking.
    page.page.select_option("#ranking", "MOST_DEPENDED_ON_SUPPLIERS")
    page.page.wait_for_timeout(200)
    page.idle()
    suppliers = _data(
        api, "{ rankings(by: MOST_DEPENDED_ON_SUPPLIERS, first: 12) { score company { name } } }"
    )
    assert _drawn(page)["hubs"]["categories"] == [r["company"]["name"] for r in suppliers["rankings"]]
    assert _query(page)["hubs"] == ["suppliers"]


def test_a_status_and_qualifier_bar_opens_those_deals(seeded: Driver, api: ApiProcess, page: Watched) -> None:
    _open(page, api)
    drawn = _drawn(page)["money"]
    # The largest bar of all.
    _, category, series = max(
        (value, c, s)
        for s, line in enumerate(drawn["series"])
        for c, value in enumerate(line["values"])
        if value is not None
    )
    statuses = _data(api, "{ partnerships { groupBy(by: [STATUS], first: 20) { key { status } } } }")
    status = statuses["partnerships"]["groupBy"][category]["key"]["status"]
    qualifier = next(q for q in QUALIFIERS if _words(q) == drawn["series"][series]["name"])
    deals = _data(
        api,
        """query($status: Status!, $qualifier: MoneyQualifier!) {
        partnerships(where: {status: {eq: $status}, valueQualifier: {eq: $qualifier}}, first: 100) {
          nodes { id } } }""",
        {"status": status, "qualifier": qualifier},
    )["partnerships"]["nodes"]
    assert deals

    _click_bar(page, "money", category, series)
    assert _query(page) == {"deals": [f"status:{status}:{qualifier}"]}
    assert page.page.locator("#graph").is_visible()
    assert page.page.locator("#overlay li").count() == len(deals)
    highlighted = set(page.page.evaluate("() => window.supplygraph.cy.nodes('.hl').map(n => n.id())"))
    assert {deal["id"] for deal in deals} <= highlighted
    page.shot("dashboard-deals-by-status")

    # The URL is the view.
    page.page.reload()
    page.idle()
    assert page.page.locator("#overlay li").count() == len(deals)


def test_a_status_in_the_table_opens_all_its_deals(seeded: Driver, api: ApiProcess, page: Watched) -> None:
    # The keyboard's way: the table's row buttons do what a click on the chart does.
    _open(page, api)
    groups = _data(api, "{ partnerships { groupBy(by: [STATUS], first: 20) { key { status } count } } }")
    group = min((g for g in groups["partnerships"]["groupBy"] if g["count"] <= 100), key=lambda g: g["count"])
    table = page.page.locator("[data-chart=money] details")
    table.locator("summary").click()
    table.get_by_role("button", name=_words(group["key"]["status"]), exact=True).press("Enter")
    page.idle()
    assert _query(page) == {"deals": [f"status:{group['key']['status']}"]}
    assert page.page.locator("#overlay li").count() == group["count"]


def test_a_month_opens_its_deals(seeded: Driver, api: ApiProcess, page: Watched) -> None:
    _open(page, api)
    drawn = _drawn(page)["months"]
    values = drawn["series"][0]["values"]
    category = values.index(max(values))
    month = drawn["categories"][category]
    year, number = int(month[:4]), int(month[5:])
    following = f"{year + number // 12}-{number % 12 + 1:02d}-01"
    # The deals of that month as the month grouping counts them: dated to the day or the month.
    found = _data(
        api,
        """query($where: PartnershipWhere) { partnerships(where: $where, first: 100) {
        nodes { id announcedPrecision } } }""",
        {"where": {"announcedOn": {"gte": f"{month}-01", "lt": following}}},
    )["partnerships"]["nodes"]
    expected = {deal["id"] for deal in found if deal["announcedPrecision"] in ("DAY", "MONTH")}
    assert len(expected) == values[category]

    _click_bar(page, "months", category)
    assert _query(page) == {"deals": [f"month:{month}"]}
    assert page.page.locator("#overlay li").count() == len(expected)
    drawn_ids = set(
        page.page.evaluate("() => window.supplygraph.cy.nodes('[type = \"Partnership\"]').map(n => n.id())")
    )
    assert drawn_ids == expected


def test_a_hub_opens_its_network(seeded: Driver, api: ApiProcess, page: Watched) -> None:
    _open(page, api)
    top = _data(api, "{ rankings(by: LARGEST_MONEY_HUBS, first: 1) { company { id name } } }")["rankings"][0]
    _click_bar(page, "hubs", 0)
    assert _query(page)["focus"] == [top["company"]["id"]]
    assert page.page.locator("#graph").is_visible()
    status = page.page.locator("#status").inner_text()
    assert page.page.locator("#details h2").inner_text(timeout=5000) == top["company"]["name"], status


def test_a_country_opens_its_facilities_on_the_map(seeded: Driver, api: ApiProcess, page: Watched) -> None:
    _open(page, api)
    country = _drawn(page)["capacity"]["categories"][0]
    facilities = _data(api, "{ facilities(first: 100) { nodes { id location { country } } } }")["facilities"][
        "nodes"
    ]
    expected = {f["id"] for f in facilities if f["location"]["country"] == country}
    _click_bar(page, "capacity", 0)
    assert _query(page) == {"view": ["facilities"], "country": [country]}
    markers = page.page.locator("#facilities .marker").evaluate_all("ms => ms.map(m => m.dataset.id)")
    assert set(markers) == expected
    assert f"in {country}" in page.page.locator("#status").inner_text()
    page.page.get_by_role("button", name="Show every country").click()
    page.idle()
    assert page.page.locator("#facilities .marker").count() == len(facilities)
    assert "country" not in _query(page)


def test_a_failed_chart_says_so_and_tries_again(seeded: Driver, api: ApiProcess, page: Watched) -> None:
    failing = True

    def refuse_hubs(route: Route) -> None:
        body = route.request.post_data or ""
        if failing and "DashboardHubs" in body:
            error = {"errors": [{"message": "the test refused it", "extensions": {"code": "INTERNAL"}}]}
            route.fulfill(status=200, content_type="application/json", body=json.dumps(error))
        else:
            route.fallback()

    page.page.route("**/graphql", refuse_hubs)
    page.page.goto(f"{api.url}/explore?view=dashboard")
    page.idle(60_000)
    card = page.page.locator("[data-chart=hubs]")
    assert card.get_attribute("data-state") == "error"
    assert "the test refused it" in card.locator(".chart-status").inner_text()
    assert page.page.locator("[data-chart=money]").get_attribute("data-state") == "ready"
    failing = False
    card.get_by_role("button", name="Try again").click()
    page.idle()
    assert card.get_attribute("data-state") == "ready"
    assert _drawn(page)["hubs"]["categories"]
