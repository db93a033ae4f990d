"""The launcher adds APOC core (from Maven Central, cached) when asked, as the image does."""

import shutil
import tempfile
from pathlib import Path

from neo4j import GraphDatabase

from neo4j_local import LocalNeo4j
from neo4j_local.server import free_port
from tests.support import TEST_PASSWORD


def test_apoc_core_is_installed_and_callable() -> None:
    home = Path(tempfile.mkdtemp(prefix="supplygraph-apoc-"))
    local = LocalNeo4j(
        home=home,
        bolt_port=free_port(),
        password=TEST_PASSWORD,
        heap="512m",
        pagecache="128m",
        plugins=("apoc",),
    )
    local.start()
    try:
        with GraphDatabase.driver(local.uri, auth=("neo4j", TEST_PASSWORD)) as driver:
            records, _, _ = driver.execute_query("RETURN apoc.version() AS version")
        assert records[0]["version"] == local.version
        installed = {p.name for p in (home / "plugins").glob("*.jar")}
        assert {f"apoc-core-{local.version}.jar", f"apoc-common-{local.version}.jar"} <= installed
        assert not any(name.startswith("commons-lang3") for name in installed)  # the server ships it
    finally:
        local.stop()
        shutil.rmtree(home, ignore_errors=True)
