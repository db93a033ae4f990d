"""HTTP caching of GET queries: an ETag tied to the data's version, 304 for a current one with
no query run, a new tag once any write commits, private caching for keyed requests, and no
storing of errors or of POSTs."""

import json
import urllib.error
import urllib.parse
import urllib.request

from neo4j import Driver

from tests.api.test_changes import UPSERT, company, post
from tests.support import ApiProcess

QUERY = '{ company(id: "openai") { id name } }'


def get(
    api: ApiProcess, query: str, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    url = f"{api.url}/graphql?{urllib.parse.urlencode({'query': query})}"
    request = urllib.request.Request(url, headers={"Accept": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as answer:  # 304 arrives as an "error" here
        return answer.code, {k.lower(): v for k, v in answer.headers.items()}, answer.read()


def test_get_answers_carry_a_tag_of_the_data_version_and_304_when_current(
    seeded: Driver, api: ApiProcess, keys: dict[str, str]
) -> None:
    status, headers, body = get(api, QUERY)
    assert status == 200 and json.loads(body)["data"]["company"]["name"] == "OpenAI"
    tag = headers["etag"]
    assert tag.startswith('W/"') and headers["cache-control"] == "public, max-age=0, must-revalidate"
    assert "Authorization" in headers["vary"] and "Accept" in headers["vary"]

    # Asked again with the tag: 304, no body, the same tag.
    status, again, body = get(api, QUERY, {"If-None-Match": tag})
    assert (status, body, again["etag"]) == (304, b"", tag)
    # Another query has another tag.
    assert get(api, '{ company(id: "nvidia") { id } }', {"If-None-Match": tag})[0] == 200

    # A write anywhere moves the data's version: the old tag no longer matches.
    post(api, UPSERT, {"input": company("test-cache-co", "Cache Co")}, keys["editor"])
    status, after, body = get(api, QUERY, {"If-None-Match": tag})
    assert status == 200 and after["etag"] != tag and json.loads(body)["data"]["company"]["id"] == "openai"
    assert get(api, QUERY, {"If-None-Match": f'"other", {after["etag"]}'})[0] == 304

    # A keyed request is cached privately only; an answer with errors is never stored.
    status, keyed, _ = get(api, QUERY, {"Authorization": f"Bearer {keys['reader']}"})
    assert status == 200 and keyed["cache-control"] == "private, no-cache" and keyed["etag"] != after["etag"]
    status, failed, _ = get(api, "{ partnerships(first: -1) { totalCount } }")
    assert failed["cache-control"] == "no-store" and "etag" not in failed
    # POST answers carry no tag (HTTP caches do not keep them).
    request = urllib.request.Request(
        f"{api.url}/graphql", json.dumps({"query": QUERY}).encode(), {"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.headers.get("etag") is None
