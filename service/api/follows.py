"""Following the feed from elsewhere: watches (a key's saved neighbourhoods) and webhooks (an
admin's registered receivers), as mutations and as the query fields that list them.

These answer from the caller's key rather than from the graph's data, so they are not compiled
like the catalog's roots: each runs the graph layer's few statements for its own nodes. The
feed itself (`changes`, the subscription, the deliveries) reads a watch or a webhook's filter
inside its one compiled statement.
"""

import json
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from graphql import (
    GraphQLArgument,
    GraphQLBoolean,
    GraphQLEnumType,
    GraphQLEnumValue,
    GraphQLField,
    GraphQLFloat,
    GraphQLID,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLInt,
    GraphQLList,
    GraphQLObjectType,
    GraphQLString,
)

from service.api.outcomes import Read
from service.api.roots import feed_filter
from service.api.targets import vet
from service.api.types import Registry, list_of, non_null
from service.compiler import new_compiler
from service.compiler import roots as compiled
from service.compiler.filters import FilterLimits
from service.compiler.lists import MAX_WITHIN
from service.compiler.selection import Selection
from service.domain.roles import Principal, Role
from service.domain.vocab import CHANGE_ACTION_DEFINITIONS, LINK_TYPES, ChangeAction, LinkKind
from service.errors import ApiError, ErrorCode, bad_input
from service.graph import watches, webhooks
from service.graph.edits import Store

MAX_WATCH_ENTITIES = 100
MAX_NAME = 100
SECRET_LENGTH = (16, 256)
MAX_DELIVERIES = webhooks.KEEP_DELIVERIES


@dataclass(frozen=True)
class FollowOptions:
    """What the follow fields need from the settings."""

    filter_limits: FilterLimits
    allow_private_targets: bool = False
    timeout: float = 30.0


@dataclass(frozen=True)
class Call:
    """One follow field's call: who asks, with what (coerced) arguments, under which options."""

    store: Store
    read: Read
    principal: Principal
    args: dict[str, Any]
    options: FollowOptions


@dataclass(frozen=True)
class Follow:
    """A follow field: its GraphQL field, the role it needs, and what it does."""

    field: GraphQLField
    role: Role
    run: Callable[[Call], Awaitable[Any]]


def _not_found(what: str, some_id: str) -> ApiError:
    return ApiError(f"No {what} {some_id!r}.", ErrorCode.NOT_FOUND)


# -- watches -----------------------------------------------------------------------------------


def _watch_spec(args: dict[str, Any]) -> watches.WatchSpec:
    name = str(args["name"]).strip()
    if not 0 < len(name) <= MAX_NAME:
        raise bad_input(f"A watch's name must have 1 to {MAX_NAME} characters.")
    entities = list(dict.fromkeys(str(e) for e in args["entities"]))
    if not 0 < len(entities) <= MAX_WATCH_ENTITIES:
        raise bad_input(f"A watch follows 1 to {MAX_WATCH_ENTITIES} entities, got {len(entities)}.")
    within = args["within"]
    if not 0 <= within <= MAX_WITHIN:
        raise bad_input(f"within must be between 0 and {MAX_WITHIN}, got {within}")
    links = [LinkKind(k) for k in dict.fromkeys(args.get("links") or [])]
    actions = [ChangeAction(a) for a in dict.fromkeys(args.get("actions") or [])]
    return watches.WatchSpec(
        name=name,
        entities=entities,
        within=within,
        links=[k.name for k in links],
        rels=sorted({rel for kind in links for rel in LINK_TYPES[kind]}),
        actions=[a.value for a in actions],
    )


async def _save_watch(call: Call) -> dict[str, Any]:
    sent = call.args["input"]
    spec = _watch_spec(sent)
    driver, database = call.store.driver, call.store.database
    missing = await watches.missing_entities(driver, database, spec.entities, call.options.timeout)
    if missing:
        raise (
            _not_found("entity", missing[0])
            if len(missing) == 1
            else ApiError(f"No entities {', '.join(repr(m) for m in missing)}.", ErrorCode.NOT_FOUND)
        )
    owner = (call.principal.key_id, call.principal.name)
    replace = sent.get("id") is not None
    watch_id = str(sent["id"]) if replace else f"watch_{secrets.token_urlsafe(12)}"
    saved = await watches.save_watch(driver, database, watch_id, owner, spec, replace)
    if saved is None and replace:
        raise _not_found("watch of yours", watch_id)
    if saved is None:
        raise bad_input(f"A key may keep at most {watches.MAX_WATCHES_PER_KEY} watches; remove one first.")
    return saved


