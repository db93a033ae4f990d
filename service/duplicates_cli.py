"""`python -m service duplicates`: the duplicate-candidates report on the command line, answered
by the same engine and query as `duplicateCandidates` (docs/match.md)."""

import argparse
import asyncio
import json
from typing import Any

from service.compiler.statement import Statement
from service.graph import edits
from service.graph.driver import open_driver
from service.graph.reads import read_result
from service.settings import Settings

QUERY = """query D($type: MatchType, $minScore: Float!, $first: Int!) {
  duplicateCandidates(type: $type, minScore: $minScore, first: $first) {
    score left { id name } right { id name } features { nameSimilarity aliasHit countryMatch identifierMatch }
  }
}"""


def add_commands(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--type", choices=["company", "person", "facility"], default="company")
    parser.add_argument("--min-score", type=float, default=0.85)
    parser.add_argument("--first", type=int, default=50)
    parser.add_argument("--json", action="store_true", help="one JSON object per pair")


async def _report(args: argparse.Namespace, settings: Settings) -> int:
    # Imported here: `python -m service` imports this module before serve() sets
    # PROMETHEUS_MULTIPROC_DIR, and the app's metrics made earlier would leave /metrics empty.
    from service.http.app import engine_for

    engine = engine_for(settings)
    driver = open_driver(settings)
    try:

        async def read(statement: Statement, causal: bool) -> Any:
            return await read_result(
                driver,
                settings.neo4j_database,
                statement.text,
                statement.params,
                settings.neo4j_query_timeout,
                causal,
            )

        variables = {"type": args.type.upper(), "minScore": args.min_score, "first": args.first}
        result = await engine.execute(
            QUERY,
            None,
            variables,
            principal=None,
            read=read,
            store=edits.Store(driver, settings.neo4j_database),
            read_only=True,
        )
    finally:
        await driver.close()
    if errors := result.payload.get("errors"):
        print(f"error: {errors[0]['message']}")
        return 1
    for pair in result.payload["data"]["duplicateCandidates"]:
        if args.json:
            print(json.dumps(pair, ensure_ascii=False))
        else:
            left, right = pair["left"], pair["right"]
            print(f"{pair['score']:.3f}\t{left['id']}\t{left['name']}\t{right['id']}\t{right['name']}")
    return 0


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Print the pairs, best first (tab-separated: score, left id and name, right id and name)."""
    return asyncio.run(_report(args, settings))
