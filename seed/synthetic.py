"""A synthetic dataset in the seed format, with the curated graph's shape, for scale tests.

Companies sit in five tiers (0 = AI labs buying compute ... 4 = foundries and materials); supply
partnerships run from tier t+1 to tier t, investments from any tier into tiers 0-2, and some deals
loop money back. Every entity says `synthetic: true`, its ids start with `syn-` and its sources
point at `https://synthetic.invalid/`, so it can never be mistaken for a fact. The same seed gives
the same files.

Files hold one JSON-style flow mapping per line (valid YAML, fast to parse) and at most
FILE_ENTRIES entries; they are numbered so that referenced entities come first.
"""

import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

FILE_ENTRIES = 5_000
TIERS = 5
# With these ratios, N companies give about 10*N relationships once loaded.
SOURCES_PER_COMPANY = 0.1
PEOPLE_PER_COMPANY = 0.5
FACILITIES_PER_COMPANY = 0.2
PARTNERSHIPS_PER_COMPANY = 1.35

_KINDS = ("supply", "manufacturing", "cloud_compute", "investment", "lease")
_STATUSES = ("announced", "unfinalized", "signed", "active", "closed", "rumored")
_FACILITY_KINDS = ("data_center", "factory", "semiconductor_fab", "memory_fab", "power_plant")
_FACILITY_STATUSES = ("announced", "construction", "operating")
_COUNTRIES = ("US", "TW", "KR", "JP", "DE", "AE", "NO", "GB", "MX", "IN")
_QUALIFIERS = ("exact", "up_to", "approximately", "estimated")


def _evidence(rng: random.Random, sources: int, what: str) -> list[dict[str, Any]]:
    return [{"source": f"syn-source-{rng.randrange(sources)}", "quote": f"Synthetic: {what}."}]


def _sources(n: int) -> Iterator[dict[str, Any]]:
    for i in range(n):
        yield {
            "id": f"syn-source-{i}",
            "url": f"https://synthetic.invalid/source/{i}",
            "publisher": "Synthetic data generator",
            "tier": "C",
            "synthetic": True,
            "published": f"2025-{(i % 12) + 1:02d}",
        }


def _companies(rng: random.Random, n: int, sources: int) -> Iterator[dict[str, Any]]:
    for i in range(n):
        tier = i % TIERS
        yield {
            "id": f"syn-company-{i}",
            "name": f"Synthetic Tier{tier} Company {i}",
            "kind": "investment_fund" if tier == 0 and i % 50 == 0 else "company",
            "country": rng.choice(_COUNTRIES),
            "aliases": [f"SynCo {i}"],
            "description": f"Synthetic tier-{tier} company",
            "synthetic": True,
            "evidence": _evidence(rng, sources, f"company {i} exists"),
        }


def _people(rng: random.Random, n: int, companies: int, sources: int) -> Iterator[dict[str, Any]]:
    roles = (("Chief Executive Officer", "ceo"), ("Chief Financial Officer", "cfo"), ("Chair", "chair"))
    for i in range(n):
        title, role = roles[i % len(roles)]
        yield {
            "id": f"syn-person-{i}",
            "name": f"Synthetic Person {i}",
            "synthetic": True,
            "positions": [
                {
                    "company": f"syn-company-{rng.randrange(companies)}",
                    "title": title,
                    "role": role,
                    "since": f"20{10 + i % 15}",
                    "evidence": _evidence(rng, sources, f"person {i} title"),
                }
            ],
        }


def _facilities(rng: random.Random, n: int, companies: int, sources: int) -> Iterator[dict[str, Any]]:
    for i in range(n):
        owner, operator = rng.randrange(companies), rng.randrange(companies)
        yield {
            "id": f"syn-facility-{i}",
            "name": f"Synthetic Facility {i}",
            "kind": rng.choice(_FACILITY_KINDS),
            "status": rng.choice(_FACILITY_STATUSES),
            "location": {"country": rng.choice(_COUNTRIES), "precision": "country"},
            "capacity": [{"amount": rng.randrange(10, 2000), "unit": "mw"}],
            "synthetic": True,
            "links": [
                {
                    "company": f"syn-company-{owner}",
                    "kind": "owns",
                    "evidence": _evidence(rng, sources, f"facility {i} owner"),
                },
                {
                    "company": f"syn-company-{operator}",
                    "kind": "operates",
                    "evidence": _evidence(rng, sources, f"facility {i} operator"),
                },
            ],
            "evidence": _evidence(rng, sources, f"facility {i} exists"),
        }


