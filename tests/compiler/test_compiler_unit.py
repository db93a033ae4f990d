"""The compiler's pure parts: cursors, ordering, filters and search text never become Cypher."""

from datetime import date

import pytest

from service.compiler import new_compiler
from service.compiler.paging import parse_page
from service.compiler.roots import listing, lucene_query
from service.compiler.selection import Selection
from service.domain.catalog import CATALOG
from service.errors import ApiError

ORDERS = {name: orders.keys for name, orders in CATALOG.orders.items()}


def test_cursors_round_trip_and_belong_to_one_ordering() -> None:
    page = parse_page(
        {"orderBy": {"field": "ANNOUNCED_ON"}, "after": "ANNOUNCED_ON:DESC|2025-11-20|x"},
        ORDERS["Partnership"],
        ("ANNOUNCED_ON", True),
    )
    assert page.after == (date(2025, 11, 20), "x") and page.descending
    with pytest.raises(ApiError, match="not a cursor of this list"):
        parse_page({"after": "NAME:ASC|a|b"}, ORDERS["Partnership"], ("ANNOUNCED_ON", True))
    assert parse_page({"first": 1000}, ORDERS["Company"], ("NAME", False)).first == 100


def test_user_text_only_ever_travels_as_parameters() -> None:
    attack = "x'}) DETACH DELETE n //"
    where = {"name": {"contains": attack}, "parties": {"some": {"company": {"id": {"eq": attack}}}}}
    selection = Selection(
        "partnerships",
        "partnerships",
        {"where": where},
        [Selection("nodes", "nodes", {}, [Selection("id", "id")])],
    )
    statement = listing(new_compiler(), "Partnership", selection, selection.args)
    assert attack not in statement.text
    assert attack in statement.params.values()


def test_search_text_is_escaped_for_lucene() -> None:
    assert lucene_query("Hon Hai") == "hon AND hai*"
    assert lucene_query('a:b OR "c"') == 'a\\:b AND or AND \\"c\\"*'
    with pytest.raises(ApiError):
        lucene_query("   ")
