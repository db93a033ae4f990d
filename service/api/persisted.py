"""Persisted operations: Apollo's Automatic Persisted Queries (APQ) and a safelist.

A request names a document by the sha256 of its text in `extensions.persistedQuery`
(`{"version": 1, "sha256Hash": ...}`) instead of sending it. The hash leads straight to the
document's `Plan`, so a persisted request is neither hashed nor parsed nor validated again.

- APQ: a hash the server does not know, sent alone, gets `PersistedQueryNotFound`; the client
  then sends the text with the hash, which is checked, planned and, if it plans, kept. The store
  is an LRU bounded like the plan cache (entries, and tokens of the syntax trees it holds).
- A manifest (the JSON `@apollo/generate-persisted-query-manifest` writes) lists operations by
  id, the sha256 of the body. They are checked and planned at start-up and never evicted; a
  bad manifest stops the start-up with what is wrong where.
- Safelist mode (`API_PERSISTED_ONLY`): only the manifest's operations run, by id or by their
  text; nothing is registered; the one other thing allowed is introspection, when it is on.
  The error codes are Apollo Router's, so clients and dashboards built for it read ours.
"""

import asyncio
import hashlib
import json
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    parse,
    print_ast,
)

from service.api.errors import error_entry
from service.api.plans import CACHED_QUERY_CHARS, Plan, Planner, Refusal
from service.errors import ErrorCode

VERSION = 1
MANIFEST_FORMAT = "apollo-persisted-query-manifest"
APQ_SIZE = 1024
# Like the plan cache's bound: the registered documents' syntax trees are scanned by every full
# garbage collection, so a client registering many large documents cannot make those pauses long.
APQ_TOKENS = 40_000


class ManifestError(Exception):
    """A manifest the service cannot start with: the message says which file, operation, why."""


class MalformedPersistedQuery(ValueError):
    """`extensions.persistedQuery` is there but is not `{version, sha256Hash: string}`."""


class PersistedQuery(NamedTuple):  # a tuple: made on every persisted request, cheaply
    version: object
    sha256_hash: str


def persisted_query(extensions: dict[str, Any] | None) -> PersistedQuery | None:
    """The request's persisted query extension, if it has one; malformed ones raise."""
    if not extensions or "persistedQuery" not in extensions:
        return None
    given = extensions["persistedQuery"]
    if not isinstance(given, dict):
        raise MalformedPersistedQuery(
            "extensions.persistedQuery must be an object: {version: 1, sha256Hash: <hex sha256>}."
        )
    digest = given.get("sha256Hash")
    if not isinstance(digest, str):
        raise MalformedPersistedQuery("extensions.persistedQuery.sha256Hash must be a string.")
    return PersistedQuery(given.get("version"), digest.lower())


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class ManifestOperation:
    id: str
    name: str | None
    type: str
    body: str


