"""The seed loader against a real Neo4j: counts, provenance, idempotence, atomicity."""

import shutil
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from neo4j import Driver

from seed.cli import DATA_DIR
from seed.validate import load_dataset
from service.domain.entities import SECTIONS
from tests.support import REPO_ROOT, Neo4jServer, snapshot

SeedCli = Callable[..., subprocess.CompletedProcess[str]]


def _count(driver: Driver, query: str, **params: object) -> int:
    records, _, _ = driver.execute_query(query, params)
    return int(records[0][0])


def test_counts_per_label_match_the_data_files(seeded: Driver) -> None:
    dataset = load_dataset(DATA_DIR)
    labels = {kind: model.__name__ for kind, model in SECTIONS.items()}
    for kind, expected in dataset.counts().items():
        assert expected > 0, kind
        assert _count(seeded, f"MATCH (n:{labels[kind]}) RETURN count(n)") == expected, kind


def test_every_entity_has_a_source_with_a_quote(seeded: Driver) -> None:
    assert _count(seeded, "MATCH (n:Entity) WHERE NOT n:Source RETURN count(n)") > 300
    unsourced = _count(
        seeded, "MATCH (n:Entity) WHERE NOT n:Source AND NOT (n)-[:SOURCED_BY]->(:Source) RETURN count(n)"
    )
    assert unsourced == 0
    assert (
        _count(seeded, "MATCH ()-[r:SOURCED_BY]->() WHERE r.quote IS NULL OR r.quote = '' RETURN count(r)")
        == 0
    )
    # Links carry their own sources too.
    assert _count(seeded, "MATCH ()-[r:HOLDS_POSITION]->() WHERE size(r.sources) = 0 RETURN count(r)") == 0


def test_derived_edges_are_stamped_with_their_partnership(seeded: Driver) -> None:
    for kind in ("SUPPLIES", "INVESTS_IN", "MONEY_FLOW"):
        assert _count(seeded, f"MATCH ()-[r:{kind}]->() RETURN count(r)") > 0, kind
        orphaned = _count(
            seeded,
            f"MATCH ()-[r:{kind}]->() WHERE NOT EXISTS {{ MATCH (p:Partnership {{id: r.partnership}}) }} "
            "RETURN count(r)",
        )
        assert orphaned == 0, kind
    # The seed article's deal: Foxconn manufactures for OpenAI, so Foxconn supplies OpenAI.
    assert (
        _count(
            seeded, "MATCH (:Company {id: 'foxconn'})-[r:SUPPLIES]->(:Company {id: 'openai'}) RETURN count(r)"
        )
        >= 1
    )
    # Nvidia invests in OpenAI and OpenAI pays Nvidia-backed clouds: money flows both ways.
    assert (
        _count(
            seeded, "MATCH (:Company {id: 'nvidia'})-[:MONEY_FLOW]->(:Company {id: 'openai'}) RETURN count(*)"
        )
        >= 1
    )


def test_foxconn_us_sites_of_the_article_are_facilities(seeded: Driver) -> None:
    records, _, _ = seeded.execute_query(
        "MATCH (:Company {id: 'foxconn'})-[:OWNS|OPERATES]->(f:Facility {country: 'US'}) "
        "RETURN collect(DISTINCT f.region) AS regions"
    )
    assert {"Wisconsin", "Ohio", "Texas", "Virginia", "Indiana"} <= set(records[0]["regions"])


def test_mount_pleasant_carries_its_lcd_plant_history(seeded: Driver) -> None:
    records, _, _ = seeded.execute_query(
        "MATCH (e:Event)-[:ABOUT]->(f:Facility {id: 'microsoft-mount-pleasant-campus'}) "
        "RETURN e.on AS on, e.description AS description ORDER BY on"
    )
    descriptions = " ".join(r["description"].lower() for r in records)
    assert "lcd" in descriptions or "panel" in descriptions
    assert records[0]["on"].year == 2018


def test_second_load_changes_nothing(seeded: Driver, seed_cli: SeedCli) -> None:
    before = snapshot(seeded)
    result = seed_cli()
    assert result.returncode == 0, result.stderr
    assert "nothing changed" in result.stdout
    assert snapshot(seeded) == before


