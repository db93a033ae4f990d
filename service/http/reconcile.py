"""/reconcile: the W3C Entity Reconciliation API (version 0.2, as OpenRefine speaks it) over
`matchBatch`, `search` and `node`, run by the one engine under the same keys, rate limits, body
limit and CORS as /graphql.

    GET  /reconcile                      the service manifest
    GET|POST /reconcile  queries=<json>   a batch of reconciliation queries (form or query string)
    GET  /reconcile/suggest/entity|type|property?prefix=   auto-complete
    GET  /reconcile/preview?id=           a small HTML card
"""

import html
import json
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from service.api.engine import Engine
from service.api.outcomes import Read
from service.compiler.matching import MATCH_TYPES, MAX_BATCH, MAX_MATCH_FIRST
from service.domain.roles import Principal
from service.errors import ErrorCode
from service.graph import edits
from service.http.access import Access, Rejection, presented_key

VERSION = "0.2"
DEFAULT_LIMIT = 5
# A candidate this sure, and clearly ahead of the next, is marked `match: true` (OpenRefine then
# accepts it without asking).
SURE, AHEAD = 0.95, 0.1
PROPERTIES = {
    "country": ("Country", "ISO 3166-1 alpha-2 code of the company or facility."),
    "ticker": ("Ticker", "Stock ticker, with or without the exchange."),
    "alias": ("Alias", "Another name the thing goes by."),
}
FEATURES = ("nameSimilarity", "aliasHit", "countryMatch", "identifierMatch")

MATCH = f"""query Reconcile($q: [MatchQuery!]!, $first: Int!) {{
  matchBatch(queries: $q, first: $first) {{ id name type score features {{ {" ".join(FEATURES)} }} }}
}}"""
SUGGEST = """query Suggest($text: String!) {
  search(text: $text, first: 20) { nodes { __typename ... on Company { id name }
    ... on Person { id name } ... on Facility { id name } } }
}"""
PREVIEW = """query Preview($id: ID!) {
  node(id: $id) { __typename id ... on Company { name description country }
    ... on Person { name } ... on Facility { name location { city country } } }
}"""


class Refused(Exception):
    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.headers = status, code, headers or {}


def _type_ref(name: str) -> dict[str, str]:
    return {"id": name, "name": name}


def manifest(base: str) -> dict[str, Any]:
    """The service manifest: what OpenRefine reads when the service is added."""
    return {
        "versions": [VERSION],
        "name": "Supplygraph",
        "identifierSpace": f"{base}/entity/",
        "schemaSpace": f"{base}/type/",
        "documentation": f"{base}/reconcile/preview?id={{{{id}}}}",
        "view": {"url": f"{base}/reconcile/preview?id={{{{id}}}}"},
        "defaultTypes": [_type_ref(t) for t in MATCH_TYPES],
        "preview": {"url": f"{base}/reconcile/preview?id={{{{id}}}}", "width": 400, "height": 120},
        "suggest": {
            kind: {"service_url": base, "service_path": f"/reconcile/suggest/{kind}"}
            for kind in ("entity", "type", "property")
        },
    }


def _values(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value]
    return [str(v.get("id") or v.get("name") or "") if isinstance(v, dict) else str(v) for v in items]


def match_query(query: Any) -> dict[str, Any]:
    """One reconciliation query as a `MatchQuery`."""
    if not isinstance(query, dict) or not isinstance(query.get("query"), str):
        raise Refused(400, ErrorCode.BAD_USER_INPUT, "each query needs a `query` string")
    out: dict[str, Any] = {"name": query["query"]}
    types = query.get("type")
    types = [types] if isinstance(types, str) else types or []
    known = [t for t in types if t in MATCH_TYPES]
    if types and not known:
        raise Refused(400, ErrorCode.BAD_USER_INPUT, f"types are {', '.join(MATCH_TYPES)}")
    if len(known) == 1:
        out["type"] = known[0].upper()
    for condition in query.get("properties") or []:
        pid = condition.get("pid") if isinstance(condition, dict) else None
        if pid not in PROPERTIES:
            raise Refused(400, ErrorCode.BAD_USER_INPUT, f"properties are {', '.join(PROPERTIES)}")
        values = [v for v in _values(condition.get("v")) if v]
        if pid == "country" and values:
            out["country"] = values[0]
        elif pid == "ticker":
            out.setdefault("identifiers", []).extend({"scheme": "TICKER", "value": v} for v in values)
        elif pid == "alias":
            out.setdefault("aliases", []).extend(values)
    return out


def _limit(query: dict[str, Any]) -> int:
    limit = query.get("limit", DEFAULT_LIMIT)
    if not isinstance(limit, int | float) or not 0 <= limit <= MAX_MATCH_FIRST:
        raise Refused(400, ErrorCode.BAD_USER_INPUT, f"limit must be 0 to {MAX_MATCH_FIRST}")
    return int(limit)


def results(candidates: list[dict[str, Any]], limit: int) -> dict[str, Any]:
    """One query's candidates as the spec's result list."""
    out = []
    for index, found in enumerate(candidates[:limit]):
        following = candidates[index + 1]["score"] if index + 1 < len(candidates) else 0.0
        features = [
            {"id": name, "value": value} for name, value in found["features"].items() if value is not None
        ]
        out.append(
            {
                "id": found["id"],
                "name": found["name"],
                "score": found["score"],
                "match": index == 0 and found["score"] >= SURE and found["score"] - following >= AHEAD,
                "type": [_type_ref(found["type"].capitalize())],
                "features": features,
            }
        )
    return {"result": out}


