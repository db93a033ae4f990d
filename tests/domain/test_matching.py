"""Normalisation and scoring: pure functions, no database."""

import pytest

from service.domain.matching import (
    Candidate,
    Features,
    Query,
    features,
    normalise,
    rank,
    score,
    similarity,
    ticker,
)


@pytest.mark.parametrize(
    ("variant", "plain"),
    [
        ("Hon Hai Precision Industry Co., Ltd.", "Hon Hai Precision Industry"),
        ("NVIDIA Corp", "Nvidia"),
        ("Nvidia Corporation", "nvidia"),
        ("Apple Inc.", "Apple"),
        ("Siemens GmbH", "Siemens"),
        ("ソフトバンクグループ株式会社", "ソフトバンクグループ"),
        ("株式会社ソフトバンク", "ソフトバンク"),
        ("鴻海精密工業股份有限公司", "鴻海精密工業"),
        ("ООО Газпром", "Газпром"),
    ],
)
def test_legal_forms_are_removed(variant: str, plain: str) -> None:
    assert normalise(variant) == normalise(plain)
    assert normalise(variant).isascii()


def test_transliteration_reaches_ascii() -> None:
    assert normalise("Газпром") == "gazprom"
    assert normalise("Doña Ana") == "dona ana"


def test_a_name_that_is_only_a_legal_form_is_kept() -> None:
    assert normalise("Co., Ltd.") != ""


def test_ticker_drops_the_exchange() -> None:
    assert ticker("NASDAQ: AVGO") == ticker("avgo") == "AVGO"


def test_names_a_number_apart_are_not_the_same_thing() -> None:
    # Text alone would put them at 0.9 and over: the guard's threshold.
    one, two = normalise("xAI Colossus 1"), normalise("xAI Colossus 2")
    assert similarity(one, two) < 0.75 and similarity(one, normalise("XAI Colossus 1")) == 1.0
    assert similarity(normalise("Colossus 2"), normalise("Colossus")) > 0.75  # no number to differ
    assert similarity("unit 3 4", "unit 4 3") <= 0.75  # word order aside, numbers keep theirs
    colossus = Candidate("colossus-1", "xAI Colossus 1", country="US")
    assert score(features(Query("xAI Colossus 2", country="US"), colossus)) < 0.9


def test_score_stays_in_range_and_orders_evidence() -> None:
    base = Features(0.8, False, None, None)
    assert score(base) == 0.8
    assert score(Features(0.8, False, True, None)) > score(base) > score(Features(0.8, False, False, None))
    assert score(Features(0.8, False, None, True)) > score(Features(0.8, False, True, None))
    assert score(Features(0.8, False, None, False)) < score(base)
    assert score(Features(1.0, True, True, True)) == 1.0
    assert score(Features(0.0, False, False, False)) == 0.0


def test_features_alias_country_identifier() -> None:
    nvidia = Candidate("nvidia", "Nvidia", ("Nvidia Corporation", "NVIDIA"), "US", "NASDAQ:NVDA")
    found = features(Query("NVIDIA Corp", country="us", tickers=("NVDA",)), nvidia)
    assert found == Features(1.0, True, True, True)
    found = features(Query("Nvdia", country="TW", tickers=("AMD",)), nvidia)
    assert found.country_match is False and found.identifier_match is False
    assert 0.8 < found.name_similarity < 1.0
    assert features(Query("Nvidia"), nvidia).country_match is None


def test_rank_prefers_the_closer_name_then_the_id() -> None:
    candidates = [
        Candidate("b", "Foxconn Assembly LLC"),
        Candidate("a", "Foxconn"),
        Candidate("c", "Foxconn"),
    ]
    ranked = rank(Query("Foxcon"), candidates, 2)
    assert [s.candidate.id for s in ranked] == ["a", "c"]
