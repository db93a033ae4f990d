"""What the analytics share: their options, caps, argument ranges and the rooted statement."""

from enum import StrEnum

from service.compiler.projection import Compiler
from service.compiler.selection import Selection, merged
from service.compiler.statement import Scope, Statement
from service.errors import bad_input

MAX_DEPTH = 6


class Direction(StrEnum):
    """Which way along supply links."""

    UPSTREAM = "UPSTREAM"
    DOWNSTREAM = "DOWNSTREAM"


class FlowKind(StrEnum):
    """What a circular flow follows."""

    MONEY = "MONEY"
    SUPPLY = "SUPPLY"


class RankingKind(StrEnum):
    """What companies are ranked by."""

    MOST_DEPENDED_ON_SUPPLIERS = "MOST_DEPENDED_ON_SUPPLIERS"
    LARGEST_MONEY_HUBS = "LARGEST_MONEY_HUBS"


OPTION_DEFINITIONS: dict[type[StrEnum], dict[StrEnum, str]] = {
    Direction: {
        Direction.UPSTREAM: "Suppliers, their suppliers, ...",
        Direction.DOWNSTREAM: "Customers, their customers, ...",
    },
    FlowKind: {
        FlowKind.MONEY: "MONEY_FLOW edges (payer to payee).",
        FlowKind.SUPPLY: "SUPPLIES edges (supplier to customer).",
    },
    RankingKind: {
        RankingKind.MOST_DEPENDED_ON_SUPPLIERS: "Distinct companies each one supplies.",
        RankingKind.LARGEST_MONEY_HUBS: "USD value of the distinct deals moving money in or out.",
    },
}


def in_range(value: int, name: str, low: int = 1, high: int = MAX_DEPTH) -> int:
    if not low <= value <= high:
        raise bad_input(f"{name} must be an integer from {low} to {high}, got {value}")
    return value


def children(selection: Selection, name: str) -> list[Selection]:
    return [c for c in merged(selection.children) if c.name == name]


def rooted(c: Compiler, label: str, entity_id: str, scope: Scope, root: str, result: str) -> Statement:
    """A statement answering null for an unknown `entity_id`, else `result` computed from it."""
    text = " ".join(
        [
            f"OPTIONAL MATCH ({root}:{label} {{id: {c.entity_id(entity_id)}}})",
            *scope.calls,
            f"RETURN CASE WHEN {root} IS NULL THEN null ELSE {result} END AS result",
        ]
    )
    return Statement(text, c.params)
