import pytest
from pydantic import ValidationError

from service.domain.entities import Partnership
from service.domain.flows import flows
from service.domain.values import Money, parse_amount
from service.domain.vocab import MoneyQualifier, ValueBasis


@pytest.mark.parametrize(
    ("text", "value"),
    [("375M", 375e6), ("2.5B", 2.5e9), ("1.4T", 1.4e12), (1000, 1000.0), ("1,500", 1500.0), (None, None)],
)
def test_amounts(text: object, value: float | None) -> None:
    assert parse_amount(text) == value


def test_undisclosed_money_has_no_amount() -> None:
    assert Money(qualifier=MoneyQualifier.UNDISCLOSED).amount is None
    with pytest.raises(ValidationError, match="undisclosed value has no amount"):
        Money(amount=5, qualifier=MoneyQualifier.UNDISCLOSED)
    with pytest.raises(ValidationError, match="needs an amount"):
        Money(qualifier=MoneyQualifier.UP_TO)


def test_usd_defaults_to_the_amount_only_in_dollars() -> None:
    assert Money.model_validate({"amount": "100B", "qualifier": "up_to"}).usd == 100e9
    assert Money.model_validate({"amount": "2.8B", "currency": "NOK", "qualifier": "exact"}).usd is None


def _deal(**overrides: object) -> Partnership:
    base: dict[str, object] = {
        "id": "nvidia-openai-10gw",
        "name": "n",
        "kind": "investment",
        "status": "unfinalized",
        "announced": "2025-09-22",
        "parties": [
            {"company": "nvidia", "role": "investor"},
            {"company": "nvidia", "role": "supplier"},
            {"company": "openai", "role": "investee"},
            {"company": "openai", "role": "customer"},
        ],
        "value": {"amount": "100B", "qualifier": "up_to"},
        "evidence": [{"source": "s15", "quote": "q"}],
    }
    return Partnership.model_validate({**base, **overrides})


def test_roles_become_derived_edges_in_both_directions() -> None:
    derived = flows(_deal())
    edges = {(f.rel, f.source, f.target) for f in derived}
    assert edges == {
        ("SUPPLIES", "nvidia", "openai"),
        ("INVESTS_IN", "nvidia", "openai"),
        # OpenAI pays Nvidia for systems; Nvidia's investment flows to OpenAI: one record per
        # direction, stamped with the partnership.
        ("MONEY_FLOW", "openai", "nvidia"),
        ("MONEY_FLOW", "nvidia", "openai"),
    }
    assert all(f.partnership == "nvidia-openai-10gw" for f in derived)
    # The deal's total is not the value of either money flow: it covers both directions, and the
    # facts do not split it, so neither carries an amount, and each says why.
    money = {(f.source, f.target): (f.value_usd, f.value_basis) for f in derived if f.rel == "MONEY_FLOW"}
    assert money == {
        ("openai", "nvidia"): (None, ValueBasis.SHARED),
        ("nvidia", "openai"): (None, ValueBasis.SHARED),
    }
    # A deal with one pair of a kind: its total is that pair's.
    supplies = [f for f in derived if f.rel == "SUPPLIES"]
    assert [(f.value_usd, f.value_basis) for f in supplies] == [(100e9, ValueBasis.DEAL)]


def test_party_amounts_stay_with_their_own_flows() -> None:
    parties = [
        {"company": "nvidia", "role": "investor", "value": {"amount": "100B", "qualifier": "up_to"}},
        {"company": "nvidia", "role": "supplier"},
        {"company": "openai", "role": "investee"},
        {"company": "openai", "role": "customer"},
    ]
    money = {
        (f.source, f.target): (f.value_usd, f.value_basis)
        for f in flows(_deal(parties=parties))
        if f.rel == "MONEY_FLOW"
    }
    assert money == {
        ("openai", "nvidia"): (None, ValueBasis.OTHER_PAIRS),
        ("nvidia", "openai"): (100e9, ValueBasis.PARTY),
    }


def test_a_deal_without_an_amount_gives_flows_that_say_so() -> None:
    undisclosed = _deal(value={"qualifier": "undisclosed"})
    assert {f.value_basis for f in flows(undisclosed)} == {ValueBasis.NONE}
    assert all(f.value_usd is None for f in flows(undisclosed))


def test_a_partnership_needs_two_companies_and_no_repeated_role() -> None:
    with pytest.raises(ValidationError, match="two different companies"):
        _deal(parties=[{"company": "a", "role": "supplier"}, {"company": "a", "role": "customer"}])
    with pytest.raises(ValidationError, match="listed twice"):
        _deal(
            parties=[
                {"company": "a", "role": "supplier"},
                {"company": "a", "role": "supplier"},
                {"company": "b", "role": "customer"},
            ]
        )


def test_ids_are_slugs_and_unknown_keys_are_errors() -> None:
    with pytest.raises(ValidationError, match="pattern"):
        _deal(id="Nvidia OpenAI")
    with pytest.raises(ValidationError, match="Extra inputs"):
        _deal(colour="green")
