"""The graph back in the seed format: `python -m seed export`, and entries for mutations.

`entry_data` turns what `service.graph.seed_reads` returns for one entity into the mapping a
data file would hold, with a fixed key and list order, so that export -> load into an empty
database -> export gives the same files. Evidence keeps its order; links the format does not
order (positions, facility links, subjects, concerned facilities) are sorted.

Positions and facility links store their sources and quotes on the relationship, and their full
evidence items (row, attribute, value, ...) as the entity's SOURCED_BY edges after its own; the
split between the two is found again by matching those runs.
"""

from collections.abc import Iterable
from itertools import permutations
from pathlib import Path
from typing import Any

import yaml

from seed.models import Company, Event, Facility, Partnership, Person, Source
from seed.partial_date import PartialDateValue
from seed.vocab import DatePrecision

MODELS: dict[str, type[Source | Company | Person | Facility | Partnership | Event]] = {
    "Source": Source,
    "Company": Company,
    "Person": Person,
    "Facility": Facility,
    "Partnership": Partnership,
    "Event": Event,
}
FILES = {
    "Source": "sources",
    "Company": "companies",
    "Person": "people",
    "Facility": "facilities",
    "Partnership": "partnerships",
    "Event": "events",
}
_EVIDENCE_KEYS = ("row", "attribute", "value", "preferred", "note")


class ExportError(ValueError):
    """The graph holds something the seed format cannot say (e.g. evidence that matches no link)."""


def _date(value: Any, precision: Any) -> str | None:
    if value is None:
        return None
    start = value.to_native() if hasattr(value, "to_native") else value
    return PartialDateValue(start, DatePrecision(precision or "day")).text


def _put(data: dict[str, Any], key: str, value: Any) -> None:
    """Only what the entry says: no None, no empty lists, no False defaults."""
    if value is None or value == [] or value is False:
        return
    data[key] = value


def _evidence(item: dict[str, Any]) -> dict[str, Any]:
    props = item["props"]
    data: dict[str, Any] = {"source": item["source"], "quote": props["quote"]}
    for key in _EVIDENCE_KEYS:
        if props.get(key) is not None:
            data[key] = props[key]
    if props.get("post_2025"):
        data["post_2025"] = True
    return data


def _split_evidence(
    entity: str, evidence: list[dict[str, Any]], links: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[list[dict[str, Any]]]]:
    """The entity's own evidence, and each link's evidence items (in the order of `links`)."""
    lengths = [len(link["props"].get("sources") or []) for link in links]
    own = len(evidence) - sum(lengths)
    if own < 0:
        raise ExportError(f"{entity}: its links cite more sources than it has evidence edges")
    starts = [link["props"].get("evidence_ord") for link in links]
    if links and all(isinstance(start, int) for start in starts):
        # Written since row format 4: each link says where its evidence starts.
        by_ord = {e["props"]["ord"]: e for e in evidence}
        spans = zip(starts, lengths, strict=True)
        exact = [[_evidence(by_ord[i]) for i in range(start, start + n)] for start, n in spans]
        return [_evidence(e) for e in evidence[:own]], exact
    # Older rows: find the order of the links whose sources and quotes match the tail.
    tail = [(e["source"], e["props"]["quote"]) for e in evidence[own:]]
    keys = [list(zip(link["props"]["sources"], link["props"]["quotes"], strict=True)) for link in links]
    # Links are few (a person's titles, a site's owners): trying their orders is cheap.
    for order in permutations(range(len(links))) if len(links) <= 7 else [tuple(range(len(links)))]:
        if [pair for index in order for pair in keys[index]] == tail:
            runs: list[list[dict[str, Any]]] = [[] for _ in links]
            position = own
            for index in order:
                runs[index] = [_evidence(e) for e in evidence[position : position + lengths[index]]]
                position += lengths[index]
            return [_evidence(e) for e in evidence[:own]], runs
    raise ExportError(f"{entity}: the evidence of its links does not match its evidence edges")


def _span(data: dict[str, Any], props: dict[str, Any]) -> None:
    _put(data, "since", _date(props.get("since"), props.get("since_precision")))
    _put(data, "until", _date(props.get("until"), props.get("until_precision")))


def _capacity(props: dict[str, Any]) -> list[dict[str, Any]]:
    amounts = props.get("capacity_amounts") or []
    units, qualifiers = props.get("capacity_units") or [], props.get("capacity_qualifiers") or []
    return [
        {"amount": a, "unit": u, "qualifier": q} for a, u, q in zip(amounts, units, qualifiers, strict=True)
    ]


def _money(props: dict[str, Any], prefix: str) -> dict[str, Any] | None:
    qualifier = props.get(f"{prefix}_qualifier")
    if qualifier is None:
        return None
    data: dict[str, Any] = {"qualifier": qualifier}
    for key in ("amount", "currency", "usd"):
        if props.get(f"{prefix}_{key}") is not None:
            data[key] = props[f"{prefix}_{key}"]
    return data


