"""Resolves the Neo4j server's jars from Maven Central once, into a cache outside the repository."""

import os
import re
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


# Plugins the launcher can add, by the name the official image uses in NEO4J_PLUGINS: the Maven
# artifacts whose runtime closure makes the plugin (APOC core needs apoc-common beside it).
PLUGINS = {"apoc": ("org.neo4j.procedure:apoc-core", "org.neo4j.procedure:apoc-common")}
_PLUGIN_POM = """<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
<groupId>supplygraph</groupId><artifactId>plugin</artifactId><version>1</version><packaging>pom</packaging>
<dependencies>{dependencies}</dependencies></project>
"""
_VERSIONED_JAR = re.compile(r"-\d[^-]*(?:-[A-Za-z0-9.]+)?\.jar$")


def _artifact(jar: str) -> str:
    return _VERSIONED_JAR.sub("", jar)


def resolve_plugin(name: str, version: str, lib: Path, log: Callable[[str], None]) -> list[Path]:
    """The plugin's jars, fetched from Maven Central once into the cache. Libraries the server
    already ships are left out, so no class is on the classpath twice in two versions."""
    if name not in PLUGINS:
        raise LauncherError(f"unknown plugin {name!r}; the launcher knows {', '.join(sorted(PLUGINS))}")
    target = cache_root() / f"plugins-{version}" / name
    if (target / _COMPLETE).exists():
        return sorted(target.glob("*.jar"))
    mvn = shutil.which("mvn")
    if mvn is None:
        raise LauncherError(f"Maven (mvn) is not on PATH; it is needed once to fetch the {name} plugin.")
    log(f"resolving the {name} plugin for Neo4j {version} from Maven Central (first use only)")
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    dependencies = "".join(
        f"<dependency><groupId>{group}</groupId><artifactId>{artifact}</artifactId>"
        f"<version>{version}</version></dependency>"
        for group, artifact in (coordinates.split(":") for coordinates in PLUGINS[name])
    )
    pom = target / "pom.xml"
    pom.write_text(_PLUGIN_POM.format(dependencies=dependencies), encoding="utf-8")
    command = [
        mvn,
        "-B",
        "-q",
        "-f",
        str(pom),
        "dependency:copy-dependencies",
        "-DincludeScope=runtime",
        f"-DoutputDirectory={target}",
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    pom.unlink()
    if result.returncode != 0 or not any(target.glob("*.jar")):
        shutil.rmtree(target, ignore_errors=True)
        tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-10:])
        raise LauncherError(f"Maven could not resolve the {name} plugin:\n{tail}")
    shipped = {_artifact(jar.name) for jar in lib.glob("*.jar")}
    for jar in target.glob("*.jar"):
        if _artifact(jar.name) in shipped:
            jar.unlink()
    (target / _COMPLETE).write_text(name, encoding="utf-8")
    return sorted(target.glob("*.jar"))
