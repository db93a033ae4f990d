"""HTTP caching of GET queries: an entity tag tied to the data's version, and the headers that
let a browser or a CDN keep an answer and ask again cheaply.

The data's version is the change feed's head: every committed write, load or retraction moves
it (`service.graph.changes`), so an answer is current exactly as long as the head has not
moved. The tag covers what else the answer depends on: the request (document, operation,
variables), the media type, today's date (positions are `current` relative to it) and, for a
keyed request, the key. A request whose `If-None-Match` names the current tag gets 304 with no
query run at all. Answers with errors are never stored; keyed ones only privately.
"""

import hashlib
from datetime import UTC, datetime

import orjson

Headers = list[tuple[bytes, bytes]]
VARY = (b"vary", b"Accept, Authorization, X-API-Key")


def entity_tag(head: int, request: tuple[str | None, str | None, object], media: str, key: str | None) -> str:
    """The tag of a GET query's answer while the feed's head is `head`."""
    query, operation, variables = request
    today = datetime.now(UTC).date().isoformat()
    digest = hashlib.sha256(
        orjson.dumps([query, operation, variables, media, key, today], option=orjson.OPT_SORT_KEYS)
    ).hexdigest()[:24]
    return f'W/"{head}-{digest}"'


def matches(if_none_match: str, tag: str) -> bool:
    """Whether an If-None-Match header names the tag (weak comparison, as RFC 9110 says for it)."""
    if if_none_match.strip() == "*":
        return True
    candidates = {part.strip().removeprefix("W/") for part in if_none_match.split(",")}
    return tag.removeprefix("W/") in candidates


def cache_headers(tag: str, keyed: bool, cache_control: str) -> Headers:
    """Headers of a cacheable answer: public per the setting, private for a keyed request."""
    control = "private, no-cache" if keyed else cache_control
    return [(b"etag", tag.encode()), (b"cache-control", control.encode()), VARY]


NO_STORE: Headers = [(b"cache-control", b"no-store")]
