"""Every setting of the service and the seed loader, read from the environment.

A `.env` file in the working directory is read too. README.md lists each variable with its
default. (The local launcher reads its own: `neo4j_local.settings`.)
"""

from enum import StrEnum
from typing import Self

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_PASSWORD = "supplygraph-dev"  # noqa: S105 - development default; production refuses it


class Environment(StrEnum):
    DEVELOPMENT = "development"
    PRODUCTION = "production"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", frozen=True)

    app_env: Environment = Field(
        default=Environment.DEVELOPMENT,
        description="production refuses the default Neo4j password.",
    )
    neo4j_uri: str = Field(default="", description="Bolt URI; empty means bolt://127.0.0.1:$NEO4J_BOLT_PORT.")
    neo4j_user: str = "neo4j"
    neo4j_password: str = DEFAULT_PASSWORD
    neo4j_database: str = "neo4j"
    neo4j_bolt_port: int = Field(default=7687, ge=1, le=65535)
    neo4j_query_timeout: float = Field(
        default=15.0, gt=0, description="Seconds a read may run before Neo4j stops it."
    )
    api_host: str = "127.0.0.1"
    api_port: int = Field(default=8000, ge=1, le=65535)
    api_workers: int = Field(default=1, ge=1, le=64)
    api_compiled: bool = Field(
        default=True,
        description="Answer covered queries by serialising the compiled results directly (the fast path).",
    )
    api_request_log: bool = Field(default=True, description="One JSON log line per GraphQL request.")
    api_graphiql: bool = Field(
        default=True, description="Serve the GraphiQL page to browsers at GET /graphql (built by make web)."
    )
    api_max_depth: int = Field(default=16, ge=1, description="Deepest selection a query may have.")
    api_max_aliases: int = Field(default=30, ge=0, description="Aliases a query may use.")
    api_max_tokens: int = Field(default=5000, ge=10, description="Lexical tokens a query may have.")
    api_max_cost: int = Field(
        default=50_000, ge=1, description="Items a query could return (product of page sizes)."
    )
    api_max_fields: int = Field(
        default=1000,
        ge=1,
        description="Fields a document may select, fragments expanded (checked before validation).",
    )
    api_max_overlaps: int = Field(
        default=2000,
        ge=0,
        description="Pairs of same-named fields validation may compare (repeated fields cost their square).",
    )
    api_max_filter_terms: int = Field(
        default=100,
        ge=1,
        description="Conditions a root field's filters may hold (nested lists' included).",
    )
    api_max_filter_relations: int = Field(
        default=8,
        ge=0,
        description="Related-item filters (some, none, all) a root field's filters may hold.",
    )
    api_max_mutations: int = Field(default=10, ge=1, description="Root mutation fields one request may have.")
    api_max_body_bytes: int = Field(
        default=1_048_576, ge=1024, description="Largest request body to /graphql, in bytes (413 above)."
    )
    api_cache_control: str = Field(
        default="public, max-age=0, must-revalidate",
        description="Cache-Control of successful anonymous GET queries (each carries an ETag tied to "
        "the data's version); keyed ones are private, answers with errors never stored.",
    )
    api_persisted_manifest: str = Field(
        default="",
        description="Path of an Apollo persisted query manifest: its operations are checked and planned "
        "at start-up and run by id (empty: none).",
    )
    api_persisted_only: bool = Field(
        default=False,
        description="Safelist mode: run only the manifest's operations (by id or by their text), refuse "
        "every other document and APQ registration.",
    )
    api_rate_limit_anonymous: int = Field(
        default=600, ge=0, description="Requests per minute per client IP without a key (0: no limit)."
    )
    api_rate_limit_keyed: int = Field(
        default=6000, ge=0, description="Requests per minute per API key (0: no limit)."
    )
    api_require_key_for_reads: bool = Field(
        default=False, description="Refuse queries without an API key (reads are public by default)."
    )
    api_key_cache_seconds: float = Field(
        default=5.0, ge=0, description="Seconds a looked-up key is trusted; a revocation takes this long."
    )
    api_cors_origins: str = Field(
        default="", description="Comma-separated origins browsers may call the API from (empty: no CORS)."
    )
    api_trusted_proxies: str = Field(
        default="",
        description="Comma-separated proxy addresses whose X-Forwarded-For names the client (empty: none).",
    )
    api_introspection: bool = Field(
        default=True, description="Answer introspection queries (__schema, __type); false refuses them."
    )
    feed_retain_days: int = Field(
        default=0,
        ge=0,
        description="Days the change feed keeps an event (0: forever); older ones are pruned.",
    )
    feed_retain_changes: int = Field(
        default=0, ge=0, description="Most recent events the change feed keeps (0: all)."
    )
    feed_prune_seconds: float = Field(
        default=300.0, gt=0, description="How often each API process prunes the feed when it has a limit."
    )
    webhooks_deliver: bool = Field(
        default=True, description="This process delivers webhooks (processes share the work by leases)."
    )
    webhook_timeout_seconds: float = Field(
        default=5.0, gt=0, le=60, description="How long one delivery may take before it counts as failed."
    )
    webhook_retry_base_seconds: float = Field(
        default=2.0, gt=0, description="Wait before the first retry; it doubles with each failed attempt."
    )
    webhook_retry_max_seconds: float = Field(
        default=600.0, gt=0, description="Longest wait between two attempts."
    )
    webhook_max_attempts: int = Field(
        default=15,
        ge=1,
        description="Attempts at one event before the webhook is disabled (an admin re-enables it; "
        "delivery resumes from that event).",
    )
    webhook_lease_seconds: float = Field(
        default=30.0, gt=0, description="How long a process holds a webhook after it last renewed its lease."
    )
    webhook_allow_private: bool = Field(
        default=False,
        description="Allow webhook URLs on loopback, private, link-local and other internal addresses "
        "(for tests and closed networks only).",
    )
    export_timeout_seconds: float = Field(
        default=300.0, gt=0, description="Seconds one export (/export/..., streamed) may read for."
    )
    export_max_ids: int = Field(
        default=5000, ge=1, description="Ids one subset export (the explorer's view) may name."
    )

    @property
    def cors_origins(self) -> tuple[str, ...]:
        """API_CORS_ORIGINS as a list of origins."""
        origins = (origin.strip().rstrip("/") for origin in self.api_cors_origins.split(","))
        return tuple(origin for origin in origins if origin)

    @model_validator(mode="after")
    def _derive_and_check(self) -> Self:
        if not self.neo4j_uri:
            object.__setattr__(self, "neo4j_uri", f"bolt://127.0.0.1:{self.neo4j_bolt_port}")
        if self.app_env is Environment.PRODUCTION and self.neo4j_password == DEFAULT_PASSWORD:
            raise ValueError("APP_ENV=production with the default NEO4J_PASSWORD; set a real password.")
        if self.api_persisted_only and not self.api_persisted_manifest:
            raise ValueError("API_PERSISTED_ONLY=true needs API_PERSISTED_MANIFEST (what it allows).")
        return self
