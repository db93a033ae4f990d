"""/explore: the network around an entity, expanding, the side panel's sources, the analytics
overlays, the facility map, export and the URL state, in headless chromium."""

import json
import urllib.request
from typing import Any
from urllib.parse import parse_qs, urlsplit

import networkx as nx
from neo4j import Driver

from tests.browser.conftest import Watched
from tests.support import ApiProcess, graphql

NODE_SCHEMATA = {"Company", "Organization", "PublicBody", "Person", "RealEstate", "Project"}


def _ids(page: Watched, selector: str = "node") -> set[str]:
    """Ids of the drawn elements that match a cytoscape selector."""
    ids: list[str] = page.page.evaluate(
        "selector => window.supplygraph.cy.elements(selector).map(e => e.id())", selector
    )
    return set(ids)


def _edges(page: Watched) -> list[dict[str, str]]:
    """Source, target and kind of the drawn links."""
    edges: list[dict[str, str]] = page.page.evaluate(
        "() => window.supplygraph.cy.edges().map(e => ({source: e.data('source'),"
        " target: e.data('target'), kind: e.data('kind')}))"
    )
    return edges


def _has(page: Watched, element_id: str, class_name: str | None = None) -> bool:
    """Whether an element is drawn (and has a class)."""
    found: bool = page.page.evaluate(
        """([id, name]) => { const e = window.supplygraph.cy.getElementById(id);
        return e.nonempty() && (!name || e.hasClass(name)); }""",
        [element_id, class_name],
    )
    return found


def _click_node(page: Watched, node_id: str) -> None:
    """Click a node on the canvas, as a user would: zoom to it first so nothing covers it."""
    position: dict[str, float] = page.page.evaluate(
        """id => { const cy = window.supplygraph.cy; const node = cy.getElementById(id);
        cy.fit(node, 250); return node.renderedPosition(); }""",
        node_id,
    )
    box = page.page.locator("#graph").bounding_box()
    assert box is not None
    page.page.mouse.click(box["x"] + position["x"], box["y"] + position["y"])


def _query(page: Watched) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.page.url).query)


def test_openai_shows_its_suppliers_expands_on_click_and_shows_sources(
    seeded: Driver, api: ApiProcess, page: Watched
) -> None:
    query = '{ company(id: "openai") { suppliers(first: 100) { nodes { id } } } }'
    suppliers: dict[str, Any] = graphql(api.url, query)
    supplier_ids = {node["id"] for node in suppliers["data"]["company"]["suppliers"]["nodes"]}
    assert {"nvidia", "amd", "broadcom", "foxconn"} <= supplier_ids

    page.page.goto(f"{api.url}/explore?focus=openai")
    page.idle()
    in_view = _ids(page)
    assert supplier_ids <= in_view
    assert _has(page, "supply:nvidia->openai")
    # Suppliers are listed for the keyboard too, and the panel shows OpenAI with quoted, linked sources.
    for supplier in ("nvidia", "foxconn"):
        assert page.page.locator(f"#in-view-list button[data-id='{supplier}']").count() == 1
    assert page.page.locator("#details h2").inner_text() == "OpenAI"
    assert page.page.locator("#details .sources blockquote").count() >= 1
    page.shot("explore-openai")

    assert "foxconn-lordstown" not in in_view
    _click_node(page, "foxconn")
    page.idle()
    page.page.wait_for_function("() => document.querySelector('#details h2')?.textContent === 'Foxconn'")
    expanded = _ids(page)
    assert {"foxconn-lordstown", "foxconn-mount-pleasant", "young-liu"} <= expanded - in_view
    assert _has(page, "foxconn", "expanded")
    source = page.page.locator("#details .sources a").first
    href = source.get_attribute("href")
    assert href is not None and href.startswith("http")
    assert source.get_attribute("target") == "_blank"
    assert _query(page) == {"focus": ["openai"], "expand": ["foxconn"], "select": ["foxconn"]}
    page.shot("explore-foxconn-expanded")

    # The URL is the view: opening it again draws the same entities.
    page.page.goto(page.page.url)
    page.idle()
    assert _ids(page) == expanded
    assert page.page.locator("#details h2").inner_text() == "Foxconn"


