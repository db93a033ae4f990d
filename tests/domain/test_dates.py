from datetime import date

import pytest

from service.domain.dates import parse_partial_date
from service.domain.vocab import DatePrecision


@pytest.mark.parametrize(
    ("text", "start", "precision"),
    [
        ("2025", date(2025, 1, 1), DatePrecision.YEAR),
        ("2025-H2", date(2025, 7, 1), DatePrecision.HALF),
        ("2025-Q3", date(2025, 7, 1), DatePrecision.QUARTER),
        ("2025-11", date(2025, 11, 1), DatePrecision.MONTH),
        ("2025-11-20", date(2025, 11, 20), DatePrecision.DAY),
        (2025, date(2025, 1, 1), DatePrecision.YEAR),
        (date(2025, 11, 20), date(2025, 11, 20), DatePrecision.DAY),
    ],
)
def test_partial_dates_keep_their_precision(text: object, start: date, precision: DatePrecision) -> None:
    value = parse_partial_date(text)
    assert (value.start, value.precision) == (start, precision)
    assert parse_partial_date(value.text) == value


@pytest.mark.parametrize("text", ["2025-13", "2025-02-30", "25-11", "2025-Q5", "November 2025", 3.5])
def test_bad_dates_are_rejected_with_the_accepted_forms(text: object) -> None:
    with pytest.raises(ValueError, match="not a date"):
        parse_partial_date(text)
