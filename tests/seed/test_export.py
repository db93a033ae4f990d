"""`python -m seed export`: the live graph back in the seed format, a fixed point of load + export."""

import filecmp
from pathlib import Path
from typing import Any

from neo4j import Driver

from seed.cli import DATA_DIR
from seed.loader import load_curated
from seed.validate import load_dataset
from service.domain.entities import SECTIONS
from tests.support import seed_only, wipe


def _export(seed_cli: Any, out: Path) -> None:
    run = seed_cli("export", "--out", str(out))
    assert run.returncode == 0, run.stderr
    assert "exported to" in run.stdout


def test_export_load_export_gives_identical_files(driver: Driver, seed_cli: Any, tmp_path: Path) -> None:
    seed_only(driver)
    first, second = tmp_path / "first", tmp_path / "second"
    _export(seed_cli, first)
    names = sorted(p.name for p in first.glob("*.yaml"))
    assert names == sorted(f"{kind}.yaml" for kind in SECTIONS)

    wipe(driver)
    exported = load_dataset(first)
    report = load_curated(driver, "neo4j", exported)
    # Every entry of the curated files came back, one node each.
    curated = sum(load_dataset(Path(DATA_DIR)).counts().values())
    assert report.nodes_written == curated == sum(exported.counts().values())
    _export(seed_cli, second)
    match, mismatch, errors = filecmp.cmpfiles(first, second, names, shallow=False)
    assert sorted(match) == names and not mismatch and not errors

    # The exported data says what the curated files say: same entities, same evidence.
    original, exported = load_dataset(DATA_DIR), load_dataset(first)
    for kind in SECTIONS:
        assert {e.id for e in original.section(kind)} == {e.id for e in exported.section(kind)}
    evidence = {e.id: [(x.source, x.quote) for x in e.all_evidence()] for e in original.sourced()}
    for entry in exported.sourced():
        assert sorted(evidence[entry.id]) == sorted((x.source, x.quote) for x in entry.all_evidence())
    seed_only(driver)


def test_export_of_one_origin(driver: Driver, seed_cli: Any, tmp_path: Path) -> None:
    seed_only(driver)
    run = seed_cli("export", "--out", str(tmp_path), "--origin", "nothing-has-this-origin")
    assert run.returncode == 0
    assert not list(tmp_path.glob("*.yaml"))
