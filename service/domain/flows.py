"""Who supplies, invests in and pays whom: company-to-company links derived from each deal's parties.

The tables below are the whole rule, so "who supplies whom" and "where does money go" mean the
same thing for every partnership. A derived link carries an amount only where the facts put
that amount on that pair: a party's own amount, or the deal's total when the deal has no other
pair of that kind. A programme total spread over several partners (Nvidia's "up to US$500B"
with five manufacturers) is no pair's amount, so those links carry none, and say why.
"""

from dataclasses import dataclass
from datetime import date

from service.domain.declare import DerivedLink, Relation, Shape
from service.domain.entities import Partnership
from service.domain.vocab import PartyRole, ValueBasis

SUPPLY_DIRECTIONS: tuple[tuple[PartyRole, PartyRole], ...] = (
    (PartyRole.SUPPLIER, PartyRole.CUSTOMER),
    (PartyRole.MANUFACTURER, PartyRole.CUSTOMER),
    (PartyRole.DEVELOPER, PartyRole.CUSTOMER),
    (PartyRole.LESSOR, PartyRole.LESSEE),
)
INVESTMENT_DIRECTIONS: tuple[tuple[PartyRole, PartyRole], ...] = (
    (PartyRole.INVESTOR, PartyRole.INVESTEE),
    (PartyRole.JV_PARTNER, PartyRole.JV_ENTITY),
)
MONEY_DIRECTIONS: tuple[tuple[PartyRole, PartyRole], ...] = (
    (PartyRole.CUSTOMER, PartyRole.SUPPLIER),
    (PartyRole.CUSTOMER, PartyRole.MANUFACTURER),
    (PartyRole.CUSTOMER, PartyRole.DEVELOPER),
    (PartyRole.INVESTOR, PartyRole.INVESTEE),
    (PartyRole.JV_PARTNER, PartyRole.JV_ENTITY),
    (PartyRole.LESSEE, PartyRole.LESSOR),
    (PartyRole.LENDER, PartyRole.BORROWER),
    (PartyRole.BUYER, PartyRole.SELLER),
    (PartyRole.LICENSEE, PartyRole.LICENSOR),
    (PartyRole.GRANTOR, PartyRole.GRANTEE),
)


def _companies(name: str, description: str, filter: bool = True) -> Relation:
    return Relation(
        name,
        description,
        Shape.GROUPED,
        "CompanyLink",
        edge="partnerships",
        gather="partnership",
        filter=filter,
    )


DERIVED_LINKS: tuple[DerivedLink, ...] = (
    DerivedLink(
        "SUPPLIES",
        SUPPLY_DIRECTIONS,
        forward=_companies(
            "customers", "Companies it supplies, each with the partnerships that make the link."
        ),
        backward=_companies(
            "suppliers", "Companies that supply it, each with the partnerships that make the link."
        ),
    ),
    DerivedLink(
        "INVESTS_IN",
        INVESTMENT_DIRECTIONS,
        forward=_companies("investments", "Companies it invests in, with the partnerships behind each."),
        backward=_companies("investors", "Companies that invest in it, with the partnerships behind each."),
    ),
    DerivedLink("MONEY_FLOW", MONEY_DIRECTIONS),
)


@dataclass(frozen=True)
class Flow:
    """One derived link of one partnership."""

    rel: str
    source: str
    target: str
    partnership: str
    kind: str
    status: str
    value_usd: float | None
    value_basis: ValueBasis  # why it has that amount, or none
    announced_on: date | None


def flows(partnership: Partnership) -> list[Flow]:
    """The SUPPLIES, INVESTS_IN and MONEY_FLOW links implied by the partnership's parties."""
    by_role: dict[PartyRole, list[str]] = {}
    amounts: dict[tuple[str, PartyRole], float | None] = {}
    for party in partnership.parties:
        by_role.setdefault(party.role, []).append(party.company)
        amounts[(party.company, party.role)] = party.value.usd if party.value else None
    has_party_amounts = any(party.value for party in partnership.parties)
    total = partnership.value.usd if partnership.value else None
    out: list[Flow] = []
    for link in DERIVED_LINKS:
        pairs: list[tuple[str, str, float | None]] = []
        for from_role, to_role in link.directions:
            for source in by_role.get(PartyRole(from_role), []):
                for target in by_role.get(PartyRole(to_role), []):
                    if source == target or any(p[:2] == (source, target) for p in pairs):
                        continue
                    own = amounts[(source, PartyRole(from_role))]
                    if own is None:
                        own = amounts[(target, PartyRole(to_role))]
                    pairs.append((source, target, own))
        for source, target, own in pairs:
            # An amount goes on a pair only where the facts put it there: a programme's total
            # spread over its partners, or another pair's amount, would mislead every sum.
            value: float | None = None
            if own is not None:
                value, basis = own, ValueBasis.PARTY
            elif has_party_amounts:
                basis = ValueBasis.OTHER_PAIRS
            elif total is not None and len(pairs) == 1:
                value, basis = total, ValueBasis.DEAL
            elif total is not None:
                basis = ValueBasis.SHARED
            else:
                basis = ValueBasis.NONE
            out.append(
                Flow(
                    link.rel,
                    source,
                    target,
                    partnership.id,
                    partnership.kind.value,
                    partnership.status.value,
                    value,
                    basis,
                    partnership.announced.start if partnership.announced else None,
                )
            )
    return out
