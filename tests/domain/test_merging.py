"""The merge rules on entries (no database): links retargeted and combined, names kept as aliases,
and the undo giving back the entry before, or keeping what was written since."""

from service.domain.merging import absorb, combine, retarget, unmerge_entry

E1 = {"source": "s1", "quote": "one"}
E2 = {"source": "s2", "quote": "two"}
E3 = {"source": "s3", "quote": "three"}


def deal(*companies: str) -> dict[str, object]:
    roles = ["supplier", "customer", "customer"]
    return {
        "id": "deal",
        "name": "A deal",
        "kind": "supply",
        "status": "announced",
        "parties": [{"company": c, "role": roles[i]} for i, c in enumerate(companies)],
        "evidence": [E1],
    }


def test_the_same_link_becomes_one_with_its_evidence_combined() -> None:
    a = {"company": "x", "title": "CEO", "role": "ceo", "evidence": [E1, E2]}
    b = {"company": "x", "title": "CEO", "role": "ceo", "evidence": [E2, E3]}
    other = {"company": "x", "title": "Chair", "role": "chair", "evidence": [E3]}
    assert combine([a, other, b]) == [{**a, "evidence": [E1, E2, E3]}, other]


def test_entries_naming_the_duplicate_name_the_kept_entity() -> None:
    moved = retarget("Partnership", deal("dup", "openai"), "dup", "foxconn")
    assert [p["company"] for p in moved["parties"]] == ["foxconn", "openai"]
    assert moved["evidence"] == [E1]


def test_the_kept_entity_gets_evidence_links_and_names_and_no_link_to_itself() -> None:
    keep = {"id": "foxconn", "name": "Foxconn", "aliases": ["Hon Hai"], "evidence": [E1]}
    drop = {
        "id": "dup",
        "name": "Hon Hai Precision",
        "legal_name": "hon hai",  # the same as an alias, but for case: not added twice
        "parent": "foxconn",
        "evidence": [E1, E2],
    }
    merged = absorb("Company", keep, drop)
    assert merged["evidence"] == [E1, E2]
    assert merged["aliases"] == ["Hon Hai", "Hon Hai Precision"]
    assert "parent" not in merged  # the duplicate's parent was the kept entity itself
    assert merged["name"] == "Foxconn"


def test_positions_of_a_merged_person_join_and_combine() -> None:
    chair = {"company": "foxconn", "title": "Chairman", "role": "chair"}
    keep = {
        "id": "young-liu",
        "name": "Young Liu",
        "positions": [{**chair, "evidence": [E1]}],
        "evidence": [],
    }
    drop = {
        "id": "liu-young-way",
        "name": "Liu Young-way",
        "positions": [
            {**chair, "evidence": [E2]},
            {"company": "openai", "title": "Adviser", "role": "other", "evidence": [E3]},
        ],
        "evidence": [],
    }
    merged = absorb("Person", keep, drop)
    assert merged["positions"][0] == {**chair, "evidence": [E1, E2]}
    assert merged["positions"][1]["company"] == "openai"
    assert merged["aliases"] == ["Liu Young-way"]


def test_undo_gives_back_the_entry_before_when_nothing_changed_since() -> None:
    before = deal("dup", "openai")
    after = retarget("Partnership", before, "dup", "foxconn")
    assert unmerge_entry(before, after, after) == before


def test_undo_keeps_what_was_written_since() -> None:
    before = {"id": "foxconn", "name": "Foxconn", "evidence": [E1]}
    after = {"id": "foxconn", "name": "Foxconn", "aliases": ["Hon Hai Precision"], "evidence": [E1, E2]}
    current = {**after, "description": "written later", "evidence": [E1, E2, E3]}
    assert unmerge_entry(before, after, current) == {
        "id": "foxconn",
        "name": "Foxconn",
        "description": "written later",
        "evidence": [E1, E3],
    }
    # A list the merge added to and a later write changed: the merge's item goes, the later one stays.
    renamed = {**after, "aliases": ["Hon Hai Precision", "HHPI"]}
    assert unmerge_entry(before, after, renamed)["aliases"] == ["HHPI"]
