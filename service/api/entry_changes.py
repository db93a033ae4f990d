"""How each mutation changes an entry, in the data files' own terms: the inputs as entries, and
the change functions `service.graph.edits` applies to the current entry."""

from collections.abc import Callable
from enum import Enum
from typing import Any

from service.graph.edits import EntryData

Change = Callable[[EntryData | None], EntryData]


class LinkKindInput(Enum):
    EVIDENCE = "evidence"
    POSITION = "positions"
    FACILITY_LINK = "links"
    PARTY = "parties"
    FACILITY = "facilities"


def plain(value: Any, top: bool = False) -> Any:
    """A coerced input as the data files would write it: vocabulary values, nothing unsent.

    Only an upsert's own fields keep an explicit null (it clears the field); inside nested
    inputs, null means "not given", as a missing key does in a data file."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items() if top or v is not None}
    return value


def overlay(sent: dict[str, Any]) -> Change:
    """The change an upsert makes: sent fields over the current entry (None clears a field)."""

    def change(current: EntryData | None) -> EntryData:
        data = dict(current or {})
        for key, value in sent.items():
            if value is None:
                data.pop(key, None)
            else:
                data[key] = value
        return data

    return change


def append_evidence(items: list[dict[str, Any]]) -> Change:
    def change(current: EntryData | None) -> EntryData:
        data = dict(current or {})
        data["evidence"] = [*data.get("evidence", []), *items]
        return data

    return change


def set_position(position: dict[str, Any]) -> Change:
    def change(current: EntryData | None) -> EntryData:
        data = dict(current or {})
        kept = [
            p
            for p in data.get("positions", [])
            if (p["company"], p["title"]) != (position["company"], position["title"])
        ]
        data["positions"] = [*kept, position]
        return data

    return change


def set_status(status: str, on: str, facility: bool, replaced: dict[str, Any] | None = None) -> Change:
    """The entity's new status (and, for a facility, its date); the status it replaces goes into
    `replaced["status"]`, for the dated event that records the change."""

    def change(current: EntryData | None) -> EntryData:
        data = dict(current or {})
        if replaced is not None:
            replaced["status"] = data.get("status")
        data["status"] = status
        if facility:
            data["status_as_of"] = on
        return data

    return change


def without(link: dict[str, Any]) -> Change:
    """Drop the entry's matching link items; nothing matching is a LookupError (NotFound)."""
    kind: LinkKindInput = link["kind"]
    target, quote, title = str(link["target"]), link.get("quote"), link.get("title")

    def matches(item: Any) -> bool:
        match kind:
            case LinkKindInput.EVIDENCE:
                return bool(item["source"] == target and quote in (None, item["quote"]))
            case LinkKindInput.POSITION:
                return bool(item["company"] == target and title in (None, item["title"]))
            case LinkKindInput.FACILITY:
                return bool(item == target)
        return bool(item["company"] == target)

    def change(current: EntryData | None) -> EntryData:
        data = dict(current or {})
        items = data.get(kind.value, [])
        kept = [item for item in items if not matches(item)]
        if len(kept) == len(items):
            raise LookupError(f"no {kind.name.lower().replace('_', ' ')} link to {target!r}")
        data[kind.value] = kept
        return data

    return change


def event_id(entity_id: str, status: str, on: str) -> str:
    return f"{entity_id}-{status}-{on}".lower().replace("_", "-")[:120]
