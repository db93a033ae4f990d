"""The pinned Neo4j version, read from the one place it is written: docker-compose.yml's image tag."""

import re
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = REPO_ROOT / "docker-compose.yml"
_IMAGE = re.compile(r"^\s*image:\s*neo4j:(?P<version>\d+\.\d+\.\d+)-community\s*$", re.MULTILINE)


def neo4j_version(compose_file: Path = COMPOSE_FILE) -> str:
    """The x.y.z of the `neo4j:x.y.z-community` image in the compose file."""
    match = _IMAGE.search(compose_file.read_text(encoding="utf-8"))
    if not match:
        raise RuntimeError(f"{compose_file}: no 'image: neo4j:<x.y.z>-community' line")
    return match["version"]
