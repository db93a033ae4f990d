import pytest
from pydantic import ValidationError

from neo4j_local.settings import LauncherSettings, plugin_names
from service.settings import DEFAULT_PASSWORD, Settings

_LAUNCHER = ("NEO4J_BOLT_PORT", "NEO4J_LOCAL_HOME", "NEO4J_PLUGINS", "NEO4J_HEAP", "NEO4J_PAGECACHE")


def test_defaults_need_no_configuration(monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> None:
    for name in [*Settings.model_fields, *_LAUNCHER]:
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.chdir(str(tmp_path))  # no .env here
    settings = Settings(_env_file=None)
    assert settings.neo4j_uri == "bolt://127.0.0.1:7687"
    assert settings.api_port == 8000
    assert LauncherSettings.from_env().home.name == "bolt-7687"


def test_the_bolt_port_moves_the_uri_and_the_data_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NEO4J_URI", raising=False)
    monkeypatch.delenv("NEO4J_LOCAL_HOME", raising=False)
    monkeypatch.setenv("NEO4J_BOLT_PORT", "7700")
    settings = Settings(_env_file=None)
    assert settings.neo4j_uri == "bolt://127.0.0.1:7700"
    assert LauncherSettings.from_env().home.name == "bolt-7700"


def test_production_refuses_the_default_password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("NEO4J_PASSWORD", DEFAULT_PASSWORD)
    with pytest.raises(ValidationError, match="default NEO4J_PASSWORD"):
        Settings(_env_file=None)
    monkeypatch.setenv("NEO4J_PASSWORD", "a-real-secret")
    assert Settings(_env_file=None).app_env == "production"


def test_plugins_read_both_the_image_form_and_a_plain_list() -> None:
    for value, names in [("", ()), ("apoc", ("apoc",)), ('["apoc"]', ("apoc",)), ("apoc, x", ("apoc", "x"))]:
        assert plugin_names(value) == names


def test_bad_launcher_sizes_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEO4J_HEAP", "lots")
    with pytest.raises(ValueError, match="NEO4J_HEAP"):
        LauncherSettings.from_env()


def test_safelist_mode_needs_a_manifest(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("API_PERSISTED_ONLY", "true")
    monkeypatch.delenv("API_PERSISTED_MANIFEST", raising=False)
    with pytest.raises(ValidationError, match="API_PERSISTED_ONLY=true needs API_PERSISTED_MANIFEST"):
        Settings(_env_file=None)
    monkeypatch.setenv("API_PERSISTED_MANIFEST", "pq.json")
    assert Settings(_env_file=None).api_persisted_only
