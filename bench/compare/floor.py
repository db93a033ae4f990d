"""The floor's load runs in a process of its own, like a server: the runner's threads and memory
(the bulk loader, the RSS sampler) stay out of its figures, and its RSS is measured the same way.

    python -m bench.compare.floor < job.json   (prints one JSON result per concurrency level)
"""

import asyncio
import json
import sys
from typing import Any

from neo4j import AsyncGraphDatabase

from bench.compare.load import driver_run


async def _run(job: dict[str, Any]) -> list[dict[str, Any]]:
    async with AsyncGraphDatabase.driver(
        job["uri"], auth=("neo4j", job["password"]), max_connection_pool_size=128
    ) as driver:
        args = (driver, job["database"], job["cypher"], job["params"])
        await driver_run(*args, 4, job["warmup"])
        return [(await driver_run(*args, level, job["seconds"])).as_dict() for level in job["levels"]]


def main() -> None:
    job = json.loads(sys.stdin.read())
    print(json.dumps(asyncio.run(_run(job))))


if __name__ == "__main__":
    main()
