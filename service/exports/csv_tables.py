"""CSV: one table of nodes (id first) and one of links (id, source, target first), one line per
row, the columns of `columns.py`; lists are joined with "; "."""

import csv
import io
from collections.abc import AsyncIterator

from service.exports.columns import LINK_COLUMNS, NODE_COLUMNS, Column, values
from service.graph.exports import Network

NODE_HEADER = ["id", *(c.name for c in NODE_COLUMNS)]
LINK_HEADER = ["id", "source", "target", *(c.name for c in LINK_COLUMNS)]


def _line(cells: list[object]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(cells)
    return buffer.getvalue()


def _cells(columns: tuple[Column, ...], found: list[tuple[Column, object]]) -> list[object]:
    by_name = {column.name: value for column, value in found}
    return [by_name.get(column.name, "") for column in columns]


async def nodes_csv(network: Network) -> AsyncIterator[str]:
    yield _line(list(NODE_HEADER))
    async for node in network.nodes():
        yield _line([node.id, *_cells(NODE_COLUMNS, values(NODE_COLUMNS, node))])


async def links_csv(network: Network) -> AsyncIterator[str]:
    yield _line(list(LINK_HEADER))
    async for link in network.links():
        yield _line([link.id, link.source, link.target, *_cells(LINK_COLUMNS, values(LINK_COLUMNS, link))])
