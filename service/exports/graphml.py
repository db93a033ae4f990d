"""GraphML (Gephi, yEd, networkx): typed keys for every column, then the nodes, then the edges.

A directed graph; parallel edges (two deals between the same companies) keep their own ids.
"""

from collections.abc import AsyncIterator

from service.exports.columns import LINK_COLUMNS, NODE_COLUMNS, Column, values
from service.exports.xml_text import attr, text
from service.graph.exports import Network

_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns"'
    ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
    ' xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns'
    ' http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n'
)


def _key(prefix: str, scope: str, column: Column) -> str:
    return (
        f'  <key id="{prefix}_{column.name}" for="{scope}" attr.name="{column.name}"'
        f' attr.type="{column.kind}"/>\n'
    )


def _data(prefix: str, found: list[tuple[Column, object]]) -> str:
    return "".join(f'<data key="{prefix}_{c.name}">{text(v)}</data>' for c, v in found)


async def graphml(network: Network) -> AsyncIterator[str]:
    yield _HEAD + "".join(_key("n", "node", c) for c in NODE_COLUMNS)
    yield "".join(_key("e", "edge", c) for c in LINK_COLUMNS)
    yield '  <graph id="supplygraph" edgedefault="directed">\n'
    async for node in network.nodes():
        yield f"    <node id={attr(node.id)}>{_data('n', values(NODE_COLUMNS, node))}</node>\n"
    async for link in network.links():
        yield (
            f"    <edge id={attr(link.id)} source={attr(link.source)}"
            f" target={attr(link.target)}>{_data('e', values(LINK_COLUMNS, link))}</edge>\n"
        )
    yield "  </graph>\n</graphml>\n"