def test_money_loops_draw_the_nvidia_openai_loop(seeded: Driver, api: ApiProcess, page: Watched) -> None:
    page.page.goto(f"{api.url}/explore?focus=nvidia")
    page.idle()
    page.page.get_by_role("button", name="Money loops").click()
    page.idle()
    assert _query(page)["overlay"] == ["loops"]
    lines = page.page.locator("#overlay li button").all_inner_texts()
    assert any(line.startswith("Nvidia → OpenAI → ") and "→ Nvidia:" in line for line in lines), lines
    highlighted = _ids(page, "edge.hl")
    assert "money:nvidia->openai" in highlighted
    # The loop closes: money from OpenAI reaches a company that pays Nvidia.
    back = {edge.split("->")[0].removeprefix("money:") for edge in highlighted if edge.endswith("->nvidia")}
    onward = {edge.split("->")[1] for edge in highlighted if edge.startswith("money:openai->")}
    assert back & onward, (back, onward)
    assert _has(page, "openai", "hl")
    page.shot("explore-money-loops")

    # One loop on its own, from the list.
    page.page.locator("#overlay li button", has_text="Nvidia → OpenAI → Oracle").first.click()
    assert {"money:nvidia->openai", "money:openai->oracle", "money:oracle->nvidia"} <= _ids(page, "edge.hl")


def test_supply_chain_and_exposure(seeded: Driver, api: ApiProcess, page: Watched) -> None:
    page.page.goto(f"{api.url}/explore?focus=openai&overlay=supply")
    page.idle()
    tiers = page.page.locator("#overlay li button").all_inner_texts()
    assert tiers[0].startswith("Tier 1: ") and "Nvidia" in tiers[0]
    assert any(line.startswith("Tier 2: ") for line in tiers)
    assert "supply:nvidia->openai" in _ids(page, "edge.hl")

    page.page.goto(f"{api.url}/explore?focus=foxconn-lordstown")
    page.idle()
    page.page.get_by_role("button", name="Exposure").click()
    page.idle()
    tiers = page.page.locator("#overlay li button").all_inner_texts()
    assert tiers[0].startswith("Tier 1: ") and "Foxconn" in tiers[0]
    assert "foxconn" in _ids(page, "node.hl")
    page.shot("explore-exposure-lordstown")


def test_search_by_keyboard(seeded: Driver, api: ApiProcess, page: Watched) -> None:
    page.page.goto(f"{api.url}/explore")
    page.idle()
    assert _query(page)["focus"] == ["openai"]  # the default view
    stops = []
    for _ in range(4):  # the skip link, the home link, then the search box
        page.page.keyboard.press("Tab")
        stops.append(page.page.evaluate("() => document.activeElement.id || document.activeElement.tagName"))
    assert "search" in stops, stops
    page.page.focus("#search")
    page.page.keyboard.type("Foxconn")
    page.page.locator("#search-results [role=option]").first.wait_for()
    page.page.keyboard.press("Enter")
    page.idle()
    assert _query(page)["focus"] == ["foxconn"]
    assert page.page.locator("#details h2").inner_text() == "Foxconn"


def test_facility_map(seeded: Driver, api: ApiProcess, page: Watched) -> None:
    count: dict[str, Any] = graphql(api.url, "{ stats { facilities } }")
    page.page.goto(f"{api.url}/explore?view=facilities")
    page.idle()
    markers = page.page.locator("#facilities .marker")
    assert markers.count() == count["data"]["stats"]["facilities"]
    # No coordinates in the curated data: every marker says it is approximate.
    assert all("approximate" in label for label in markers.evaluate_all("ms => ms.map(m => m.ariaLabel)"))
    assert "approximately" in page.page.locator("#status").inner_text()
    page.shot("explore-facilities")

    page.page.locator("#facilities .marker[data-id='foxconn-lordstown']").focus()
    page.page.keyboard.press("Enter")
    page.idle()
    assert page.page.locator("#details h2").inner_text().startswith("Lordstown plant")
    assert page.page.locator("#details .sources blockquote").count() >= 1
    assert _query(page)["select"] == ["foxconn-lordstown"]


def test_export_png_and_svg(seeded: Driver, api: ApiProcess, page: Watched) -> None:
    page.page.goto(f"{api.url}/explore?focus=stargate")
    page.idle()
    for label, magic in (("PNG", b"\x89PNG"), ("SVG", b"<")):
        with page.page.expect_download() as download:
            page.page.get_by_role("button", name=label, exact=True).click()
        path = download.value.path()
        assert download.value.suggested_filename == f"supplygraph-stargate.{label.lower()}"
        content = path.read_bytes()
        assert content.startswith(magic) and len(content) > 1000
        if label == "SVG":
            assert b"<svg" in content[:500]


def test_readable_on_a_phone(seeded: Driver, api: ApiProcess, page: Watched) -> None:
    page.page.set_viewport_size({"width": 390, "height": 844})
    page.page.goto(f"{api.url}/explore?focus=openai")
    page.idle()
    assert page.page.evaluate("() => document.documentElement.scrollWidth") <= 390
    graph = page.page.locator("#graph").bounding_box()
    assert graph is not None and graph["width"] >= 380 and graph["height"] >= 300
    page.shot("explore-phone", full_page=False)


