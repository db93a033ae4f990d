"""docker-compose.yml, checked statically (no Docker engine runs where CI does)."""

import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from neo4j_local.version import neo4j_version
from service.settings import Settings

COMPOSE = Path(__file__).resolve().parents[2] / "docker-compose.yml"


def _compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    return data


def test_services_and_healthchecks() -> None:
    services = _compose()["services"]
    assert set(services) == {"neo4j", "seed", "api"}
    assert "cypher-shell" in " ".join(services["neo4j"]["healthcheck"]["test"])
    assert "/readyz" in " ".join(services["api"]["healthcheck"]["test"])
    assert services["seed"]["depends_on"]["neo4j"]["condition"] == "service_healthy"
    assert services["api"]["depends_on"]["seed"]["condition"] == "service_completed_successfully"
    assert services["seed"]["command"] == ["python", "-m", "seed"]
    assert any("8000" in port for port in services["api"]["ports"])
    assert "neo4j-data:/data" in services["neo4j"]["volumes"]


def test_the_image_is_the_pinned_version() -> None:
    version = neo4j_version()
    assert version.startswith("5.26.")
    assert _compose()["services"]["neo4j"]["image"] == f"neo4j:{version}-community"


def test_every_variable_set_for_our_services_is_a_setting() -> None:
    fields = {name.upper() for name in Settings.model_fields}
    services = _compose()["services"]
    for name in ("seed", "api"):
        unknown = set(services[name]["environment"]) - fields
        assert not unknown, f"{name} sets variables no setting reads: {unknown}"


def test_the_image_holds_only_what_it_runs() -> None:
    dockerfile = (COMPOSE.parent / "Dockerfile").read_text(encoding="utf-8")
    copied = {
        line.split()[1]
        for line in dockerfile.splitlines()
        if line.startswith("COPY ") and "--from" not in line
    }
    assert copied == {"pyproject.toml", "service", "seed", "web/package.json", "web/tsconfig.json", "web/src"}
    assert "pip install -c constraints.txt ." in dockerfile


def test_the_service_and_the_seed_tools_run_without_the_development_tools() -> None:
    # In the image there is no neo4j_local, stack, tests or bench: importing what it runs must
    # not need them.
    blocked = "import sys; sys.modules.update(dict.fromkeys(['neo4j_local', 'stack', 'bench', 'tests']))"
    for module in ("service.http.asgi", "seed.cli", "service.keys_cli"):
        done = subprocess.run(
            [sys.executable, "-c", f"{blocked}; import {module}"], capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, (module, done.stderr)
