"""Resolves the Neo4j server's jars from Maven Central once, into a cache outside the repository."""

import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

from neo4j_local.errors import LauncherError

POM = Path(__file__).resolve().parent / "pom.xml"
_COMPLETE = ".complete"


def cache_root() -> Path:
    """~/.cache/supplygraph (or $XDG_CACHE_HOME/supplygraph, or $SUPPLYGRAPH_CACHE)."""
    if explicit := os.environ.get("SUPPLYGRAPH_CACHE"):
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "supplygraph"


def lib_dir(version: str) -> Path:
    return cache_root() / f"neo4j-{version}" / "lib"


def resolve_jars(version: str, log: Callable[[str], None]) -> Path:
    """The folder holding the server's runtime classpath; runs Maven only on the first call."""
    target = lib_dir(version)
    if (target / _COMPLETE).exists():
        return target
    mvn = shutil.which("mvn")
    if mvn is None:
        raise LauncherError(
            "Maven (mvn) is not on PATH; it is needed once to fetch the Neo4j jars "
            "(Debian/Ubuntu: apt-get install maven)."
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    log(f"resolving Neo4j {version} jars from Maven Central into {target} (first start only)")
    # Copy into a scratch folder and rename at the end, so an interrupted download never looks
    # like a complete classpath.
    scratch = Path(tempfile.mkdtemp(prefix="lib-", dir=target.parent))
    command = [
        mvn,
        "-B",
        "-q",
        "-f",
        str(POM),
        f"-Dneo4j.version={version}",
        "dependency:copy-dependencies",
        "-DincludeScope=runtime",
        f"-DoutputDirectory={scratch}",
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0 or not any(scratch.glob(f"neo4j-{version}.jar")):
        shutil.rmtree(scratch, ignore_errors=True)
        tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-15:])
        raise LauncherError(f"Maven could not resolve org.neo4j:neo4j:{version}:\n{tail}")
    (scratch / _COMPLETE).write_text(version, encoding="utf-8")
    shutil.rmtree(target, ignore_errors=True)
    scratch.rename(target)
    return target