class Reconcile:
    """The routes, with what they need from the app."""

    def __init__(
        self,
        engine: Engine,
        access: Access,
        read: Read,
        store: Callable[[], edits.Store],
        max_body: int,
    ) -> None:
        self.engine, self.access, self.read, self.store, self.max_body = engine, access, read, store, max_body

    def routes(self) -> list[Route]:
        return [
            Route("/reconcile", self._guarded(self.reconcile), methods=["GET", "POST"]),
            Route("/reconcile/suggest/{kind}", self._guarded(self.suggest), methods=["GET"]),
            Route("/reconcile/preview", self._guarded(self.preview), methods=["GET"]),
        ]

    def _guarded(self, handler: Callable[[Request, Principal | None], Any]) -> Callable[[Request], Any]:
        async def endpoint(request: Request) -> Response:
            try:
                principal = await self._admit(request)
                response: Response = await handler(request, principal)
                return response
            except Refused as refused:
                body = {"errors": [{"message": str(refused), "extensions": {"code": refused.code}}]}
                return JSONResponse(body, status_code=refused.status, headers=refused.headers)

        return endpoint

    async def _admit(self, request: Request) -> Principal | None:
        headers = {k.encode("latin-1").lower(): v.encode("latin-1") for k, v in request.headers.items()}
        client = request.client.host if request.client else "unknown"
        admitted = await self.access.admit(client, presented_key(headers), True)
        if isinstance(admitted, Rejection):
            extra = {k.decode(): v.decode() for k, v in admitted.headers}
            raise Refused(admitted.status, admitted.code, admitted.message, extra)
        return admitted

    async def _params(self, request: Request) -> dict[str, str]:
        params = dict(request.query_params)
        if request.method == "POST":
            declared = request.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > self.max_body:
                raise Refused(
                    413, ErrorCode.PAYLOAD_TOO_LARGE, f"The request body is over {self.max_body} bytes."
                )
            body = b""
            async for chunk in request.stream():
                body += chunk
                if len(body) > self.max_body:
                    raise Refused(
                        413, ErrorCode.PAYLOAD_TOO_LARGE, f"The request body is over {self.max_body} bytes."
                    )
            params.update({k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace")).items()})
        return params

    async def _run(self, query: str, variables: dict[str, Any], principal: Principal | None) -> Any:
        result = await self.engine.execute(
            query, None, variables, principal=principal, read=self.read, store=self.store(), read_only=True
        )
        if errors := result.payload.get("errors"):
            code = errors[0].get("extensions", {}).get("code", ErrorCode.INTERNAL)
            status = (
                503 if code == ErrorCode.SERVICE_UNAVAILABLE else 500 if code == ErrorCode.INTERNAL else 400
            )
            raise Refused(status, code, errors[0]["message"])
        return result.payload["data"]

    async def reconcile(self, request: Request, principal: Principal | None) -> Response:
        params = await self._params(request)
        base = str(request.base_url).rstrip("/")
        if "queries" not in params:
            return JSONResponse(manifest(base))
        try:
            batch = json.loads(params["queries"])
        except ValueError as error:
            raise Refused(400, ErrorCode.BAD_USER_INPUT, f"queries is not JSON: {error}") from None
        if not isinstance(batch, dict) or not 0 < len(batch) <= MAX_BATCH:
            raise Refused(
                400, ErrorCode.BAD_USER_INPUT, f"queries must be an object of 1 to {MAX_BATCH} queries"
            )
        keys = list(batch)
        queries = [match_query(batch[k]) for k in keys]
        limits = [_limit(batch[k]) for k in keys]
        found = await self._run(MATCH, {"q": queries, "first": max(limits)}, principal)
        return JSONResponse({key: results(found["matchBatch"][i], limits[i]) for i, key in enumerate(keys)})

    async def suggest(self, request: Request, principal: Principal | None) -> Response:
        kind = request.path_params["kind"]
        prefix = request.query_params.get("prefix", "").strip()
        if kind == "type":
            matches = [_type_ref(t) for t in MATCH_TYPES if t.lower().startswith(prefix.lower())]
            return JSONResponse({"result": matches})
        if kind == "property":
            props = [
                {"id": pid, "name": name, "description": text}
                for pid, (name, text) in PROPERTIES.items()
                if pid.startswith(prefix.lower()) or name.lower().startswith(prefix.lower())
            ]
            return JSONResponse({"result": props})
        if kind != "entity":
            raise Refused(404, ErrorCode.NOT_FOUND, "suggest serves entity, type and property")
        if not any(ch.isalnum() for ch in prefix):
            return JSONResponse({"result": []})
        nodes = (await self._run(SUGGEST, {"text": prefix[:200]}, principal))["search"]["nodes"]
        found = [
            {"id": n["id"], "name": n["name"], "notable": [_type_ref(n["__typename"])]}
            for n in nodes
            if n.get("__typename") in MATCH_TYPES
        ]
        return JSONResponse({"result": found})

    async def preview(self, request: Request, principal: Principal | None) -> Response:
        entity_id = request.query_params.get("id", "")
        if not entity_id or len(entity_id) > 200:
            raise Refused(400, ErrorCode.BAD_USER_INPUT, "give the entity's id")
        node = (await self._run(PREVIEW, {"id": entity_id}, principal))["node"]
        if node is None:
            raise Refused(404, ErrorCode.NOT_FOUND, f"No entity {entity_id!r}.")
        place = node.get("location") or {}
        details = [
            node["__typename"],
            node.get("country") or place.get("country") or "",
            place.get("city") or "",
            node.get("description") or "",
        ]
        text = " · ".join(html.escape(str(d)) for d in details if d)
        body = (
            '<html><body style="font-family: sans-serif; margin: 0.5em">'
            f"<strong>{html.escape(str(node.get('name') or node['id']))}</strong> "
            f"<code>{html.escape(node['id'])}</code><p>{text}</p></body></html>"
        )
        return HTMLResponse(body)
