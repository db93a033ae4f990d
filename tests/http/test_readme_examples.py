"""The example queries of the README and docs/ run against the seeded graph and answer what they
promise; every GraphQL block there runs without an error."""

import re
from collections.abc import Callable
from typing import Any

import pytest
from neo4j import Driver

from seed.cli import DATA_DIR
from seed.loader import load_curated
from seed.validate import load_dataset
from tests.support import REPO_ROOT, ApiProcess, graphql, wipe

PAGES = [REPO_ROOT / "README.md", *sorted((REPO_ROOT / "docs").glob("*.md"))]
TEXT = "\n".join(page.read_text(encoding="utf-8") for page in PAGES)
NEEDS_KEY = "# needs: a key"
EXAMPLES = dict(re.findall(r"```graphql\n# example: ([\w-]+)\n(.*?)```", TEXT, re.DOTALL))


def _suppliers(data: dict[str, Any]) -> None:
    edges = data["company"]["suppliers"]["edges"]
    names = {e["node"]["name"] for e in edges}
    assert {"Foxconn", "Nvidia", "AMD", "Broadcom"} <= names
    assert all(e["partnerships"] and e["partnerships"][0]["sources"]["nodes"] for e in edges)


def _facilities(data: dict[str, Any]) -> None:
    edges = data["company"]["facilities"]["edges"]
    states = {e["node"]["location"]["state"] for e in edges}
    assert {"Wisconsin", "Ohio", "Texas", "Virginia", "Indiana"} <= states
    assert all(e["node"]["sources"]["nodes"] for e in edges)


def _deals(data: dict[str, Any]) -> None:
    deals = data["partnerships"]["nodes"]
    amounts = [d["value"]["amount"] for d in deals]
    assert deals and amounts == sorted(amounts, reverse=True) and min(amounts) >= 1e10
    assert "Nvidia–OpenAI 10 GW systems and investment letter of intent" in {d["name"] for d in deals}


def _positions(data: dict[str, Any]) -> None:
    positions = data["person"]["positions"]["nodes"]
    assert {("Foxconn", "CHAIR"), ("Foxconn", "CEO")} <= {
        (p["company"]["name"], p["role"]) for p in positions
    }


def _fact(data: dict[str, Any]) -> None:
    deal = data["partnership"]
    assert deal["status"] == "UNFINALIZED" and deal["value"]["qualifier"] == "UP_TO"
    assert any("100 billion" in (s["quote"] or "") for s in deal["sources"]["nodes"])


def _said(data: dict[str, Any]) -> None:
    said = data["person"]["statements"]["nodes"]
    assert len(said) >= 5 and all(any(s["text"] in n["quote"] for n in s["sources"]["nodes"]) for s in said)
    assert [s["on"] for s in said] == sorted((s["on"] for s in said), reverse=True)
    assert "OpenAI" in {n.get("name") for s in said for n in s["about"]["nodes"]}


def _near(data: dict[str, Any]) -> None:
    # After a fresh load (see test_readme_example): the first ten load events of CoreWeave and
    # the entities one link from it, in seq order.
    nodes = data["changes"]["nodes"]
    seqs = [n["seq"] for n in nodes]
    assert len(nodes) == 10 and seqs == sorted(seqs)
    assert {n["action"] for n in nodes} == {"load_create"} and {n["keyName"] for n in nodes} == {"loader"}
    near = {link["id"] for n in nodes for link in n["linksAdded"]} | {n["entity"] for n in nodes}
    assert all(n["entity"] == "coreweave" or "coreweave" in near for n in nodes)


def _as_of(data: dict[str, Any]) -> None:
    deals = data["company"]["partnerships"]["nodes"]
    assert deals and "nvidia-openai-10gw" not in {d["id"] for d in deals}
    assert all(d["announcedOn"] is None or d["announcedOn"] <= "2025-09-21" for d in deals)


def _known_then(data: dict[str, Any]) -> None:
    # Loaded by the test (today), so unknown to the graph on 2025-01-01.
    assert data == {"companies": {"totalCount": 0}}


def _timeline(data: dict[str, Any]) -> None:
    events = data["timeline"]["nodes"]
    assert len(events) == 5 and [e["on"] for e in events] == sorted(e["on"] for e in events)
    assert all(e["sources"]["nodes"] and e["sources"]["nodes"][0]["quote"] for e in events)


