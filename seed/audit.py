"""Data-quality report over the seed data: `python -m seed audit` (`make audit`).

It reads the YAML files as plain mappings (no seed model is imported, so it keeps working while the
models change) together with the facts files they were written from, and counts problems by class:

must be zero (the exit code is 1 when one is not):
  quotes        evidence quotes that are not verbatim in the facts files (only whitespace is normalised)
  uncited       registered sources that no evidence item cites
  conflicts     conflicts of the facts files (1..10, P2-n, X3-n) not kept in the data: evidence from two
                sources (or the one registered source the conflict names) names the conflict in its
                note, one claim is `preferred: true` where the facts prefer one, none where they do not
  tier_c        tier-C-only facts (every evidence item for a row of an entity rests on tier C) whose
                evidence does not carry the note "tier C only"

informational:
  no_link       facilities without any operator, owner or developer link
  no_operator   facilities without an `operates` link
  duplicates    normalised names or aliases shared by two entities
  undated       partnerships without an `announced` date
  unattributed  partnership amounts over more than one payer/payee pair with no party-level amount
  tier_c_deals  partnerships whose evidence is all tier C
  conflict_sources  registered sources named by a conflict whose evidence does not name the conflict
  unused_rows   fact rows cited by no evidence and not named in any data file's header
"""

import argparse
import re
import sys
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

REPO_ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = REPO_ROOT / "seed" / "data"
PENDING_DIR = REPO_ROOT / "seed" / "pending"
FACTS_DIR = REPO_ROOT.parent / "shared" / "facts"

MUST_BE_ZERO = ("quotes", "uncited", "conflicts", "tier_c")
INFORMATIONAL = (
    "no_link",
    "no_operator",
    "duplicates",
    "undated",
    "unattributed",
    "tier_c_deals",
    "conflict_sources",
    "unused_rows",
)
TITLES = {
    "quotes": "quotes not verbatim in the facts files",
    "uncited": "registered sources never cited",
    "conflicts": "conflicts of the facts not kept in the data",
    "tier_c": "tier-C-only facts without the tier-C note",
    "no_link": "facilities without an operator, owner or developer link",
    "no_operator": "facilities without an operator (operates) link",
    "duplicates": "duplicate candidates by name",
    "undated": "partnerships without a dated announcement",
    "unattributed": "amounts over several payer/payee pairs with no party-level amount",
    "tier_c_deals": "partnerships resting only on tier-C sources",
    "conflict_sources": "sources named by a conflict whose evidence does not name it",
    "unused_rows": "fact rows neither cited nor explained in a file header",
}
ENTITY_KINDS = (
    "companies",
    "people",
    "facilities",
    "partnerships",
    "events",
    "statements",
    "figures",
    "stakes",
)
TIER_C_NOTE = "tier C only"
# Payer -> payee role pairs, as the loader derives MONEY_FLOW (kept here so the audit imports no model).
MONEY_PAIRS = (
    ("customer", "supplier"),
    ("customer", "manufacturer"),
    ("customer", "developer"),
    ("investor", "investee"),
    ("jv_partner", "jv_entity"),
    ("lessee", "lessor"),
    ("lender", "borrower"),
    ("buyer", "seller"),
    ("licensee", "licensor"),
    ("grantor", "grantee"),
)
ROW_ID = re.compile(r"^\| ((?:[CPFD](?:3-)?\d+[a-z]?)) \|", re.MULTILINE)
CONFLICT_START = re.compile(r"^(?:(\d+)|(P2-\d+)|(X3-\d+))\. \*\*", re.MULTILINE)
CONFLICT_NOTE = re.compile(r"conflicts? ((?:P2-|X3-)?\d+)")
SOURCE_ID = re.compile(r"\bS(?:3-)?\d+[a-z]?\b")
# Wording by which a conflict paragraph of the facts chooses one claim over the other.
PREFERENCE = re.compile(
    r"\b[Pp]refer\b|[Ss]hould show|Action:|\b[Uu]se (?:US\$|[A-Z][a-z]+ \d{4}|\d{4}|S\d)"
    r"|[Tt]reat .{0,40} as an error|Model it as|[Dd]o not use S"
)


def normalise_space(text: str) -> str:
    return " ".join(text.split())


