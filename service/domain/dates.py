"""Dates known to a day, month, quarter, half-year or year.

Neo4j has no partial date, so the graph stores the first day of the period plus its precision
(`2025-11` becomes 2025-11-01 with precision `month`), and `text` gives it back as written.
"""

import re
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from pydantic import BeforeValidator, PlainSerializer

from service.domain.vocab import DatePrecision

_PATTERN = re.compile(
    r"^(?P<year>\d{4})(?:-(?:(?P<month>\d{2})(?:-(?P<day>\d{2}))?|Q(?P<quarter>[1-4])|H(?P<half>[12])))?$"
)


@dataclass(frozen=True, slots=True)
class PartialDateValue:
    start: date
    precision: DatePrecision

    @property
    def text(self) -> str:
        """The date as written in the data files: 2025, 2025-H2, 2025-Q1, 2025-11, 2025-11-20."""
        year = self.start.year
        match self.precision:
            case DatePrecision.YEAR:
                return f"{year}"
            case DatePrecision.HALF:
                return f"{year}-H{1 if self.start.month == 1 else 2}"
            case DatePrecision.QUARTER:
                return f"{year}-Q{(self.start.month - 1) // 3 + 1}"
            case DatePrecision.MONTH:
                return f"{year}-{self.start.month:02d}"
        return self.start.isoformat()


def parse_partial_date(value: Any) -> PartialDateValue:
    """Read '2025', '2025-H2', '2025-Q1', '2025-11', '2025-11-20' (or a YAML date/int)."""
    if isinstance(value, PartialDateValue):
        return value
    if isinstance(value, date):
        return PartialDateValue(value, DatePrecision.DAY)
    if isinstance(value, int):
        value = str(value)
    if not isinstance(value, str):
        raise ValueError(f"not a date: {value!r}")
    match = _PATTERN.match(value.strip())
    if not match:
        raise ValueError(f"not a date: {value!r} (write 2025, 2025-H2, 2025-Q1, 2025-11 or 2025-11-20)")
    year = int(match["year"])
    try:
        if match["day"]:
            return PartialDateValue(date(year, int(match["month"]), int(match["day"])), DatePrecision.DAY)
        if match["month"]:
            return PartialDateValue(date(year, int(match["month"]), 1), DatePrecision.MONTH)
    except ValueError as error:
        raise ValueError(f"not a date: {value!r} ({error})") from None
    if match["quarter"]:
        return PartialDateValue(date(year, (int(match["quarter"]) - 1) * 3 + 1, 1), DatePrecision.QUARTER)
    if match["half"]:
        return PartialDateValue(date(year, 1 if match["half"] == "1" else 7, 1), DatePrecision.HALF)
    return PartialDateValue(date(year, 1, 1), DatePrecision.YEAR)


PartialDate = Annotated[
    PartialDateValue,
    BeforeValidator(parse_partial_date),
    PlainSerializer(lambda value: value.text, return_type=str),
]
