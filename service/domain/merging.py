"""Merging a duplicate into the entity it duplicates, and undoing it, in the data files' terms.

Pure functions over entries as `service.graph.entries` reads them (seed-file keys). A merge
rewrites three kinds of entry: the kept one (`absorb`: the dropped one's evidence, links and
names added, same links combined), every entry that names the dropped id (`retarget`: the id
replaced by the kept one), and the dropped one (hidden; kept whole for the undo). An undo
(`unmerge_entry`) reverses each rewritten entry against what it is now, so later writes survive.
"""

import copy
import json
from typing import Any

from service.domain.catalog import CATALOG, declarations
from service.domain.declare import Link, Ref
from service.domain.rules import references

EntryData = dict[str, Any]

# The kinds an API client may merge: those that have duplicates in the news (a Source is a page,
# an Event or a Figure a dated claim: a duplicate of those is retracted, not merged).
MERGEABLE = ("Company", "Person", "Facility", "Partnership")


def _linked_keys(label: str) -> tuple[set[str], set[str]]:
    """The entry's keys that hold links to other entities: (lists, single ids)."""
    lists: set[str] = set()
    singles: set[str] = set()
    for decl in declarations(CATALOG.model_of(label)):
        ref, link = decl.marker(Ref), decl.marker(Link)
        if ref is not None or (link is not None and link.target != "Source"):
            (lists if decl.many else singles).add(decl.key)
    return lists, singles


def _identity(item: Any) -> str:
    """What makes two link items the same link: everything but their evidence."""
    if isinstance(item, dict):
        return json.dumps({k: v for k, v in item.items() if k != "evidence"}, sort_keys=True)
    return json.dumps(item, sort_keys=True)


def combine(items: list[Any]) -> list[Any]:
    """The list with items that are the same link made one, their evidence combined (first place
    kept, evidence in order, none twice)."""
    out: list[Any] = []
    at: dict[str, int] = {}
    for item in items:
        key = _identity(item)
        if key not in at:
            at[key] = len(out)
            out.append(copy.deepcopy(item))
            continue
        kept = out[at[key]]
        if isinstance(kept, dict) and isinstance(item, dict):
            evidence = list(kept.get("evidence") or [])
            evidence += [e for e in item.get("evidence") or [] if e not in evidence]
            if evidence:
                kept["evidence"] = evidence
    return out


def _set_at(data: EntryData, path: str, value: str | None) -> None:
    """Replace the id at `path` ("parent", "succeeds.1", "parties.0.company"); None removes it
    (a single id is cleared, a list's id or link item is taken out)."""
    parts = path.split(".")
    key = parts[0]
    if len(parts) == 1:
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
        return
    index = int(parts[1])
    if value is None:
        data[key][index] = None  # taken out below, so that the other paths' indexes still hold
    elif len(parts) == 2:
        data[key][index] = value
    else:
        data[key][index][parts[2]] = value


def _compact(data: EntryData, keys: set[str]) -> EntryData:
    for key in keys:
        if isinstance(data.get(key), list):
            data[key] = combine([v for v in data[key] if v is not None])
    return data


def retarget(label: str, entry: EntryData, drop: str, keep: str) -> EntryData:
    """The entry with every mention of `drop` naming `keep` instead; links that become the same
    link are made one (evidence combined). In the kept entity's own entry a mention of either id
    would point at itself, so it goes."""
    data = copy.deepcopy(entry)
    model = CATALOG.entities[label].model_validate(data)
    own = data.get("id")
    touched: set[str] = set()
    for path, target, _ in list(references(model)):
        if target == drop or (own == keep and target == keep):
            parts = path.split(".")
            whole_item = ".".join(parts[:2]) if len(parts) == 3 else path
            _set_at(data, whole_item if own == keep else path, None if own == keep else keep)
            touched.add(parts[0])
    return _compact(data, touched)


def absorb(label: str, keep: EntryData, drop: EntryData) -> EntryData:
    """The kept entry with the dropped one's evidence, links and names: the same link combined,
    the dropped name and aliases added as aliases, the kept entry's own values kept as they are."""
    data = copy.deepcopy(keep)
    lists, singles = _linked_keys(label)
    data["evidence"] = combine([*data.get("evidence", []), *drop.get("evidence", [])])
    for key in lists:
        if drop.get(key):
            data[key] = combine([*data.get(key, []), *drop[key]])
    for key in singles:
        if data.get(key) is None and drop.get(key) is not None:
            data[key] = drop[key]
    if "aliases" in CATALOG.entities[label].model_fields:
        names = [drop.get("name"), drop.get("legal_name"), *drop.get("aliases", [])]
        taken = {
            str(n).casefold()
            for n in [data.get("name"), data.get("legal_name"), *data.get("aliases", [])]
            if n
        }
        for name in names:
            if name and str(name).casefold() not in taken:
                data.setdefault("aliases", []).append(name)
                taken.add(str(name).casefold())
    return retarget(label, data, str(drop["id"]), str(keep["id"]))


def unmerge_entry(before: EntryData, after: EntryData, current: EntryData) -> EntryData:
    """An entry a merge rewrote, given back: exactly `before` when nothing has changed it since
    (`current == after`); otherwise, key by key, what the merge did is undone and later changes
    stay: a value the merge set goes back unless written since, and in a list the items the merge
    brought are taken out and the items it took (or combined) come back."""
    if current == after:
        return copy.deepcopy(before)
    data = copy.deepcopy(current)
    for key in {*before, *after, *current}:
        was, made, now = before.get(key), after.get(key), current.get(key)
        if now == made:
            if was is None:
                data.pop(key, None)
            else:
                data[key] = copy.deepcopy(was)
        elif isinstance(now, list) and isinstance(made, list | None) and isinstance(was, list | None):
            brought = [item for item in made or [] if item not in (was or [])]
            taken = [item for item in was or [] if item not in (made or [])]
            kept = [item for item in now if item not in brought]
            data[key] = [*kept, *(item for item in taken if item not in kept)]
    return data