def normalise_name(name: str) -> str:
    return " ".join(re.sub(r"[^0-9a-z]+", " ", name.lower()).split())


@dataclass
class Item:
    """One evidence item, where it sits, and the entity (or pending entry) it belongs to."""

    owner: str
    where: str
    evidence: dict[str, Any]


@dataclass
class Data:
    sources: dict[str, dict[str, Any]] = field(default_factory=dict)
    entities: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    pending: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    headers: str = ""


@dataclass
class Facts:
    text: str = ""
    rows: set[str] = field(default_factory=set)
    conflicts: dict[str, str] = field(default_factory=dict)


def _fix_keys(value: Any) -> Any:
    """YAML 1.1 reads a bare `on:` key as True; the data means the string 'on'."""
    if isinstance(value, dict):
        return {("on" if key is True else key): _fix_keys(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_fix_keys(item) for item in value]
    return value


def _yaml_files(directory: Path) -> Iterator[Path]:
    if directory.is_dir():
        yield from sorted(p for p in directory.rglob("*") if p.suffix in {".yaml", ".yml"})


def _header(path: Path) -> str:
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        lines.append(line)
    return "\n".join(lines)


def load_data(data_dir: Path, pending_dir: Path | None) -> Data:
    data = Data()
    for path in _yaml_files(data_dir):
        content = _fix_keys(yaml.safe_load(path.read_text(encoding="utf-8")) or {})
        data.headers += _header(path) + "\n"
        for kind, entries in content.items():
            for entry in entries or []:
                if kind == "sources":
                    data.sources[str(entry["id"])] = entry
                elif kind in ENTITY_KINDS:
                    data.entities[kind].append(entry)
    if pending_dir is not None:
        for path in _yaml_files(pending_dir):
            content = _fix_keys(yaml.safe_load(path.read_text(encoding="utf-8")) or {})
            for kind, entries in content.items():
                data.pending[kind].extend(entries or [])
    return data


def load_facts(facts_dir: Path) -> Facts:
    facts = Facts()
    texts = [p.read_text(encoding="utf-8") for p in sorted(facts_dir.glob("*.md"))]
    facts.text = normalise_space("\n".join(texts))
    for text in texts:
        facts.rows.update(ROW_ID.findall(text))
        starts = list(CONFLICT_START.finditer(text))
        for index, match in enumerate(starts):
            end = starts[index + 1].start() if index + 1 < len(starts) else len(text)
            paragraph = text[match.start() : end]
            # A paragraph stops at the next heading or table.
            paragraph = re.split(r"\n(?:#|\|)", paragraph)[0]
            conflict = match.group(1) or match.group(2) or match.group(3)
            facts.conflicts[conflict] = normalise_space(paragraph)
    return facts


def evidence_items(entry: dict[str, Any], owner: str) -> Iterator[Item]:
    for item in entry.get("evidence") or []:
        yield Item(owner, "", item)
    for position in entry.get("positions") or []:
        for item in position.get("evidence") or []:
            yield Item(owner, f"positions/{position.get('company')}/{position.get('title')}", item)
    for link in entry.get("links") or []:
        for item in link.get("evidence") or []:
            yield Item(owner, f"links/{link.get('kind')}/{link.get('company')}", item)


def all_items(data: Data, with_pending: bool = True) -> Iterator[Item]:
    for entries in data.entities.values():
        for entry in entries:
            yield from evidence_items(entry, str(entry.get("id")))
    if with_pending:
        for kind, entries in data.pending.items():
            for index, entry in enumerate(entries):
                name = entry.get("id", entry.get("partnership", entry.get("facility", index)))
                owner = f"pending {kind} {name}"
                yield from evidence_items(entry, owner)


def _note(item: dict[str, Any]) -> str:
    return str(item.get("note") or "")


def check_quotes(data: Data, facts: Facts) -> list[str]:
    problems = []
    for item in all_items(data):
        quote = normalise_space(str(item.evidence.get("quote") or ""))
        if not quote or quote not in facts.text:
            problems.append(f"{item.owner} {item.where}: {quote[:80]!r}")
    for statement in [*data.entities.get("statements", []), *data.pending.get("statements", [])]:
        said = normalise_space(str(statement.get("text") or ""))
        quotes = [normalise_space(str(e.get("quote") or "")) for e in statement.get("evidence") or []]
        if not said or not any(said in quote for quote in quotes):
            problems.append(f"statement {statement.get('id')}: text is not part of its quotes")
    return problems


def check_uncited(data: Data) -> list[str]:
    cited = {str(item.evidence.get("source")) for item in all_items(data, with_pending=False)}
    return sorted(source for source in data.sources if source not in cited)


def check_unknown_sources(data: Data) -> list[str]:
    return [
        f"{item.owner} {item.where}: unknown source {item.evidence.get('source')!r}"
        for item in all_items(data)
        if str(item.evidence.get("source")) not in data.sources
    ]


def _register_id(source_id: str) -> str:
    """The data's source id back to the register's: s3-01 -> S3-01, seed-article -> S01."""
    return "S01" if source_id == "seed-article" else "S" + source_id[1:]


def check_conflicts(data: Data, facts: Facts) -> tuple[list[str], list[str]]:
    """(problems, named sources of a conflict whose evidence does not name it)."""
    noted: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for item in all_items(data, with_pending=False):
        for conflict in CONFLICT_NOTE.findall(_note(item.evidence)):
            noted[conflict].append(item.evidence)
    registered = {_register_id(source) for source in data.sources}
    problems: list[str] = []
    unnoted: list[str] = []
    for conflict, paragraph in facts.conflicts.items():
        items = noted.get(conflict, [])
        named = {s for s in SOURCE_ID.findall(paragraph) if s in registered}
        sources = {_register_id(str(e.get("source"))) for e in items}
        if len(sources) < min(2, max(1, len(named))):
            problems.append(
                f"conflict {conflict}: claims from {len(sources)} source(s) of {len(named)} named"
            )
        unnoted.extend(f"conflict {conflict}: {missing}" for missing in sorted(named - sources))
        flags = [e.get("preferred") for e in items]
        prefers = bool(PREFERENCE.search(paragraph))
        if prefers and True not in flags:
            problems.append(f"conflict {conflict}: the facts prefer a claim, none is preferred: true")
        if not prefers and any(flag is not None for flag in flags):
            problems.append(f"conflict {conflict}: a claim is preferred, the facts prefer none")
    return problems, unnoted


def _groups(entry: dict[str, Any]) -> Iterator[list[dict[str, Any]]]:
    """Evidence of an entity grouped by the fact row it supports (row-less items stand alone)."""
    by_row: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for item in evidence_items(entry, ""):
        row = item.evidence.get("row")
        key = str(row) if row else f"{item.evidence.get('source')}|{item.evidence.get('quote')}"
        by_row[key].append(item.evidence)
    yield from by_row.values()


def _tier(data: Data, item: dict[str, Any]) -> str:
    return str(data.sources.get(str(item.get("source")), {}).get("tier", ""))


def check_tier_c(data: Data) -> list[str]:
    problems = []
    entries: list[tuple[str, dict[str, Any]]] = [
        (str(e.get("id")), e) for entries in data.entities.values() for e in entries
    ]
    entries += [(f"pending {k} {e.get('id', '')}", e) for k, es in data.pending.items() for e in es]
    for owner, entry in entries:
        for group in _groups(entry):
            if all(_tier(data, item) == "C" for item in group):
                for item in group:
                    if TIER_C_NOTE not in _note(item):
                        problems.append(f"{owner}: row {item.get('row')} source {item.get('source')}")
    return problems


def check_facility_links(data: Data) -> tuple[list[str], list[str]]:
    no_link, no_operator = [], []
    for facility in data.entities.get("facilities", []):
        kinds = {str(link.get("kind")) for link in facility.get("links") or []}
        if not kinds & {"operates", "owns", "develops"}:
            no_link.append(str(facility.get("id")))
        if "operates" not in kinds:
            no_operator.append(str(facility.get("id")))
    return no_link, no_operator


def check_duplicates(data: Data) -> list[str]:
    owners: dict[str, set[str]] = defaultdict(set)
    for kind in ("companies", "people", "facilities"):
        for entry in data.entities.get(kind, []):
            for name in [entry.get("name"), *(entry.get("aliases") or [])]:
                if name:
                    owners[normalise_name(str(name))].add(str(entry.get("id")))
    return [f"{name!r}: {', '.join(sorted(ids))}" for name, ids in sorted(owners.items()) if len(ids) > 1]


def check_undated(data: Data) -> list[str]:
    return [str(p.get("id")) for p in data.entities.get("partnerships", []) if not p.get("announced")]


def _money_pairs(partnership: dict[str, Any]) -> set[tuple[str, str]]:
    by_role: dict[str, set[str]] = defaultdict(set)
    for party in partnership.get("parties") or []:
        by_role[str(party.get("role"))].add(str(party.get("company")))
    return {
        (payer, payee)
        for payer_role, payee_role in MONEY_PAIRS
        for payer in by_role.get(payer_role, set())
        for payee in by_role.get(payee_role, set())
        if payer != payee
    }


def check_unattributed(data: Data) -> list[str]:
    problems = []
    for partnership in data.entities.get("partnerships", []):
        value = partnership.get("value") or {}
        if value.get("amount") is None:
            continue
        pairs = _money_pairs(partnership)
        attributed = any(party.get("value") for party in partnership.get("parties") or [])
        if len(pairs) > 1 and not attributed:
            problems.append(f"{partnership.get('id')}: {value.get('amount')} over {len(pairs)} pairs")
    return problems


def check_tier_c_deals(data: Data) -> list[str]:
    return [
        f"{p.get('id')} ({p.get('status')})"
        for p in data.entities.get("partnerships", [])
        if all(_tier(data, item.evidence) == "C" for item in evidence_items(p, ""))
    ]


def check_unused_rows(data: Data, facts: Facts) -> list[str]:
    cited = {str(item.evidence.get("row")) for item in all_items(data) if item.evidence.get("row")}
    explained = set(re.findall(r"\b[CPFD](?:3-)?\d+[a-z]?\b", data.headers))
    return sorted(facts.rows - cited - explained)


def run(data: Data, facts: Facts) -> dict[str, list[str]]:
    no_link, no_operator = check_facility_links(data)
    conflicts, unnoted = check_conflicts(data, facts)
    return {
        "quotes": check_quotes(data, facts) + check_unknown_sources(data),
        "uncited": check_uncited(data),
        "conflicts": conflicts,
        "conflict_sources": unnoted,
        "tier_c": check_tier_c(data),
        "no_link": no_link,
        "no_operator": no_operator,
        "duplicates": check_duplicates(data),
        "undated": check_undated(data),
        "unattributed": check_unattributed(data),
        "tier_c_deals": check_tier_c_deals(data),
        "unused_rows": check_unused_rows(data, facts),
    }


def report(results: dict[str, list[str]], details: Iterable[str]) -> str:
    shown = set(details)
    lines = []
    for heading, classes in (("must be zero", MUST_BE_ZERO), ("informational", INFORMATIONAL)):
        lines.append(f"{heading}:")
        for name in classes:
            found = results[name]
            lines.append(f"  {TITLES[name]:<68} {len(found):>5}   [{name}]")
            if name in shown or (heading == "must be zero" and found):
                lines.extend(f"      {problem}" for problem in found[:200])
    return "\n".join(lines)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m seed audit", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=DATA_DIR, help="folder of YAML data files")
    parser.add_argument(
        "--pending",
        type=Path,
        default=PENDING_DIR,
        help="folder of pending YAML files (statements, figures, ...)",
    )
    parser.add_argument("--no-pending", action="store_true", help="audit seed/data only")
    parser.add_argument("--facts", type=Path, default=FACTS_DIR, help="folder of the facts files (*.md)")
    parser.add_argument(
        "--show",
        action="append",
        default=[],
        metavar="CLASS",
        help="also list the items of an informational class (repeatable; 'all')",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if not args.facts.is_dir():
        print(f"no facts folder at {args.facts} (use --facts DIR)", file=sys.stderr)
        return 2
    data = load_data(args.data, None if args.no_pending else args.pending)
    facts = load_facts(args.facts)
    results = run(data, facts)
    details = INFORMATIONAL if "all" in args.show else args.show
    print(report(results, details))
    failing = [name for name in MUST_BE_ZERO if results[name]]
    print(
        "audit: " + (f"FAILED ({', '.join(failing)})" if failing else "ok: every must-be-zero class is zero")
    )
    return 1 if failing else 0


if __name__ == "__main__":
    sys.exit(main())
