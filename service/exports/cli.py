"""`python -m service export --format F --out FILE [--ids a,b]`: one export written to a file
(or to stdout with `--out -`), streamed as the HTTP endpoint streams it."""

import argparse
import asyncio
import sys
from typing import TextIO

from service.exports.formats import FORMATS
from service.graph.driver import open_driver
from service.graph.exports import Network
from service.settings import Settings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", required=True, choices=sorted(FORMATS), help="What to write.")
    parser.add_argument("--out", required=True, help="The file to write, or - for stdout.")
    parser.add_argument("--ids", help="Only these nodes (comma-separated ids) and the links between them.")


async def _write(settings: Settings, name: str, ids: list[str] | None, out: TextIO) -> None:
    driver = open_driver(settings)
    try:
        network = await Network.open(driver, settings.neo4j_database, ids, None)
        try:
            async for chunk in FORMATS[name].write(network):
                out.write(chunk)
        finally:
            await network.close()
    finally:
        await driver.close()


def run(args: argparse.Namespace, settings: Settings) -> int:
    ids = [i.strip() for i in args.ids.split(",") if i.strip()] if args.ids else None
    if args.out == "-":
        asyncio.run(_write(settings, args.format, ids, sys.stdout))
    else:
        with open(args.out, "w", encoding="utf-8", newline="") as out:
            asyncio.run(_write(settings, args.format, ids, out))
        print(f"wrote {args.out}", file=sys.stderr)
    return 0