def entry_data(record: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """(label, the entry as a data file would hold it) for one record of `seed_reads`."""
    label, props, entity = record["label"], record["props"], record["id"]
    data: dict[str, Any] = {"id": entity}
    if label == "Source":
        for key in ("url", "title", "publisher"):
            _put(data, key, props.get(key))
        _put(data, "published", _date(props.get("published_on"), props.get("published_precision")))
        for key in ("date_basis", "tier", "note", "synthetic"):
            _put(data, key, props.get(key))
        return label, data
    links: list[dict[str, Any]] = {"Person": record["positions"], "Facility": record["facility_links"]}.get(
        label, []
    )
    own, runs = _split_evidence(entity, record["evidence"], links)
    match label:
        case "Company":
            for key in ("name", "kind", "legal_name", "aliases", "country", "ticker"):
                _put(data, key, props.get(key))
            _put(data, "parent", record["parent"][0] if record["parent"] else None)
            _put(data, "description", props.get("description"))
        case "Person":
            _put(data, "name", props.get("name"))
            _put(data, "aliases", props.get("aliases"))
            positions = []
            for link, evidence in zip(links, runs, strict=True):
                position = {
                    "company": link["company"],
                    "title": link["props"]["title"],
                    "role": link["props"]["role"],
                }
                _span(position, link["props"])
                position["evidence"] = evidence
                positions.append(position)
            _put(data, "positions", sorted(positions, key=_link_key))
        case "Facility":
            for key in ("name", "kind", "status"):
                _put(data, key, props.get(key))
            _put(
                data, "status_as_of", _date(props.get("status_as_of_on"), props.get("status_as_of_precision"))
            )
            _put(data, "aliases", props.get("aliases"))
            location: dict[str, Any] = {}
            for key in ("city", "region", "country", "latitude", "longitude"):
                _put(location, key, props.get(key))
            location["precision"] = props.get("location_precision")
            data["location"] = location
            _put(data, "capacity", _capacity(props))
            facility_links = []
            for link, evidence in zip(links, runs, strict=True):
                facility_link = {"company": link["company"], "kind": link["type"].lower()}
                _span(facility_link, link["props"])
                facility_link["evidence"] = evidence
                facility_links.append(facility_link)
            _put(data, "links", sorted(facility_links, key=_link_key))
            _put(data, "part_of", record["part_of"][0] if record["part_of"] else None)
            _put(data, "description", props.get("description"))
        case "Partnership":
            for key in ("name", "kind", "status"):
                _put(data, key, props.get(key))
            _put(data, "announced", _date(props.get("announced_on"), props.get("announced_precision")))
            _put(data, "summary", props.get("summary"))
            parties = []
            for party in record["parties"]:
                entry_party: dict[str, Any] = {"company": party["company"], "role": party["props"]["role"]}
                _put(entry_party, "value", _money(party["props"], "value"))
                parties.append(entry_party)
            data["parties"] = parties
            _put(data, "value", _money(props, "value"))
            _put(data, "capacity", _capacity(props))
            _put(data, "facilities", sorted(record["facilities"]))
            _put(data, "products", props.get("products"))
            _put(data, "part_of", record["part_of"][0] if record["part_of"] else None)
        case "Event":
            _put(data, "on", _date(props.get("on"), props.get("on_precision")))
            _put(data, "kind", props.get("kind"))
            _put(data, "description", props.get("description"))
            _put(data, "subjects", sorted(record["subjects"]))
        case _:
            raise ExportError(f"{entity}: no seed format for label {label}")
    _put(data, "unknown", props.get("unknown"))
    _put(data, "synthetic", props.get("synthetic"))
    _put(data, "evidence", own)
    return label, data


def _link_key(item: dict[str, Any]) -> tuple[str, ...]:
    return (item["company"], item.get("kind") or item.get("title", ""), str(item.get("since", "")))


def entry(record: dict[str, Any]) -> Source | Company | Person | Facility | Partnership | Event:
    """The validated model of one record (what the loader would build from the same YAML)."""
    label, data = entry_data(record)
    return MODELS[label].model_validate(data)


class _Dumper(yaml.SafeDumper):
    pass


_PLAIN_RESERVED = {"y", "n", "yes", "no", "on", "off", "true", "false", "null"}


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    # Keys and vocabulary words plain; everything else double-quoted, as the curated files are
    # written, so ids, dates ("2025") and codes always read back as strings.
    plain = value.isidentifier() and value.lower() not in _PLAIN_RESERVED
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=None if plain else '"')


_Dumper.add_representer(str, _text)


def dump(kind: str, entries: Iterable[dict[str, Any]]) -> str:
    header = "# Exported from the live graph by `python -m seed export`.\n"
    body = yaml.dump(
        {kind: list(entries)}, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=1_000_000
    )
    return header + body


def write_files(out: Path, records: Iterable[dict[str, Any]]) -> dict[str, int]:
    """One file per kind (sources.yaml, companies.yaml, ...), entries in id order; returns counts."""
    grouped: dict[str, list[dict[str, Any]]] = {label: [] for label in FILES}
    for record in records:
        label, data = entry_data(record)
        MODELS[label].model_validate(data)  # only what the loader would accept leaves here
        grouped[label].append(data)
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.yaml"):
        old.unlink()
    counts = {}
    for label, items in grouped.items():
        if items:
            items.sort(key=lambda item: str(item["id"]))
            (out / f"{FILES[label]}.yaml").write_text(dump(FILES[label], items), encoding="utf-8")
        counts[FILES[label]] = len(items)
    return counts