async def _remove_watch(call: Call) -> bool:
    watch_id = str(call.args["id"])
    owner = None if call.principal.role is Role.ADMIN else call.principal.key_id
    removed = await watches.remove_watch(call.store.driver, call.store.database, watch_id, owner)
    if removed is None:
        raise _not_found("watch of yours", watch_id)
    if removed:
        hooks = ", ".join(removed)
        raise ApiError(f"Webhook(s) {hooks} follow this watch; remove them first.", ErrorCode.CONFLICT)
    return True


async def _list_watches(call: Call) -> list[dict[str, Any]]:
    store = call.store
    return await watches.list_watches(
        store.driver, store.database, call.principal.key_id, call.options.timeout
    )


# -- webhooks ----------------------------------------------------------------------------------


def _check_filter(args: dict[str, Any], limits: FilterLimits) -> None:
    """Compile the feed's statement for this filter once, so a filter that can never run is
    refused now rather than failing every delivery."""
    page = {**args, "first": 1}
    compiled.changes(new_compiler(limits), Selection("changes", "changes", page, []), page)


async def _register_webhook(call: Call) -> dict[str, Any]:
    sent = call.args["input"]
    secret = str(sent["secret"])
    if not SECRET_LENGTH[0] <= len(secret) <= SECRET_LENGTH[1]:
        raise bad_input(f"A webhook secret must have {SECRET_LENGTH[0]} to {SECRET_LENGTH[1]} characters.")
    await vet(str(sent["url"]), call.options.allow_private_targets)
    filter_args = {
        "where": sent.get("where"),
        "near": sent.get("near"),
        "within": sent["within"],
        "watch": sent.get("watch"),
    }
    _check_filter(filter_args, call.options.filter_limits)
    store = call.store
    if filter_args["watch"] is not None and not await call.read(
        compiled.watch_exists(str(filter_args["watch"])), False
    ):
        raise _not_found("watch", str(filter_args["watch"]))
    spec = {
        "url": str(sent["url"]),
        "secret": secret,
        "description": sent.get("description"),
        "filter": json.dumps(filter_args, sort_keys=True),
        "watch": filter_args["watch"],
        "created_by": call.principal.name,
    }
    webhook_id = f"hook_{secrets.token_urlsafe(9)}"
    created = await webhooks.create_webhook(store.driver, store.database, webhook_id, spec)
    if created is None:
        raise bad_input(f"There are {webhooks.MAX_WEBHOOKS} webhooks already; remove one first.")
    return _webhook(created)


async def _set_webhook_enabled(call: Call) -> dict[str, Any]:
    webhook_id = str(call.args["id"])
    found = await webhooks.set_enabled(
        call.store.driver, call.store.database, webhook_id, call.args["enabled"]
    )
    if found is None:
        raise _not_found("webhook", webhook_id)
    return _webhook(found)


async def _remove_webhook(call: Call) -> bool:
    webhook_id = str(call.args["id"])
    if not await webhooks.remove_webhook(call.store.driver, call.store.database, webhook_id):
        raise _not_found("webhook", webhook_id)
    return True


async def _list_webhooks(call: Call) -> list[dict[str, Any]]:
    deliveries = call.args["deliveries"]
    if not 0 <= deliveries <= MAX_DELIVERIES:
        raise bad_input(f"deliveries must be between 0 and {MAX_DELIVERIES}, got {deliveries}")
    found = await webhooks.list_webhooks(
        call.store.driver, call.store.database, deliveries, call.options.timeout
    )
    return [_webhook(w) for w in found]


def _webhook(stored: dict[str, Any]) -> dict[str, Any]:
    """A stored webhook as its GraphQL type has it (the filter as its fields)."""
    filter_args = json.loads(stored["filter"])
    where = filter_args.get("where")
    return {
        **stored,
        "filter": {**filter_args, "where": None if where is None else json.dumps(where, sort_keys=True)},
        "deliveries": stored.get("deliveries", []),
    }


# -- the schema --------------------------------------------------------------------------------