def _company_in_tier(rng: random.Random, companies: int, tier: int) -> int:
    """A random company index whose tier (index mod TIERS) is `tier`."""
    return rng.randrange(companies // TIERS) * TIERS + tier


def _partnerships(
    rng: random.Random, n: int, companies: int, facilities: int, sources: int
) -> Iterator[dict[str, Any]]:
    for i in range(n):
        kind = rng.choices(_KINDS, weights=(5, 2, 2, 2, 1))[0]
        if kind == "investment":
            a = rng.randrange(companies)
            b = _company_in_tier(rng, companies, rng.randrange(3))
            roles = ("investor", "investee")
        elif kind == "lease":
            a, b = rng.randrange(companies), rng.randrange(companies)
            roles = ("lessor", "lessee")
        else:
            tier = rng.randrange(TIERS - 1)
            a = _company_in_tier(rng, companies, tier + 1)
            b = _company_in_tier(rng, companies, tier)
            roles = ("manufacturer" if kind == "manufacturing" else "supplier", "customer")
        if a == b:
            b = (b + TIERS) % companies
        qualifier = rng.choice(_QUALIFIERS)
        entry: dict[str, Any] = {
            "id": f"syn-deal-{i}",
            "name": f"Synthetic {kind} deal {i}",
            "kind": kind,
            "status": rng.choice(_STATUSES),
            "announced": f"2025-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}",
            "parties": [
                {"company": f"syn-company-{a}", "role": roles[0]},
                {"company": f"syn-company-{b}", "role": roles[1]},
            ],
            "value": {"amount": rng.randrange(1, 5000) * 1_000_000, "qualifier": qualifier},
            "synthetic": True,
            "evidence": _evidence(rng, sources, f"deal {i}"),
        }
        if facilities and rng.random() < 0.3:
            entry["facilities"] = [f"syn-facility-{rng.randrange(facilities)}"]
        yield entry


def _write(out: Path, prefix: str, kind: str, entries: Iterator[dict[str, Any]]) -> int:
    count, part, lines = 0, 0, list[str]()

    def flush() -> None:
        nonlocal part, lines
        if lines:
            path = out / f"{prefix}-{kind}-{part:05d}.yaml"
            path.write_text(f"{kind}:\n" + "".join(lines), encoding="utf-8")
            part, lines = part + 1, []

    for entry in entries:
        lines.append(f"- {json.dumps(entry, separators=(', ', ': '))}\n")
        count += 1
        if len(lines) >= FILE_ENTRIES:
            flush()
    flush()
    return count


def generate(out: Path, companies: int, seed: int = 42) -> dict[str, int]:
    """Write the dataset to `out` (replacing its YAML files); return the entry counts."""
    if companies < TIERS * 2:
        raise ValueError(f"--companies must be at least {TIERS * 2}")
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.yaml"):
        old.unlink()
    rng = random.Random(seed)
    sources = max(1, int(companies * SOURCES_PER_COMPANY))
    people = int(companies * PEOPLE_PER_COMPANY)
    facilities = int(companies * FACILITIES_PER_COMPANY)
    partnerships = int(companies * PARTNERSHIPS_PER_COMPANY)
    return {
        "sources": _write(out, "1", "sources", _sources(sources)),
        "companies": _write(out, "2", "companies", _companies(rng, companies, sources)),
        "people": _write(out, "3", "people", _people(rng, people, companies, sources)),
        "facilities": _write(out, "4", "facilities", _facilities(rng, facilities, companies, sources)),
        "partnerships": _write(
            out, "5", "partnerships", _partnerships(rng, partnerships, companies, facilities, sources)
        ),
    }
