"""A connection's `aggregate` and `groupBy`: one subquery each, over the connection's own
filtered rows (its count lines, which carry `where`, `asOf` and `knownAt`), ending in an
aggregation so it yields exactly one row.

When every money figure asked adds the same qualifiers and none asks which were included or for
each on its own, one aggregation does it all: the amounts of other qualifiers are left out as the
rows go by (`CASE WHEN qualifier IN $q THEN value END`), and only the statistics read are kept.
Otherwise two steps: first per group key and money qualifier (the partial counts, sums and
bounds), then per group key alone; a money sum is then the sum of the partial sums of the
qualifiers asked for, and the partials of each qualifier are its `byQualifier` entry. Either way
amounts of different exactness are only ever added on request, in one pass over the items.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from service.compiler.selection import Selection, SelectionError, merged
from service.compiler.statement import Names, response_key
from service.domain.catalog import AGGREGATES, GroupKey, Hop, Number
from service.domain.vocab import MoneyQualifier
from service.errors import bad_input

DEFAULT_GROUPS = 20
MAX_GROUPS = 100
MAX_GROUP_OFFSET = 10_000
MAX_KEYS = 3

Read = Callable[[str, str], str]  # (a stored property, the item variable) → its Cypher value
# (the item, the hop, the related entity's variable, the owner or None) → an OPTIONAL MATCH line
Related = Callable[[str, Hop, str, str | None], str]
# The columns each figure of a number needs: `avg` is a sum over a count.
_NEEDS = {
    "count": ("count",),
    "sum": ("count", "sum"),
    "avg": ("count", "sum"),
    "min": ("low",),
    "max": ("high",),
    "__typename": (),
}
_SPLIT = ("includedQualifiers", "byQualifier")  # figures that need the per-qualifier partials


@dataclass
class _Asked:
    """What a selection reads of each number: the columns, and for money the qualifier sets."""

    columns: dict[str, set[str]] = field(default_factory=dict)
    qualifiers: dict[str, set[tuple[str, ...]]] = field(default_factory=dict)
    split: bool = False  # `byQualifier` or `includedQualifiers` asked

    def add(self, name: str, columns: tuple[str, ...], qualifiers: tuple[str, ...] | None) -> None:
        self.columns.setdefault(name, set()).update(columns)
        if qualifiers is not None:
            self.qualifiers.setdefault(name, set()).add(qualifiers)


@dataclass
class _Number:
    number: Number
    count: str  # the partial columns, per group key and qualifier
    sum: str
    low: str
    high: str
    qualifier: str | None  # the qualifier column, for money summed in two steps


class Aggregation:
    """Compiles one `aggregate` or `groupBy` selection over the rows `lines` leave bound."""

    def __init__(
        self,
        names: Names,
        type_name: str,
        node: str,
        read: Read,
        distinct: bool,
        related: Related | None = None,
        owner: str | None = None,
    ) -> None:
        self.names = names
        self.aggregates = AGGREGATES[type_name]
        self.node = node
        self.read = read
        self.distinct = distinct
        self.related = related
        self.owner = owner  # the entity a nested list hangs from: never its own counterparty

    def aggregate(self, selection: Selection, lines: list[str]) -> tuple[str, str]:
        """(the subquery's body, its result variable) for `aggregate { ... }`."""
        out = self.names.var("agg")
        children = merged(selection.children)
        if all(c.name in ("count", "__typename") for c in children):
            # A count alone needs no partials: on a whole label it comes from the count store.
            counted = f"count(DISTINCT {self.node})" if self.distinct else f"count({self.node})"
            named = f"'{self.aggregates.type}Aggregate'"
            entries = [f"{response_key(c)}: {out if c.name == 'count' else named}" for c in children]
            # The count is returned bare, so that the planner sees a plain count it can take
            # from the count store; the map around it is built outside.
            return f"{' '.join(lines)} RETURN {counted} AS {out}", f"{{{', '.join(entries)}}}"
        body, total, numbers = self._partials(lines, [], self._asked(children))
        value = self._entries(children, total, numbers, f"{self.aggregates.type}Aggregate")
        return f"{body} RETURN {value} AS {out}", out

    def group_by(self, selection: Selection, lines: list[str]) -> tuple[str, str]:
        """(the subquery's body, its result variable) for `groupBy(by:, orderBy:, first:) { ... }`."""
        args = selection.args
        by: list[str] = list(args.get("by") or [])
        if not by:
            raise bad_input("groupBy needs at least one key in `by`")
        if len(by) > MAX_KEYS:
            raise bad_input(f"groupBy takes at most {MAX_KEYS} keys, got {len(by)}")
        if len(set(by)) != len(by):
            raise bad_input("groupBy lists a key twice in `by`")
        keys = [self.aggregates.keys[member] for member in by]
        dates = [k.stored for k in keys if k.part]
        if len(set(dates)) != len(dates):
            raise bad_input("groupBy takes one part (year, quarter or month) of a date, not several")
        first = args.get("first", DEFAULT_GROUPS)
        if not isinstance(first, int) or not 0 <= first <= MAX_GROUPS:
            raise bad_input(f"groupBy first must be between 0 and {MAX_GROUPS}, got {first!r}")
        offset = args.get("offset", 0)
        if not isinstance(offset, int) or not 0 <= offset <= MAX_GROUP_OFFSET:
            raise bad_input(f"groupBy offset must be between 0 and {MAX_GROUP_OFFSET}, got {offset!r}")
        key_vars = [self.names.var("g") for _ in keys]
        order = args.get("orderBy") or {}
        field = order.get("field") or "KEY"
        asked = self._asked(merged(selection.children))
        if field not in ("KEY", "COUNT"):
            sorted_by = self.aggregates.numbers[_camel(field).removesuffix("Sum")]
            chosen = _chosen(order.get("qualifiers")) if sorted_by.qualifier else None
            asked.add(sorted_by.name, _NEEDS["sum"], chosen)
        body, total, numbers = self._partials(lines, list(zip(keys, key_vars, strict=True)), asked)

        descending = bool(order.get("direction"))
        direction = "DESC" if descending else "ASC"
        # Nulls last either way: a flag first, then the value (an entity's name, then its id).
        sorted_as = [[f"{v}.name", f"{v}.id"] if k.hop else [v] for k, v in zip(keys, key_vars, strict=True)]
        by_keys = ", ".join(
            f"{v} IS NULL, " + ", ".join(f"{e} {direction}" for e in exprs)
            for v, exprs in zip(key_vars, sorted_as, strict=True)
        )
        tie = ", ".join(
            f"{v} IS NULL, " + ", ".join(exprs) for v, exprs in zip(key_vars, sorted_as, strict=True)
        )
        if field == "KEY":
            sort = by_keys
        elif field == "COUNT":
            sort = f"{total} {direction}, {tie}"
        else:
            number = next(n for n in numbers if f"{n.number.name}Sum" == _camel(field))
            if number.qualifier is None:
                summed = f"CASE WHEN {number.count} > 0 THEN {number.sum} END"
            else:
                summed = self._summed(number, "sum", self._qualifiers(order.get("qualifiers")))
            sort_key = self.names.var("s")
            body += f" WITH *, {summed} AS {sort_key}"
            sort = f"{sort_key} IS NULL, {sort_key} {direction}, {tie}"
        key_map = {k.member: self._shown(k, v) for k, v in zip(keys, key_vars, strict=True)}
        entries = []
        for child in merged(selection.children):
            if child.name == "key":
                parts = []
                for part in merged(child.children):
                    if part.name == "__typename":
                        parts.append(f"{response_key(part)}: '{self.aggregates.type}GroupKey'")
                        continue
                    key = next(k for k in self.aggregates.keys.values() if k.name == part.name)
                    shown = key_map.get(key.member, "null")
                    if key.hop is not None and shown != "null":
                        shown = _entity(shown, part)
                    parts.append(f"{response_key(part)}: {shown}")
                entries.append(f"{response_key(child)}: {{{', '.join(parts)}}}")
        value = self._entries(
            [c for c in merged(selection.children) if c.name != "key"],
            total,
            numbers,
            f"{self.aggregates.type}Group",
        )
        value = "{" + ", ".join([*entries, value[1:-1]] if value != "{}" else entries) + "}"
        out = self.names.var("groups")
        skip = f" SKIP {self.names.param(offset)}" if offset else ""
        body += f" WITH * ORDER BY {sort}{skip} LIMIT {first} RETURN collect({value}) AS {out}"
        return body, out

    # -- the two steps ---------------------------------------------------------------------------

    def _asked(self, children: list[Selection]) -> _Asked:
        asked = _Asked()
        for child in merged(children):
            number = self.aggregates.numbers.get(child.name)
            if number is None:
                continue
            figures = merged(child.children)
            columns = tuple(c for f in figures for c in _NEEDS.get(f.name, ()))
            chosen = _chosen(child.args.get("qualifiers")) if number.qualifier else None
            asked.add(number.name, columns, chosen)
            asked.split = asked.split or any(f.name in _SPLIT for f in figures)
        return asked

    def _partials(
        self, lines: list[str], keys: list[tuple[GroupKey, str]], asked: _Asked
    ) -> tuple[str, str, list[_Number]]:
        """The subquery up to the per-key totals: (text, the item count column, the numbers)."""
        # The item keeps its name: under knownAt its values of then are read through it.
        item = self.node
        picked = self._picked(keys)
        # Only the numbers the selection reads (or sorts by).
        wanted = [n for n in self.aggregates.numbers.values() if n.name in asked.columns]
        one_step = not asked.split and all(len(asked.qualifiers.get(n.name, ())) <= 1 for n in wanted)
        if one_step:
            return self._one_step(lines, picked, keys, asked, wanted)
        qualifiers = sorted({n.qualifier for n in wanted if n.qualifier})
        qualifier_vars = {stored: self.names.var("q") for stored in qualifiers}
        values, dates = self._dates(keys, item)
        columns: list[str] = [f"{self._key(key, item, var, dates)} AS {var}" for key, var in keys]
        columns += [f"{self.read(stored, item)} AS {var}" for stored, var in qualifier_vars.items()]
        rows = self.names.var("rows")
        columns.append(f"count(*) AS {rows}")
        numbers: list[_Number] = []
        for number in wanted:
            value = self.read(number.stored, item)
            qualifier = qualifier_vars[number.qualifier] if number.qualifier else None
            partial = self._columns(number, qualifier, "")
            columns += [
                f"count({value}) AS {partial.count}",
                f"sum({value}) AS {partial.sum}",
                f"min({value}) AS {partial.low}",
                f"max({value}) AS {partial.high}",
            ]
            numbers.append(partial)
        second = [*(var for _, var in keys)]
        total = self.names.var("n")
        second.append(f"sum({rows}) AS {total}")
        finals: list[_Number] = []
        for n in numbers:
            final = self._columns(n.number, n.qualifier, "t")
            if n.qualifier is None:
                second += [
                    f"sum({n.count}) AS {final.count}",
                    f"sum({n.sum}) AS {final.sum}",
                    f"min({n.low}) AS {final.low}",
                    f"max({n.high}) AS {final.high}",
                ]
            else:
                # The partials of each qualifier, kept apart for `byQualifier` and summed on request.
                entry = (
                    f"CASE WHEN {n.qualifier} IS NOT NULL THEN {{qualifier: {n.qualifier}, items: {rows}, "
                    f"count: {n.count}, sum: {n.sum}, low: {n.low}, high: {n.high}}} END"
                )
                second.append(f"collect({entry}) AS {final.sum}")
            finals.append(final)
        read = [f"WITH *, {', '.join(values)}"] if values else []
        text = " ".join([*lines, picked, *read, f"WITH {', '.join(columns)}", f"WITH {', '.join(second)}"])
        return text, total, finals

    def _picked(self, keys: list[tuple[GroupKey, str]]) -> str:
        """The items, once each; with a related entity as a key, once per item and entity."""
        item = self.node
        picked = f"WITH DISTINCT {item}" if self.distinct else f"WITH {item}"
        related = [(key, var) for key, var in keys if key.hop is not None]
        if not related:
            return picked
        assert self.related is not None, "a related key needs the hop compiled"
        owner = [self.owner] if self.owner else []
        lines = [f"WITH DISTINCT {', '.join([*owner, item])}"]
        bound = [*owner, item]
        for key, var in related:
            assert key.hop is not None
            lines.append(self.related(item, key.hop, var, self.owner))
            bound.append(var)
            lines.append(f"WITH DISTINCT {', '.join(bound)}")
        return " ".join(lines)

    def _one_step(
        self,
        lines: list[str],
        picked: str,
        keys: list[tuple[GroupKey, str]],
        asked: _Asked,
        wanted: list[Number],
    ) -> tuple[str, str, list[_Number]]:
        """Every figure in one aggregation: money of other qualifiers is null as the rows go by,
        and a column no figure reads is not computed (it stands as `null`)."""
        item = self.node
        total = self.names.var("n")
        values, dates = self._dates(keys, item)  # read once per row where several columns use them
        columns = [f"{self._key(key, item, var, dates)} AS {var}" for key, var in keys]
        columns.append(f"count(*) AS {total}")
        numbers: list[_Number] = []
        for number in wanted:
            value = self.read(number.stored, item)
            if number.qualifier is not None:
                (chosen,) = asked.qualifiers[number.name]
                # Every amount has a qualifier: with all of them asked, none is left out.
                if len(chosen) < len(MoneyQualifier):
                    within = f"{self.read(number.qualifier, item)} IN {self.names.param(list(chosen))}"
                    value = f"CASE WHEN {within} THEN {value} END"
            needed = asked.columns[number.name]
            if len(needed) > 1 and value != f"{item}.{number.stored}":
                var = self.names.var("v")
                values.append(f"{value} AS {var}")
                value = var
            found = self._columns(number, None, "")
            made = {}
            for column, function in (("count", "count"), ("sum", "sum"), ("low", "min"), ("high", "max")):
                if column in needed:
                    columns.append(f"{function}({value}) AS {getattr(found, column)}")
                    made[column] = getattr(found, column)
                else:
                    made[column] = "null"
            numbers.append(_Number(number, made["count"], made["sum"], made["low"], made["high"], None))
        read = [f"WITH *, {', '.join(values)}"] if values else []
        text = " ".join([*lines, picked, *read, f"WITH {', '.join(columns)}"])
        return text, total, numbers

    def _columns(self, number: Number, qualifier: str | None, hint: str) -> _Number:
        names = self.names
        return _Number(
            number,
            names.var(f"{hint}c"),
            names.var(f"{hint}s"),
            names.var(f"{hint}lo"),
            names.var(f"{hint}hi"),
            qualifier,
        )

    def _dates(self, keys: list[tuple[GroupKey, str]], item: str) -> tuple[list[str], dict[str, str]]:
        """The dates a quarter or month is taken from, each read into a variable once per item
        (the key reads its year and its month): (the `value AS var` columns, stored → var)."""
        parted = [k.stored for k, _ in keys if k.part in ("quarter", "month") and k.hop is None]
        dates = {stored: self.names.var("d") for stored in parted}
        return [f"{self.read(stored, item)} AS {var}" for stored, var in dates.items()], dates

    def _key(self, key: GroupKey, item: str, var: str, dates: dict[str, str]) -> str:
        """The value an item is grouped by. A date part is a number that sorts as the period
        does (2025 * 100 + 7 for July 2025), formatted once per group rather than once per item."""
        if key.hop is not None:
            return var  # bound by its OPTIONAL MATCH
        if key.part is None:
            return self.read(key.stored, item)
        if key.part == "year":
            return f"{self.read(key.stored, item)}.year"
        value = dates[key.stored]
        precise = "true"
        if key.precision is not None:
            levels = self.names.param([str(p.value) for p in key.precise])
            precise = f"coalesce({self.read(key.precision, item)}, 'day') IN {levels}"
        number = f"{value}.year * 100 + {value}.{key.part}"
        return f"CASE WHEN {precise} THEN {number} END"

    @staticmethod
    def _shown(key: GroupKey, var: str) -> str:
        """A grouped value as the client sees it (`2025-Q3`, `2025-07`)."""
        match key.part:
            case "quarter":
                return f"toString({var} / 100) + '-Q' + toString({var} % 100)"
            case "month":
                return f"toString({var} / 100) + '-' + right('0' + toString({var} % 100), 2)"
        return var

    # -- the fields ------------------------------------------------------------------------------

    def _entries(self, children: list[Selection], total: str, numbers: list[_Number], type_name: str) -> str:
        by_name = {n.number.name: n for n in numbers}
        entries = []
        for child in merged(children):
            if child.name == "count":
                entries.append(f"{response_key(child)}: {total}")
            elif child.name == "__typename":
                entries.append(f"{response_key(child)}: '{type_name}'")
            elif child.name in by_name:
                entries.append(f"{response_key(child)}: {self._number(by_name[child.name], child)}")
            else:
                raise SelectionError(f"{type_name}.{child.name} is not compiled")
        return "{" + ", ".join(entries) + "}"

    def _number(self, n: _Number, selection: Selection) -> str:
        if n.qualifier is None:
            # A plain number, or money summed in one step over the qualifiers asked.
            shown = "MoneyAggregate" if n.number.qualifier else "NumberAggregate"
            return self._summary(selection.children, shown, n.count, n.sum, n.low, n.high)
        qualifiers = self._qualifiers(selection.args.get("qualifiers"))
        parts = []
        every = self.names.param([str(q.value) for q in MoneyQualifier])
        for child in merged(selection.children):
            key = response_key(child)
            if child.name == "includedQualifiers":
                parts.append(
                    f"{key}: [q IN {every} WHERE q IN {qualifiers} AND "
                    f"any(p IN {n.sum} WHERE p.qualifier = q AND p.count > 0)]"
                )
            elif child.name == "byQualifier":
                entry = self.names.var("p")
                # Declaration order, not the order the partials happened to come in.
                summary = self._summary(
                    [c for c in child.children if c.name not in ("qualifier", "items")],
                    "MoneyQualifierAggregate",
                    f"{entry}.count",
                    f"{entry}.sum",
                    f"{entry}.low",
                    f"{entry}.high",
                )[1:-1]
                extra = [
                    f"{response_key(c)}: {entry}.{c.name}"
                    for c in merged(child.children)
                    if c.name in ("qualifier", "items")
                ]
                inner = ", ".join([*extra, summary] if summary else extra)
                merged_entry = self._merge(n.sum, "q")
                parts.append(
                    f"{key}: [q IN {every} WHERE any(p IN {n.sum} WHERE p.qualifier = q) | "
                    f"[{entry} IN [{merged_entry}] | {{{inner}}}][0]]"
                )
            elif child.name == "__typename":
                parts.append(f"{key}: 'MoneyAggregate'")
            else:
                value = self._summed(n, child.name, qualifiers)
                parts.append(f"{key}: {value}")
        return "{" + ", ".join(parts) + "}"

    def _merge(self, partials: str, qualifier: str) -> str:
        """One qualifier's totals, from its partials (one per group key, or one in all)."""
        mine = f"[p IN {partials} WHERE p.qualifier = {qualifier}]"
        return (
            f"{{qualifier: {qualifier}, items: reduce(t = 0, p IN {mine} | t + p.items), "
            f"count: reduce(t = 0, p IN {mine} | t + p.count), "
            f"sum: reduce(t = 0.0, p IN {mine} | t + p.sum), "
            f"low: {_lowest(mine)}, high: {_highest(mine)}}}"
        )

    def _summed(self, n: _Number, what: str, qualifiers: str) -> str:
        """`count`, `sum`, `avg`, `min` or `max` of a money number over the qualifiers given."""
        mine = f"[p IN {n.sum} WHERE p.qualifier IN {qualifiers} AND p.count > 0]"
        count = f"reduce(t = 0, p IN {mine} | t + p.count)"
        total = f"reduce(t = 0.0, p IN {mine} | t + p.sum)"
        match what:
            case "count":
                return count
            case "sum":
                return f"CASE WHEN {count} > 0 THEN {total} END"
            case "avg":
                return f"CASE WHEN {count} > 0 THEN {total} / {count} END"
            case "min":
                return (
                    f"reduce(t = null, p IN {mine} | CASE WHEN t IS NULL OR p.low < t THEN p.low ELSE t END)"
                )
            case "max":
                return _highest(mine)
        raise SelectionError(f"MoneyAggregate.{what} is not compiled")

    def _summary(
        self, children: list[Selection], type_name: str, count: str, total: str, low: str, high: str
    ) -> str:
        values = {
            "count": count,
            "sum": f"CASE WHEN {count} > 0 THEN toFloat({total}) END",
            "avg": f"CASE WHEN {count} > 0 THEN toFloat({total}) / {count} END",
            "min": low,
            "max": high,
            "__typename": f"'{type_name}'",
        }
        parts = []
        for child in merged(children):
            if child.name not in values:
                raise SelectionError(f"{type_name}.{child.name} is not compiled")
            parts.append(f"{response_key(child)}: {values[child.name]}")
        return "{" + ", ".join(parts) + "}"

    def _qualifiers(self, given: Any) -> str:
        return self.names.param(list(_chosen(given)))


def _chosen(given: Any) -> tuple[str, ...]:
    """The stored qualifiers a money figure adds (only `EXACT` unless given), in declaration order."""
    named = {MoneyQualifier.EXACT} if given is None else {MoneyQualifier(q) for q in given}
    return tuple(str(q.value) for q in MoneyQualifier if q in named)


def _entity(var: str, selection: Selection) -> str:
    """A related entity grouped by, as its key shows it (only after the groups are cut)."""
    values = {"id": f"{var}.id", "name": f"{var}.name", "__typename": "'GroupEntity'"}
    parts = []
    for child in merged(selection.children):
        if child.name not in values:
            raise SelectionError(f"GroupEntity.{child.name} is not compiled")
        parts.append(f"{response_key(child)}: {values[child.name]}")
    return f"CASE WHEN {var} IS NOT NULL THEN {{{', '.join(parts)}}} END"


def _lowest(partials: str) -> str:
    return f"reduce(t = null, p IN {partials} | CASE WHEN t IS NULL OR p.low < t THEN p.low ELSE t END)"


def _highest(partials: str) -> str:
    return f"reduce(t = null, p IN {partials} | CASE WHEN t IS NULL OR p.high > t THEN p.high ELSE t END)"


def _camel(member: str) -> str:
    """`VALUE_USD_SUM` → `valueUsdSum`."""
    head, *rest = member.lower().split("_")
    return head + "".join(part.capitalize() for part in rest)