def _change_action(registry: Registry) -> GraphQLEnumType:
    if "ChangeAction" not in registry.types:
        values = {a.name: GraphQLEnumValue(a, description=CHANGE_ACTION_DEFINITIONS[a]) for a in ChangeAction}
        registry.add(GraphQLEnumType("ChangeAction", values, description=ChangeAction.__doc__))
    found = registry.types["ChangeAction"]
    assert isinstance(found, GraphQLEnumType)
    return found


def _field(kind: Any, description: str) -> GraphQLField:
    return GraphQLField(kind, description=description)


def _types(registry: Registry) -> tuple[GraphQLObjectType, GraphQLObjectType]:
    actions = _change_action(registry)
    links = registry.enum(LinkKind)
    watch = GraphQLObjectType(
        "Watch",
        {
            "id": _field(
                non_null(GraphQLID),
                "Its id: follow it with `changes(watch:)`, the subscription "
                "or a webhook. Anyone holding the id can follow it; only its key can change it.",
            ),
            "name": _field(non_null(GraphQLString), "What the key called it."),
            "entities": _field(list_of(GraphQLID), "The entities it follows."),
            "within": _field(non_null(GraphQLInt), "Links out from them that it follows too (0: only them)."),
            "links": _field(list_of(links), "Kinds of link it follows out (empty: every kind)."),
            "actions": _field(list_of(actions), "Actions it follows (empty: every action)."),
            "ownerName": _field(non_null(GraphQLString), "Name of the key that saved it."),
            "createdAt": _field(non_null(GraphQLString), "When it was saved first (ISO 8601, UTC)."),
            "updatedAt": _field(non_null(GraphQLString), "When it was saved last."),
        },
        description="A key's saved neighbourhood of the change feed: entities, how far out, along "
        "which links, which actions.",
    )
    delivery = GraphQLObjectType(
        "WebhookDelivery",
        {
            "seq": _field(non_null(GraphQLInt), "The change delivered (its `seq`, also its event id)."),
            "attempt": _field(non_null(GraphQLInt), "1 for the first attempt at this change, then 2, ..."),
            "ok": _field(non_null(GraphQLBoolean), "The receiver answered 2xx."),
            "status": _field(GraphQLInt, "The receiver's HTTP status (null: no answer)."),
            "error": _field(GraphQLString, "Why it failed: status, timeout, refused address..."),
            "durationMs": _field(non_null(GraphQLFloat), "How long the attempt took."),
            "at": _field(non_null(GraphQLString), "When it was made (ISO 8601, UTC)."),
            "nextAttemptAt": _field(GraphQLString, "After a failure: when the next attempt is due."),
        },
        description="One attempt to deliver a change to a webhook.",
    )
    webhook_filter = GraphQLObjectType(
        "WebhookFilter",
        {
            "where": _field(GraphQLString, "The ChangeWhere filter, as JSON."),
            "near": _field(GraphQLID, "Only changes near this entity."),
            "within": _field(non_null(GraphQLInt), "Links from `near`."),
            "watch": _field(GraphQLID, "Only changes this watch follows."),
        },
        description="Which changes a webhook receives (the arguments of `changes`).",
    )
    webhook = GraphQLObjectType(
        "Webhook",
        {
            "id": _field(non_null(GraphQLID), "Its id (in each delivery's Supplygraph-Webhook header)."),
            "url": _field(non_null(GraphQLString), "Where deliveries go."),
            "description": _field(GraphQLString, "What it is for."),
            "filter": _field(non_null(webhook_filter), "Which changes it receives."),
            "enabled": _field(non_null(GraphQLBoolean), "Whether deliveries are made."),
            "disabledReason": _field(
                GraphQLString, "Why it stopped (an admin, or too many failed attempts)."
            ),
            "cursor": _field(
                non_null(GraphQLInt),
                "The last `seq` delivered or passed over: the next delivery is a later change.",
            ),
            "attempts": _field(non_null(GraphQLInt), "Failed attempts at the next change so far."),
            "nextAttemptAt": _field(GraphQLString, "After a failure: when the next attempt is due."),
            "lastSuccessAt": _field(GraphQLString, "When a delivery last succeeded."),
            "lastFailureAt": _field(GraphQLString, "When an attempt last failed."),
            "createdBy": _field(non_null(GraphQLString), "Name of the admin key that registered it."),
            "createdAt": _field(non_null(GraphQLString), "When (ISO 8601, UTC)."),
            "deliveries": _field(list_of(delivery), "The newest attempts, newest first."),
        },
        description="A receiver an admin registered: each matching change is POSTed to it, signed.",
    )
    for kind in (watch, delivery, webhook_filter, webhook):
        registry.add(kind)
    return watch, webhook


