"""GraphiQL at /graphql: served from this service only, opening on tabs of example queries that
answer with data against the seeded graph."""

import json
import urllib.request
from typing import Any

from neo4j import Driver

from tests.browser.conftest import Watched
from tests.support import REPO_ROOT, ApiProcess, graphql

EXAMPLES = sorted((REPO_ROOT / "web" / "src" / "graphiql" / "examples").glob("*.graphql"))
TAB_NAMES = [
    "WhoSuppliesOpenAI",
    "FoxconnUSFacilities",
    "UnfinalizedDealsByValue",
    "NvidiaOpenAIMoneyLoop",
    "FoxconnToMicrosoft",
]


def _check(name: str, data: dict[str, Any]) -> None:
    """What each example promises, on the curated seed."""
    if name.endswith("who-supplies-openai"):
        names = {edge["node"]["name"] for edge in data["company"]["suppliers"]["edges"]}
        assert {"Nvidia", "AMD", "Broadcom", "Foxconn"} <= names
    elif name.endswith("foxconn-us-facilities"):
        sites = [edge["node"] for edge in data["company"]["facilities"]["edges"]]
        assert sites and all(
            site["location"]["country"] == "US" and site["sources"]["nodes"] for site in sites
        )
    elif name.endswith("unfinalized-deals-by-value"):
        deals = data["partnerships"]["nodes"]
        values = [deal["value"]["usd"] for deal in deals]
        assert deals and values == sorted(values, reverse=True)
    elif name.endswith("nvidia-openai-money-loop"):
        loops = [[step["from"]["id"] for step in loop["steps"]] for loop in data["circularFlows"]["loops"]]
        assert any(ids[0] == "nvidia" and "openai" in ids for ids in loops), loops
    elif name.endswith("foxconn-to-microsoft"):
        paths = data["connections"]["paths"]
        assert paths and all(p["steps"][0]["from"]["id"] == "foxconn" for p in paths)
        assert all(p["steps"][-1]["to"]["id"] == "microsoft" for p in paths)
    else:
        raise AssertionError(f"no check for the example {name}")


def test_every_example_answers_with_data(seeded: Driver, api: ApiProcess) -> None:
    assert [path.stem for path in EXAMPLES] == [
        "1-who-supplies-openai",
        "2-foxconn-us-facilities",
        "3-unfinalized-deals-by-value",
        "4-nvidia-openai-money-loop",
        "5-foxconn-to-microsoft",
    ]
    for path in EXAMPLES:
        result = graphql(api.url, path.read_text())
        assert "errors" not in result, (path.name, result["errors"])
        _check(path.stem, result["data"])


def test_graphiql_loads_offline_and_runs_an_example(seeded: Driver, api: ApiProcess, page: Watched) -> None:
    page.page.goto(f"{api.url}/graphql")
    tabs = page.page.locator(".graphiql-tab")
    tabs.first.wait_for()
    assert [name.strip() for name in tabs.all_inner_texts()] == TAB_NAMES
    # The explorer plugin is in the sidebar and opens.
    page.page.get_by_role("button", name="Show GraphiQL Explorer").click()
    page.page.locator(".graphiql-explorer-root").wait_for()

    # The money-loop tab runs and shows the loop through OpenAI.
    page.page.locator(".graphiql-tab", has_text="NvidiaOpenAIMoneyLoop").click()
    page.page.locator(".graphiql-execute-button").click()
    response = ".graphiql-response .CodeMirror"
    page.page.wait_for_function(
        "selector => document.querySelector(selector)?.CodeMirror?.getValue().includes('OpenAI')",
        arg=response,
    )
    answer = json.loads(page.page.locator(response).evaluate("node => node.CodeMirror.getValue()"))
    assert answer["data"]["circularFlows"]["loops"]
    page.shot("graphiql-money-loop")
    # Everything the page loaded came from this service: the HTML, the bundles, the schema.
    assert any("/static/assets/" in url for url in page.requests)


def test_graphql_get_still_answers_queries_as_json(api: ApiProcess) -> None:
    request = urllib.request.Request(
        f"{api.url}/graphql?query=%7Bstats%7Bcompanies%7D%7D", headers={"Accept": "text/html"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.headers["Content-Type"].startswith("application/json")
        assert "companies" in json.loads(response.read())["data"]["stats"]
