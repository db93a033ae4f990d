"""GET or POST /export/{format}: the network (or a subset of it) as a file, streamed.

Formats: ftm, graphml, gexf, csv-nodes, csv-edges (`service.exports.formats`). A subset names
its nodes: `?ids=a,b,c` (repeatable), or a POST body `{"ids": [...]}` (the explorer's view), at
most EXPORT_MAX_IDS of them; the export holds those nodes and the links between them. The caller
passes the same door as /graphql (keys, rate limits: `service.http.access`). Errors before the
first byte are JSON, `{"errors": [{"message", "extensions": {"code"}}]}` as GraphQL's; a failure
after it (Neo4j lost mid-stream, the timeout) ends the body early, which clients see as a
truncated transfer.
"""

import logging
from collections.abc import AsyncIterator, Callable
from typing import Any

import orjson
from neo4j import AsyncDriver
from neo4j.exceptions import DriverError, Neo4jError
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from service.errors import ErrorCode
from service.exports.formats import FORMATS, Format
from service.graph.exports import Network
from service.http.access import Access, Rejection, presented_key
from service.settings import Settings

log = logging.getLogger("supplygraph.export")
MAX_ID_LENGTH = 200


class ExportError(Exception):
    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.headers = status, code, headers or {}


def _error(error: ExportError) -> Response:
    body = {"errors": [{"message": str(error), "extensions": {"code": error.code}}]}
    return Response(orjson.dumps(body), error.status, error.headers, media_type="application/json")


def _bad(message: str) -> ExportError:
    return ExportError(400, ErrorCode.BAD_USER_INPUT, message)


def _ids(values: Any, limit: int) -> list[str]:
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise _bad('"ids" must be a list of entity ids (strings).')
    ids = list(dict.fromkeys(v.strip() for v in values if v.strip()))
    if len(ids) > limit:
        raise _bad(f"At most {limit} ids per export; got {len(ids)}.")
    if any(len(v) > MAX_ID_LENGTH for v in ids):
        raise _bad(f"An id is over {MAX_ID_LENGTH} characters.")
    return ids


async def _body(request: Request, limit: int) -> bytes:
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ExportError(413, ErrorCode.PAYLOAD_TOO_LARGE, f"The request body is over {limit} bytes.")
        chunks.append(chunk)
    return b"".join(chunks)


async def _subset(request: Request, settings: Settings) -> list[str] | None:
    """The ids the caller names, or None for the whole network."""
    if request.method == "POST":
        try:
            data = orjson.loads(await _body(request, settings.api_max_body_bytes) or b"{}")
        except orjson.JSONDecodeError as error:
            raise ExportError(
                400, ErrorCode.BAD_REQUEST, f"The body is not valid JSON: {error.msg}."
            ) from None
        if not isinstance(data, dict) or set(data) - {"ids"}:
            raise _bad('The body must be a JSON object {"ids": [...]}.')
        return _ids(data["ids"], settings.export_max_ids) if "ids" in data else None
    unknown = set(request.query_params) - {"ids"}
    if unknown:
        raise _bad(f"Unknown query parameter {sorted(unknown)[0]!r}; only ids= is read.")
    if "ids" not in request.query_params:
        return None
    values = [part for value in request.query_params.getlist("ids") for part in value.split(",")]
    return _ids(values, settings.export_max_ids)


# Rows are small: sent one by one, the ASGI round trips would cost more than writing them.
CHUNK_BYTES = 64 * 1024


async def _stream(network: Network, chosen: Format) -> AsyncIterator[bytes]:
    try:
        pending: list[bytes] = []
        size = 0
        async for text in chosen.write(network):
            chunk = text.encode()
            pending.append(chunk)
            size += len(chunk)
            if size >= CHUNK_BYTES:
                yield b"".join(pending)
                pending, size = [], 0
        yield b"".join(pending)
    except (Neo4jError, DriverError, OSError) as error:
        # Headers are sent: all that is left is to end the body short (the client sees it truncated).
        log.warning("export cut short: %r", error)
        raise
    finally:
        await network.close()


def export_endpoint(
    settings: Settings, access: Access, driver: Callable[[], AsyncDriver]
) -> Callable[[Request], Any]:
    """The Starlette endpoint of /export/{format}."""

    async def endpoint(request: Request) -> Response:
        try:
            chosen = FORMATS.get(request.path_params["format"])
            if chosen is None:
                names = ", ".join(FORMATS)
                raise ExportError(404, ErrorCode.NOT_FOUND, f"No such export format; there are {names}.")
            headers = {k.encode("latin-1"): v.encode("latin-1") for k, v in request.headers.items()}
            client = request.client.host if request.client else "unknown"
            admitted = await access.admit(client, presented_key(headers), True)
            if isinstance(admitted, Rejection):
                extra = {k.decode(): v.decode() for k, v in admitted.headers}
                raise ExportError(admitted.status, admitted.code, admitted.message, extra)
            ids = await _subset(request, settings)
            try:
                network = await Network.open(
                    driver(), settings.neo4j_database, ids, settings.export_timeout_seconds
                )
            except (Neo4jError, DriverError, OSError) as error:
                log.warning("export: Neo4j unavailable: %r", error)
                raise ExportError(
                    503, ErrorCode.SERVICE_UNAVAILABLE, "Neo4j is unavailable; try again shortly."
                ) from None
        except ExportError as error:
            return _error(error)
        disposition = f'attachment; filename="{chosen.filename}"'
        return StreamingResponse(
            _stream(network, chosen),
            media_type=chosen.media_type,
            headers={"content-disposition": disposition, "cache-control": "no-store"},
        )

    return endpoint