def _inputs(registry: Registry) -> tuple[GraphQLInputObjectType, GraphQLInputObjectType]:
    filter_args = feed_filter(registry)
    watch_input = GraphQLInputObjectType(
        "WatchInput",
        {
            "id": GraphQLInputField(GraphQLID, description="Change this watch of yours (omit: a new one)."),
            "name": GraphQLInputField(non_null(GraphQLString), description="What to call it."),
            "entities": GraphQLInputField(list_of(GraphQLID), description="Ids of the entities to follow."),
            "within": GraphQLInputField(
                non_null(GraphQLInt), default_value=1, description=f"Links out from them, 0 to {MAX_WITHIN}."
            ),
            "links": GraphQLInputField(
                GraphQLList(non_null(registry.enum(LinkKind))), description="Only along these kinds of link."
            ),
            "actions": GraphQLInputField(
                GraphQLList(non_null(_change_action(registry))), description="Only these actions."
            ),
        },
        description="A watch to save.",
    )
    webhook_input = GraphQLInputObjectType(
        "WebhookInput",
        {
            "url": GraphQLInputField(non_null(GraphQLString), description="http(s) URL on a public address."),
            "secret": GraphQLInputField(
                non_null(GraphQLString),
                description=f"Shared secret, {SECRET_LENGTH[0]} to {SECRET_LENGTH[1]} characters: "
                "deliveries are signed with HMAC-SHA256 under it.",
            ),
            "description": GraphQLInputField(GraphQLString, description="What it is for."),
            **{
                name: GraphQLInputField(
                    arg.type, default_value=arg.default_value, description=arg.description
                )
                for name, arg in filter_args.items()
            },
        },
        description="A webhook to register: where, how to sign, and which changes.",
    )
    registry.add(watch_input)
    registry.add(webhook_input)
    return watch_input, webhook_input


def follow_fields(registry: Registry) -> tuple[dict[str, Follow], dict[str, Follow]]:
    """(query fields, mutation fields) of watches and webhooks, by name."""
    watch, webhook = _types(registry)
    watch_input, webhook_input = _inputs(registry)
    some_id = GraphQLArgument(non_null(GraphQLID), description="Its id.")
    queries = {
        "watches": Follow(
            _field(list_of(watch), "The watches of the calling key, oldest first."),
            Role.READER,
            _list_watches,
        ),
        "webhooks": Follow(
            GraphQLField(
                list_of(webhook),
                args={
                    "deliveries": GraphQLArgument(
                        non_null(GraphQLInt),
                        default_value=20,
                        description=f"Newest delivery attempts to list for each, 0 to {MAX_DELIVERIES}.",
                    )
                },
                description="Every webhook with its delivery log. Needs admin.",
            ),
            Role.ADMIN,
            _list_webhooks,
        ),
    }
    mutations = {
        "saveWatch": Follow(
            GraphQLField(
                watch,
                args={"input": GraphQLArgument(non_null(watch_input), description="The watch.")},
                description="Save a watch for the calling key (any role), or change one of its watches.",
            ),
            Role.READER,
            _save_watch,
        ),
        "removeWatch": Follow(
            GraphQLField(GraphQLBoolean, args={"id": some_id}, description="Delete a watch of yours."),
            Role.READER,
            _remove_watch,
        ),
        "registerWebhook": Follow(
            GraphQLField(
                webhook,
                args={"input": GraphQLArgument(non_null(webhook_input), description="The webhook.")},
                description="Register a receiver for the changes that match; deliveries start with the "
                "next change. Needs admin.",
            ),
            Role.ADMIN,
            _register_webhook,
        ),
        "setWebhookEnabled": Follow(
            GraphQLField(
                webhook,
                args={
                    "id": some_id,
                    "enabled": GraphQLArgument(non_null(GraphQLBoolean), description="On or off."),
                },
                description="Stop or resume deliveries; resuming starts from the first change not yet "
                "delivered, with a fresh count of attempts. Needs admin.",
            ),
            Role.ADMIN,
            _set_webhook_enabled,
        ),
        "removeWebhook": Follow(
            GraphQLField(
                GraphQLBoolean, args={"id": some_id}, description="Delete a webhook and its log. Needs admin."
            ),
            Role.ADMIN,
            _remove_webhook,
        ),
    }
    return queries, mutations