def read_manifest(path: Path) -> list[ManifestOperation]:
    """The operations of an Apollo persisted query manifest, their form checked."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ManifestError(f"{path}: cannot be read: {error.strerror or error}.") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ManifestError(f"{path}: not JSON: {error}.") from None
    if not isinstance(data, dict) or data.get("format") != MANIFEST_FORMAT or data.get("version") != 1:
        raise ManifestError(
            f'{path}: not an Apollo persisted query manifest (want "format": "{MANIFEST_FORMAT}", '
            '"version": 1).'
        )
    operations = data.get("operations")
    if not isinstance(operations, list):
        raise ManifestError(f'{path}: "operations" must be a list.')
    found = []
    for index, entry in enumerate(operations):
        where = f"{path}: operations[{index}]"
        if not isinstance(entry, dict):
            raise ManifestError(f"{where} is not an object.")
        ident, body, name, kind = entry.get("id"), entry.get("body"), entry.get("name"), entry.get("type")
        if not isinstance(ident, str) or not isinstance(body, str):
            raise ManifestError(f'{where} needs string "id" and "body".')
        found.append(
            ManifestOperation(
                ident.lower(),
                name if isinstance(name, str) else None,
                kind if isinstance(kind, str) else "",
                body,
            )
        )
    return found


@dataclass
class _Registered:
    """A document registered by APQ, with its plans by operation name."""

    text: str
    plans: dict[str | None, Plan] = field(default_factory=dict)

    @property
    def tokens(self) -> int:
        return sum(p.tokens for p in self.plans.values()) or 1


class Persisted:
    """Resolves a request to its plan, through the manifest, the APQ store or the planner."""

    def __init__(
        self,
        planner: Planner,
        manifest: list[ManifestOperation] | None = None,
        only: bool = False,
        introspection: bool = True,
        source: str = "the manifest",
    ) -> None:
        self.planner = planner
        self.only = only
        self.introspection = introspection
        self._listed: dict[str, str] = {}  # id -> body
        self._listed_plans: dict[tuple[str, str | None], Plan] = {}
        self._normalized: dict[str, str] = {}  # normalized body -> id
        self._apq: OrderedDict[str, _Registered] = OrderedDict()
        self._apq_tokens = 0
        for operation in manifest or ():
            self._list(operation, source)

    def _list(self, operation: ManifestOperation, source: str) -> None:
        label = f"{source}: operation {operation.name or '(anonymous)'} (id {operation.id})"
        if sha256(operation.body) != operation.id:
            raise ManifestError(
                f"{label}: the id is not the sha256 of the body ({sha256(operation.body)}); "
                "regenerate the manifest."
            )
        made = self.planner.make(operation.body, operation.name)
        if isinstance(made, Refusal):
            reasons = "; ".join(str(e["message"]) for e in made.errors)
            raise ManifestError(f"{label}: does not run against this schema: {reasons}")
        if operation.type and operation.type != made.kind.value:
            kind = made.kind.value
            raise ManifestError(f"{label}: its type is {operation.type!r} but the body is a {kind}.")
        self._listed[operation.id] = operation.body
        self._listed_plans[(operation.id, None)] = made
        if made.name is not None:
            self._listed_plans[(operation.id, made.name)] = made
        normalized = _normalize(made.document)
        self._normalized.setdefault(normalized, operation.id)

    @property
    def listed(self) -> int:
        return len(self._listed)

    def known(self, digest: str) -> bool:
        """Whether a hash names a document this process can run without its text."""
        return digest in self._listed or (not self.only and digest in self._apq)

    def runs(self, query: str | None, persisted: PersistedQuery | None) -> bool:
        """Whether the request names a document this process would run, as far as that is known
        without planning: what a GET's entity tag (and so a 304) may be given for."""
        if query is None:
            return persisted is not None and self.known(persisted.sha256_hash)
        if self.only:
            return persisted is None and sha256(query) in self._listed
        return True

    async def plan(
        self, query: str | None, operation_name: str | None, extensions: dict[str, Any] | None
    ) -> Plan | Refusal:
        try:
            persisted = persisted_query(extensions)
        except MalformedPersistedQuery as error:
            return Refusal([error_entry(str(error), ErrorCode.BAD_REQUEST)], 400, operation_name)
        if persisted is None:
            if query is None:
                message = "`query` must be a string holding a GraphQL document."
                return _refuse(message, ErrorCode.BAD_REQUEST, 400, operation_name)
            if self.only:
                return await self._freeform(query, operation_name)
            return await self.planner.plan(query, operation_name)
        if persisted.version != VERSION or isinstance(persisted.version, bool):
            message = (
                f"PersistedQueryNotSupported: version {persisted.version!r}; this server speaks "
                f"version {VERSION} of the persisted query protocol."
            )
            return _refuse(message, ErrorCode.PERSISTED_QUERY_NOT_SUPPORTED, 400, operation_name)
        digest = persisted.sha256_hash
        if query is not None:
            return await self._register(digest, query, operation_name)
        if (listed := self._listed_plans.get((digest, operation_name))) is not None:
            return listed
        if (body := self._listed.get(digest)) is not None:  # listed, asked for by another name
            return await self.planner.plan(body, operation_name)
        if self.only:
            message = f"Persisted query '{digest}' not found in the persisted query list."
            return _refuse(message, ErrorCode.PERSISTED_QUERY_NOT_IN_LIST, 404, operation_name)
        registered = self._apq.get(digest)
        if registered is None:
            # Apollo's clients retry with the text on this message or code; Apollo Server
            # answers it with 200 whatever the Accept, and so do we.
            refusal = error_entry("PersistedQueryNotFound", ErrorCode.PERSISTED_QUERY_NOT_FOUND)
            return Refusal([refusal], 200, operation_name)
        self._apq.move_to_end(digest)
        if (plan := registered.plans.get(operation_name)) is not None:
            return plan
        made = await self.planner.plan(registered.text, operation_name)
        if isinstance(made, Plan):
            self._keep(digest, registered, operation_name, made)
        return made

    async def _register(self, digest: str, query: str, operation_name: str | None) -> Plan | Refusal:
        if self.only:
            message = (
                "Sending a persisted query id and a body in the same request is refused: this "
                "server runs only the operations of its manifest, by id."
            )
            return _refuse(message, ErrorCode.CANNOT_SEND_PQ_ID_AND_BODY, 400, operation_name)
        if sha256(query) != digest:
            message = "provided sha does not match query: sha256Hash must be the hex sha256 of `query`."
            return _refuse(message, ErrorCode.PERSISTED_QUERY_HASH_MISMATCH, 400, operation_name)
        made = await self.planner.plan(query, operation_name)
        if isinstance(made, Plan) and len(query) <= CACHED_QUERY_CHARS and digest not in self._listed:
            registered = self._apq.get(digest) or _Registered(query)
            self._keep(digest, registered, operation_name, made)
        return made

    def _keep(self, digest: str, registered: _Registered, name: str | None, plan: Plan) -> None:
        if digest in self._apq:
            self._apq_tokens -= self._apq[digest].tokens
        registered.plans[name] = plan
        self._apq[digest] = registered
        self._apq.move_to_end(digest)
        self._apq_tokens += registered.tokens
        while len(self._apq) > APQ_SIZE or (self._apq_tokens > APQ_TOKENS and len(self._apq) > 1):
            self._apq_tokens -= self._apq.popitem(last=False)[1].tokens

    async def _freeform(self, query: str, operation_name: str | None) -> Plan | Refusal:
        """A document sent as text in safelist mode: run if it is a listed one (the same text,
        or the same once definitions are sorted and layout dropped, as Apollo Router matches),
        or introspection when that is on; refused otherwise."""
        digest = sha256(query)
        if digest not in self._listed:
            normalized = await asyncio.get_running_loop().run_in_executor(
                None, _normalize_text, query, self.planner.limits.tokens
            )
            digest = self._normalized.get(normalized or "", "")
        if digest:
            if (found := self._listed_plans.get((digest, operation_name))) is not None:
                return found
            return await self.planner.plan(self._listed[digest], operation_name)
        if self.introspection:
            made = await self.planner.plan(query, operation_name)
            if isinstance(made, Plan) and _introspection_only(made):
                return made
        message = "The operation body was not found in the persisted query safelist."
        return _refuse(message, ErrorCode.QUERY_NOT_IN_SAFELIST, 403, operation_name)