def test_recent_changes_of_what_is_in_view_arrive_live(
    seeded: Driver, api: ApiProcess, page: Watched, keys: dict[str, str]
) -> None:
    # The panel follows the change feed (subscription over SSE) for the entities drawn: a write
    # to one of them through the API shows up without a reload. (The next test's `seeded` puts
    # the curated entry back.)
    page.page.goto(f"{api.url}/explore?focus=openai")
    page.idle()
    assert page.page.locator("#changes").is_hidden()
    page.page.wait_for_timeout(1500)  # the stream is open
    body = json.dumps(
        {
            "query": "mutation($input: CompanyInput!) { upsertCompany(input: $input) { __typename } }",
            "variables": {"input": {"id": "nvidia", "description": "Changed while the explorer watched."}},
        }
    ).encode()
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {keys['editor']}"}
    with urllib.request.urlopen(urllib.request.Request(f"{api.url}/graphql", body, headers), timeout=30) as r:
        assert json.loads(r.read())["data"]["upsertCompany"]["__typename"] == "Written"
    item = page.page.locator('#changes-list li[data-entity="nvidia"]')
    item.wait_for(timeout=15_000)
    text = item.inner_text()
    assert "upsert: description" in text and "test-editor" in text
    assert page.page.locator("#changes").is_visible()
    assert not page.external and not page.errors


def test_a_date_redraws_the_network_as_of_then_and_the_timeline_follows(
    seeded: Driver, api: ApiProcess, page: Watched
) -> None:
    page.page.goto(f"{api.url}/explore?focus=nvidia")
    page.idle()
    assert "nvidia-openai-10gw" in _ids(page)
    today = page.page.locator("#timeline-list > li").count()
    assert today > 0 and page.page.locator("#timeline h2").inner_text() == "Timeline"
    events = page.page.locator("#timeline-list > li time").all_inner_texts()
    assert events == sorted(events)
    assert page.page.locator("#timeline-list .quotes li a").first.get_attribute("href")

    # The day before the OpenAI letter of intent was announced (2025-09-22).
    page.page.fill("#as-of", "2025-09-21")
    page.page.dispatch_event("#as-of", "change")
    page.idle()
    assert _query(page)["asOf"] == ["2025-09-21"]
    assert "nvidia-openai-10gw" not in _ids(page) and "nvidia" in _ids(page)
    dated = page.page.locator("#timeline-list > li time").all_inner_texts()
    assert dated and all(on <= "2025-09-21" for on in dated) and len(dated) < today
    # The analytics follow the date: Nvidia's money loops then use only deals announced by then.
    page.page.get_by_role("button", name="Money loops").click()
    page.idle()
    # (Its money to OpenAI is the letter of intent's, so no loop runs Nvidia → OpenAI yet.)
    lines = page.page.locator("#overlay li button").all_inner_texts()
    assert lines and not any(line.startswith("Nvidia → OpenAI → ") for line in lines), lines
    assert "money:nvidia->openai" not in _ids(page, "edge.hl")
    page.shot("explore-as-of-2025-09-21")

    # The URL keeps the date: a reload draws the same; "Today" clears it.
    page.page.goto(page.page.url)
    page.idle()
    assert page.page.input_value("#as-of") == "2025-09-21" and "nvidia-openai-10gw" not in _ids(page)
    page.page.get_by_role("button", name="Today").click()
    page.idle()
    assert "asOf" not in _query(page) and "nvidia-openai-10gw" in _ids(page)


def test_export_view_as_graphml_gexf_and_ftm(seeded: Driver, api: ApiProcess, page: Watched) -> None:
    page.page.goto(f"{api.url}/explore?focus=stargate")
    page.idle()
    shown = _ids(page, "node:not(.off)")
    assert len(shown) > 1
    for label, extension in (("GraphML", "graphml"), ("GEXF", "gexf"), ("FtM", "ftm.json")):
        with page.page.expect_download() as download:
            page.page.get_by_role("button", name=label, exact=True).click()
        assert download.value.suggested_filename == f"supplygraph-stargate.{extension}"
        path = download.value.path()
        if label == "FtM":
            entities = [json.loads(line) for line in path.read_text().splitlines()]
            assert {e["id"] for e in entities if e["schema"] in NODE_SCHEMATA} == shown
            continue
        network = nx.read_graphml(path, force_multigraph=True) if label == "GraphML" else nx.read_gexf(path)
        # The view's nodes, and the links between them (at least those the view draws).
        assert set(network.nodes) == shown
        drawn = {(e["source"], e["target"]) for e in _edges(page) if e["kind"] != "money"}
        assert drawn <= {(a, b) for a, b in network.edges()} | {(b, a) for a, b in network.edges()}
