"""The export formats by name: what each writes, its media type and its file name."""

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

from service.exports.csv_tables import links_csv, nodes_csv
from service.exports.ftm import ftm_lines
from service.exports.gexf import gexf
from service.exports.graphml import graphml
from service.graph.exports import Network


@dataclass(frozen=True)
class Format:
    write: Callable[[Network], AsyncIterator[str]]
    media_type: str
    filename: str


FORMATS: dict[str, Format] = {
    "ftm": Format(ftm_lines, "application/x-ndjson", "supplygraph.ftm.json"),
    "graphml": Format(graphml, "application/graphml+xml", "supplygraph.graphml"),
    "gexf": Format(gexf, "application/gexf+xml", "supplygraph.gexf"),
    "csv-nodes": Format(nodes_csv, "text/csv; charset=utf-8", "supplygraph-nodes.csv"),
    "csv-edges": Format(links_csv, "text/csv; charset=utf-8", "supplygraph-edges.csv"),
}
