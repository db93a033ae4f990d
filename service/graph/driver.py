"""Opens the one AsyncDriver the service uses, tuned to fail fast while Neo4j is down."""

from neo4j import AsyncDriver, AsyncGraphDatabase

from service.settings import Settings


def open_driver(settings: Settings) -> AsyncDriver:
    # Short timeouts and retries: a request during an outage should get SERVICE_UNAVAILABLE in
    # seconds, not hang for the driver's default 30 s of retries. The pool reconnects by itself
    # once Neo4j is back.
    return AsyncGraphDatabase.driver(
        settings.neo4j_uri,
        auth=(settings.neo4j_user, settings.neo4j_password),
        connection_timeout=3.0,
        connection_acquisition_timeout=5.0,
        # No managed retries: edits.Store retries writes itself, at shorter intervals.
        max_transaction_retry_time=0.0,
        liveness_check_timeout=5.0,
        # Compiled statements name every relationship type a field may follow; a graph without
        # some of them would otherwise log a warning on each request.
        notifications_min_severity="OFF",
    )