def _copy_data(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_a_changed_entry_updates_only_that_entity(seeded: Driver, seed_cli: SeedCli, tmp_path: Path) -> None:
    data = _copy_data(tmp_path)
    _edit(data / "companies.yaml", '    name: "OpenAI"\n', '    name: "OpenAI (edited)"\n')
    dry = seed_cli("load", "--data", str(data), "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "would write: 0 new, 1 changed, 0 removed" in dry.stdout
    assert "changed: openai" in dry.stdout
    before = snapshot(seeded)
    result = seed_cli("load", "--data", str(data))
    assert result.returncode == 0, result.stderr
    assert "wrote: 0 new, 1 changed, 0 removed" in result.stdout
    after = snapshot(seeded)
    changed = [node for node in after[0] if node not in before[0]]
    # The entity changed, and what it was is kept as a version (transaction time: knownAt).
    [entity] = [node for node in changed if "Version" not in node[0]]
    [version] = [node for node in changed if node[0] == ["Version"]]
    assert ("name", "OpenAI (edited)") in entity[1] and ("name", "OpenAI") in version[1]
    live = [link for link in after[1] if link[0] not in ("WAS", "PREVIOUSLY")]
    assert before[1] == live  # its links were rewritten identically...
    archived = [link for link in after[1] if link[0] == "WAS"]
    # ...and the ones it owned before are kept as archived copies (their type in was_type).
    assert (
        archived
        and all(link[1] == "openai" or link[2] == "openai" for link in archived)
        and {dict(link[3])["was_type"] for link in archived} <= {link[0] for link in before[1]}
    )


BAD_ENTRY = """- id: bad-deal
  name: A deal with a wrong role
  kind: supply
  status: announced
  parties:
  - {company: openai, role: customer}
  - {company: foxconn, role: supplyer}
  evidence:
  - {source: seed-article, quote: "x"}
"""


def test_one_bad_entry_leaves_the_graph_unchanged(seeded: Driver, seed_cli: SeedCli, tmp_path: Path) -> None:
    data = _copy_data(tmp_path)
    (data / "new-deals.yaml").write_text("partnerships:\n" + BAD_ENTRY, encoding="utf-8")
    _edit(data / "companies.yaml", '    name: "OpenAI"\n', '    name: "OpenAI (changed)"\n')
    before = snapshot(seeded)
    result = seed_cli("load", "--data", str(data))
    assert result.returncode == 1
    bad_line = 2 + BAD_ENTRY.split("\n").index("  - {company: foxconn, role: supplyer}")
    assert f"new-deals.yaml:{bad_line}: bad-deal: parties.1.role:" in result.stderr
    assert "nothing was written" in result.stderr
    assert snapshot(seeded) == before


def test_a_killed_load_leaves_no_partial_data(
    seeded: Driver, neo4j_server: Neo4jServer, tmp_path: Path
) -> None:
    data = _copy_data(tmp_path)
    _edit(data / "companies.yaml", '    name: "OpenAI"\n', '    name: "OpenAI (killed)"\n')
    (data / "events-facilities.yaml").unlink()  # removals are part of the same transaction
    before = snapshot(seeded)
    env = {**neo4j_server.env(), "SUPPLYGRAPH_SEED_PAUSE": "120"}
    import os

    process = subprocess.Popen(
        [sys.executable, "-m", "seed", "load", "--data", str(data)],
        cwd=REPO_ROOT,
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "PAUSED"  # nodes written, transaction open
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert snapshot(seeded) == before


@pytest.mark.parametrize("companies", [200])
def test_synthetic_data_validates_loads_and_is_marked(
    empty_graph: Driver, seed_cli: SeedCli, tmp_path: Path, companies: int
) -> None:
    out = tmp_path / "synthetic"
    assert seed_cli("synth", "--companies", str(companies), "--out", str(out)).returncode == 0
    check = seed_cli("check", "--data", str(out))
    assert check.returncode == 0, check.stderr
    result = seed_cli("load", "--data", str(out), "--staged", "--origin", "synthetic")
    assert result.returncode == 0, result.stderr
    assert _count(empty_graph, "MATCH (c:Company) RETURN count(c)") == companies
    assert _count(empty_graph, "MATCH (n:Entity) WHERE n.synthetic <> true RETURN count(n)") == 0
    assert _count(empty_graph, "MATCH (n:Staged) RETURN count(n)") == 0
    assert _count(empty_graph, "MATCH ()-[r:SUPPLIES]->() RETURN count(r)") > 0
    again = seed_cli("load", "--data", str(out), "--staged", "--origin", "synthetic")
    assert "nothing changed" in again.stdout


def test_a_killed_staged_load_shows_nothing_and_is_cleaned_up(
    empty_graph: Driver, neo4j_server: Neo4jServer, seed_cli: SeedCli, tmp_path: Path
) -> None:
    import os

    out = tmp_path / "synthetic"
    assert seed_cli("synth", "--companies", "3000", "--out", str(out)).returncode == 0
    process = subprocess.Popen(
        [sys.executable, "-m", "seed", "load", "--data", str(out), "--staged", "--origin", "synthetic"],
        cwd=REPO_ROOT,
        env={**os.environ, **neo4j_server.env(), "SUPPLYGRAPH_SEED_PAUSE": "120"},
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "PAUSED"  # one batch committed under :Staged
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert _count(empty_graph, "MATCH (n:Staged) RETURN count(n)") > 0
    assert _count(empty_graph, "MATCH (n:Entity) RETURN count(n)") == 0
    assert _count(empty_graph, "MATCH (n:Company) RETURN count(n)") == 0
    result = seed_cli("load", "--data", str(out), "--staged", "--origin", "synthetic")
    assert result.returncode == 0, result.stderr
    assert _count(empty_graph, "MATCH (n:Staged) RETURN count(n)") == 0
    assert _count(empty_graph, "MATCH (n:Company) RETURN count(n)") == 3000
