"""The local launcher's checks, without starting a server."""

import re
import socket
from pathlib import Path

import pytest

from neo4j_local import LauncherError, LocalNeo4j
from neo4j_local.jars import lib_dir, resolve_jars
from neo4j_local.server import find_java, free_port
from neo4j_local.version import neo4j_version


def test_missing_java_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("JAVA_HOME", str(tmp_path / "no-jdk"))
    with pytest.raises(LauncherError, match="Java 17 or 21 is needed"):
        find_java()


def test_an_unsupported_java_is_named(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    fake = tmp_path / "jdk" / "bin"
    fake.mkdir(parents=True)
    (fake / "java").write_text("#!/bin/sh\necho 'openjdk version \"11.0.2\" 2019-01-15' >&2\n")
    (fake / "java").chmod(0o755)
    monkeypatch.setenv("JAVA_HOME", str(tmp_path / "jdk"))
    with pytest.raises(LauncherError, match=re.escape("Java 11; Neo4j 5.26 runs on Java 17 or 21")):
        find_java()


def test_missing_maven_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SUPPLYGRAPH_CACHE", str(tmp_path / "empty-cache"))
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(LauncherError, match="Maven"):
        resolve_jars(neo4j_version(), print)


def test_cached_jars_need_no_maven(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    version = neo4j_version()
    cached = lib_dir(version)
    if not (cached / ".complete").exists():  # first run on this machine: fill the cache once
        resolve_jars(version, print)
    monkeypatch.setenv("PATH", str(tmp_path))  # no mvn: a second start must not need it
    assert resolve_jars(version, print) == cached


def test_a_taken_port_is_a_clear_error(tmp_path: Path) -> None:
    port = free_port()
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", port))
        listener.listen()
        server = LocalNeo4j(home=tmp_path, bolt_port=port, password="long-enough-pw")
        with pytest.raises(LauncherError, match=f"port {port} is already in use"):
            server.start()


def test_a_short_password_is_refused(tmp_path: Path) -> None:
    with pytest.raises(LauncherError, match="at least 8 characters"):
        LocalNeo4j(home=tmp_path, bolt_port=free_port(), password="short").start()


def test_unknown_plugins_are_named(tmp_path: Path) -> None:
    server = LocalNeo4j(home=tmp_path, bolt_port=free_port(), password="long-enough-pw", plugins=("gds",))
    with pytest.raises(LauncherError, match="unknown plugin 'gds'"):
        server.start()
