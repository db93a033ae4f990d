"""GraphQL types of the analytics fields: supply chains, paths, money loops, exposure, figures."""

from __future__ import annotations

from enum import Enum

import strawberry

from service.api.entities import Company, Partnership
from service.api.types import Evidence, LinkKind, Node, StatusEnum, f


@strawberry.enum(description="Which way along supply links.")
class Direction(Enum):
    UPSTREAM = strawberry.enum_value("UPSTREAM", description="Suppliers, their suppliers, ...")
    DOWNSTREAM = strawberry.enum_value("DOWNSTREAM", description="Customers, their customers, ...")


@strawberry.enum(description="What a circular flow follows.")
class FlowKind(Enum):
    MONEY = strawberry.enum_value("MONEY", description="MONEY_FLOW edges (payer to payee).")
    SUPPLY = strawberry.enum_value("SUPPLY", description="SUPPLIES edges (supplier to customer).")


@strawberry.enum(description="What companies are ranked by.")
class RankingKind(Enum):
    MOST_DEPENDED_ON_SUPPLIERS = strawberry.enum_value(
        "MOST_DEPENDED_ON_SUPPLIERS", description="Distinct companies each one supplies."
    )
    LARGEST_MONEY_HUBS = strawberry.enum_value(
        "LARGEST_MONEY_HUBS", description="USD value of the distinct deals moving money in or out."
    )


@strawberry.type(description="A company at some distance (tier) along supply links.")
class TierEntry:
    company: Company = f("The company.")
    tier: int = f("Shortest distance in steps (1 = direct).")
    paths: list[list[Partnership]] = f(
        "Up to three paths, each the partnerships from the starting point outward, shortest first."
    )


@strawberry.type(description="Companies by tier; `truncated` when the 500-company cap cut it short.")
class Tiers:
    entries: list[TierEntry] = f("Companies, nearest tier first, then by name.")
    truncated: bool = f("True when more companies exist than were returned.")


@strawberry.type(description="One step of a path, with what explains it.")
class PathStep:
    from_: Node = strawberry.field(name="from", description="Where the step starts.")
    to: Node = f("Where the step ends.")
    relationship: str = f("The relationship type, e.g. SUPPLIES or OWNS.")
    kind: LinkKind = f("The kind of link.")
    forward: bool = f("True when the relationship points from `from` to `to`.")
    partnership: Partnership | None = f("The partnership the link comes from, if any.")
    evidence: Evidence | None = f("A source for the step, with its quote.")


@strawberry.type(description="One shortest path.")
class ConnectionPath:
    length: int = f("Number of steps.")
    steps: list[PathStep] = f("The steps, from the first entity to the second.")


@strawberry.type(description="The shortest paths between two entities (empty when none within maxLength).")
class Connections:
    paths: list[ConnectionPath] = f("Shortest paths, at most 20.")
    truncated: bool = f("True when more shortest paths exist than were returned.")


@strawberry.type(description="One step of a circular flow.")
class FlowStep:
    from_: Company = strawberry.field(name="from", description="Who pays (or supplies).")
    to: Company = f("Who receives.")
    partnership: Partnership = f("The partnership behind the step.")
    value_usd: float | None = f("The step's value in USD, where known.")
    status: StatusEnum = f("The partnership's status.")


@strawberry.type(description="A loop of money (or supply) that comes back to where it started.")
class CircularFlow:
    length: int = f("Number of steps.")
    value_usd: float = f("Sum of the known step values in USD (unknown values count as 0).")
    min_step_usd: float | None = f("The smallest known step value: what can go all the way round.")
    known_steps: int = f("Steps whose value is known.")
    steps: list[FlowStep] = f("The steps in order.")


@strawberry.type(description="Circular flows, largest value first.")
class CircularFlows:
    loops: list[CircularFlow] = f("The loops found.")


@strawberry.type(description="A company's place in a ranking.")
class RankingEntry:
    rank: int = f("1 is the top.")
    company: Company = f("The company.")
    score: float = f("The figure it is ranked by.")