def _refuse(message: str, code: str, status: int, name: str | None) -> Refusal:
    return Refusal([error_entry(message, code)], status, name)


def _normalize(document: DocumentNode) -> str:
    operations = sorted(
        (d for d in document.definitions if isinstance(d, OperationDefinitionNode)),
        key=lambda d: d.name.value if d.name else "",
    )
    fragments = sorted(
        (d for d in document.definitions if isinstance(d, FragmentDefinitionNode)),
        key=lambda d: d.name.value,
    )
    return print_ast(DocumentNode(definitions=(*operations, *fragments)))


def _normalize_text(query: str, max_tokens: int) -> str | None:
    try:
        return _normalize(parse(query, no_location=True, max_tokens=max_tokens))
    except GraphQLError:
        return None


def _introspection_only(plan: Plan) -> bool:
    """Whether every root field of the operation, through its fragments, is `__schema`, `__type`
    or `__typename`."""

    def walk(selection_set: SelectionSetNode, seen: frozenset[str]) -> bool:
        for node in selection_set.selections:
            if isinstance(node, FieldNode):
                if not node.name.value.startswith("__"):
                    return False
            elif isinstance(node, InlineFragmentNode):
                if not walk(node.selection_set, seen):
                    return False
            elif isinstance(node, FragmentSpreadNode) and node.name.value not in seen:
                fragment = plan.fragments.get(node.name.value)
                if fragment is None or not walk(fragment.selection_set, seen | {node.name.value}):
                    return False
        return True

    return walk(plan.operation.selection_set, frozenset())