def _money(data: dict[str, Any]) -> None:
    deals = data["partnerships"]
    aggregate = deals["aggregate"]
    assert aggregate["count"] == deals["totalCount"] > 0
    assert aggregate["valueUsd"]["includedQualifiers"] == ["EXACT"]
    split = {q["qualifier"]: q for q in aggregate["split"]["byQualifier"]}
    assert {"EXACT", "UP_TO", "UNDISCLOSED"} <= set(split) and split["UNDISCLOSED"]["count"] == 0
    assert aggregate["valueUsd"]["sum"] == split["EXACT"]["sum"]
    assert len(aggregate["all"]["includedQualifiers"]) > 1
    assert abs(aggregate["all"]["sum"] - sum(q["sum"] or 0 for q in split.values())) < 1


def _counterparties(data: dict[str, Any]) -> None:
    deals = data["company"]["partnerships"]
    groups = deals["groupBy"]
    counts = [g["count"] for g in groups]
    assert len(groups) == 5 and counts == sorted(counts, reverse=True) and counts[0] <= deals["totalCount"]
    # Nvidia is never its own counterparty.
    assert "nvidia" not in {g["key"]["company"]["id"] for g in groups if g["key"]["company"]}


def _many_suppliers(data: dict[str, Any]) -> None:
    companies = data["companies"]
    assert companies["totalCount"] == len(companies["nodes"]) > 0
    assert all(c["suppliers"]["totalCount"] >= 3 for c in companies["nodes"])


def _match(data: dict[str, Any]) -> None:
    # The curated entry whose legal name the query spells with another legal form.
    expected = next(
        e.id
        for e in load_dataset(DATA_DIR).sourced()
        if getattr(e, "legal_name", None) == "Hon Hai Precision Industry Co."
    )
    top = data["match"][0]
    assert top["id"] == expected and top["score"] >= 0.9 and top["features"]["countryMatch"] is True


def _duplicates(data: dict[str, Any]) -> None:
    pairs = data["duplicateCandidates"]
    assert all(p["score"] >= 0.9 and p["left"]["id"] < p["right"]["id"] for p in pairs)


CHECKS: dict[str, Callable[[dict[str, Any]], None]] = {
    "match-hon-hai": _match,
    "duplicate-candidates": _duplicates,
    "nvidia-deals-before-openai": _as_of,
    "openai-known-then": _known_then,
    "openai-timeline": _timeline,
    "who-supplies-openai": _suppliers,
    "foxconn-us-facilities": _facilities,
    "unfinalized-deals-by-value": _deals,
    "executive-positions": _positions,
    "fact-and-source": _fact,
    "what-young-liu-said": _said,
    "changes-near-coreweave": _near,
    "money-by-qualifier": _money,
    "nvidia-deals-by-counterparty": _counterparties,
    "companies-with-many-suppliers": _many_suppliers,
}


def test_the_docs_have_the_checked_examples() -> None:
    assert set(EXAMPLES) == set(CHECKS)


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_readme_example(seeded: Driver, api: ApiProcess, name: str) -> None:
    if name == "changes-near-coreweave":  # a feed to read: the curated data loaded afresh
        wipe(seeded)
        load_curated(seeded, "neo4j", load_dataset(DATA_DIR))
    result = graphql(api.url, EXAMPLES[name])
    assert "errors" not in result, result
    assert result["extensions"]["statements"] == 1
    CHECKS[name](result["data"])


def test_every_graphql_block_in_the_docs_runs(seeded: Driver, api: ApiProcess, keys: dict[str, str]) -> None:
    blocks = re.findall(r"```graphql\n(.*?)```", TEXT, re.DOTALL)
    assert len(blocks) > len(EXAMPLES)
    for block in blocks:
        if "registerWebhook" in block:  # needs a receiver: tests/api/test_webhooks.py runs it
            continue
        # Blocks marked as needing a key run with an admin's, which may do everything.
        result = graphql(api.url, block, key=keys["admin"] if block.startswith(NEEDS_KEY) else None)
        assert "errors" not in result, (block, result)
