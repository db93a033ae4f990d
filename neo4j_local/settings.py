"""The launcher's settings, from the environment (and a `.env` file), on its own: the local
server is a development tool and shares no code with the service.

NEO4J_BOLT_PORT, NEO4J_USER, NEO4J_PASSWORD, NEO4J_LOCAL_HOME, NEO4J_PLUGINS, NEO4J_HEAP and
NEO4J_PAGECACHE mean what the README's configuration table says.
"""

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

DEFAULT_PASSWORD = "supplygraph-dev"  # noqa: S105 - the development default the service also uses
STATE_DIR = Path(".neo4j")  # under the working directory, git-ignored: servers' data, logs, pid files
_SIZE = re.compile(r"^\d+[mgMG]$")


def _dotenv() -> dict[str, str]:
    path = Path(".env")
    if not path.is_file():
        return {}
    values = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        key, separator, value = line.partition("=")
        if separator and not key.strip().startswith("#"):
            values[key.strip()] = value.strip().strip("'\"")
    return values


def plugin_names(text: str) -> tuple[str, ...]:
    """NEO4J_PLUGINS as names: the image's JSON list form or a comma-separated list."""
    text = text.strip()
    names = json.loads(text) if text.startswith("[") else text.split(",")
    return tuple(str(name).strip() for name in names if str(name).strip())


@dataclass(frozen=True)
class LauncherSettings:
    bolt_port: int = 7687
    user: str = "neo4j"
    password: str = DEFAULT_PASSWORD
    home: Path = STATE_DIR / "bolt-7687"
    plugins: tuple[str, ...] = ()
    heap: str = "2g"
    pagecache: str = "1g"

    @classmethod
    def from_env(cls) -> "LauncherSettings":
        env = {**_dotenv(), **os.environ}
        port = int(env.get("NEO4J_BOLT_PORT", "7687"))
        if not 1 <= port <= 65535:
            raise ValueError(f"NEO4J_BOLT_PORT must be a port number, got {port}")
        heap, pagecache = env.get("NEO4J_HEAP", "2g"), env.get("NEO4J_PAGECACHE", "1g")
        for name, value in (("NEO4J_HEAP", heap), ("NEO4J_PAGECACHE", pagecache)):
            if not _SIZE.match(value):
                raise ValueError(f"{name} must look like 512m or 2g, got {value!r}")
        home = env.get("NEO4J_LOCAL_HOME") or str(STATE_DIR / f"bolt-{port}")
        return cls(
            bolt_port=port,
            user=env.get("NEO4J_USER", "neo4j"),
            password=env.get("NEO4J_PASSWORD", DEFAULT_PASSWORD),
            home=Path(home),
            plugins=plugin_names(env.get("NEO4J_PLUGINS", "")),
            heap=heap,
            pagecache=pagecache,
        )
