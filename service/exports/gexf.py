"""GEXF 1.2 (Gephi's own format): declared attributes, then the nodes (labelled with their name),
then the edges (labelled with their kind of link).

A directed static graph; parallel edges (two deals between the same companies) keep their ids.
"""

from collections.abc import AsyncIterator

from service.exports.columns import LINK_COLUMNS, NODE_COLUMNS, Column, values
from service.exports.xml_text import attr
from service.graph.exports import Network

_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<gexf xmlns="http://www.gexf.net/1.2draft" version="1.2">\n'
    "  <meta><creator>Supplygraph</creator><description>The AI-infrastructure network,"
    " every node and link with its sources</description></meta>\n"
    '  <graph mode="static" defaultedgetype="directed">\n'
)


def _attributes(scope: str, columns: tuple[Column, ...]) -> str:
    declared = "".join(
        f'      <attribute id="{c.name}" title="{c.name}" type="{c.kind}"/>\n' for c in columns
    )
    return f'    <attributes class="{scope}">\n{declared}    </attributes>\n'


def _values(found: list[tuple[Column, object]]) -> str:
    if not found:
        return ""
    inner = "".join(f'<attvalue for="{c.name}" value={attr(v)}/>' for c, v in found)
    return f"<attvalues>{inner}</attvalues>"


async def gexf(network: Network) -> AsyncIterator[str]:
    yield _HEAD + _attributes("node", NODE_COLUMNS) + _attributes("edge", LINK_COLUMNS)
    yield "    <nodes>\n"
    async for node in network.nodes():
        label = node.props.get("name") or node.id
        yield (
            f"      <node id={attr(node.id)} label={attr(label)}>"
            f"{_values(values(NODE_COLUMNS, node))}</node>\n"
        )
    yield "    </nodes>\n    <edges>\n"
    async for link in network.links():
        yield (
            f"      <edge id={attr(link.id)} source={attr(link.source)} target={attr(link.target)}"
            f" label={attr(link.type.lower())}>{_values(values(LINK_COLUMNS, link))}</edge>\n"
        )
    yield "    </edges>\n  </graph>\n</gexf>\n"
