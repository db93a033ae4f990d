"""Running a request's mutations: the role check for all of them first, then each in order, in
its own write transaction, and `Written.node` read back after it committed."""

from typing import Any

from service.api.errors import classify, error_entry
from service.api.follows import Call, Follow, FollowOptions
from service.api.mutations import Mutation, Write
from service.api.outcomes import Prepared, Read, Result, RootField, answer, refused
from service.api.plans import Plan
from service.api.write_results import outcome_map
from service.compiler import new_compiler
from service.compiler.filters import FilterLimits
from service.compiler.roots import node as node_statement
from service.domain.roles import Principal, Role
from service.errors import ApiError, ErrorCode
from service.graph import edits


def authorize(roles: dict[str, Role], prepared: Prepared, principal: Principal | None) -> Result | None:
    """Refuse the whole request, before anything runs, when one of its fields needs a role the
    caller's key does not have (`roles`: the fields that need one)."""
    needed = [
        (root.selection.name, roles[root.selection.name])
        for root in prepared.fields
        if root.selection.name in roles
    ]
    if not needed:
        return None
    name, role = max(needed, key=lambda pair: pair[1].rank)
    if principal is None:
        message = f"{name} needs an API key with the {role.value} role (Authorization: Bearer <key>)."
        return refused([error_entry(message, ErrorCode.UNAUTHENTICATED)], 401)
    if not principal.role.allows(role):
        message = f"{name} needs the {role.value} role; key {principal.name!r} has {principal.role.value}."
        return refused([error_entry(message, ErrorCode.FORBIDDEN)], 403)
    return None


async def mutate(
    mutations: dict[str, Mutation],
    follows: dict[str, Follow],
    options: FollowOptions,
    plan: Plan,
    prepared: Prepared,
    principal: Principal | None,
    read: Read,
    store: edits.Store,
) -> Result:
    assert principal is not None or all(f.selection.name == "__typename" for f in prepared.fields)
    result = Result({}, operation=plan.name, kind="mutation")
    errors: list[dict[str, Any]] = []
    data: dict[str, Any] | None = {}
    for root in prepared.fields:
        value: Any = None
        if root.selection.name == "__typename":
            value = "Mutation"
        elif root.error is not None:
            errors.append(error_entry(root.error[1], root.error[0], [root.key]))
        else:
            assert principal is not None and root.shaper is not None
            try:
                follow = follows.get(root.selection.name)
                if follow is not None:
                    value = root.shaper(
                        await follow.run(Call(store, read, principal, root.selection.args, options))
                    )
                    result.statements += 1
                else:
                    outcome = await mutations[root.selection.name].run(
                        store, Write(principal, root.selection.args)
                    )
                    result.statements += 1
                    written = outcome_map(outcome)
                    if isinstance(outcome, edits.Written):
                        result.statements += await _read_back(
                            options.filter_limits, root, outcome.id, written, read, errors
                        )
                    value = root.shaper(written)
            except Exception as error:
                code, message = classify(error, root.key)
                more = error.extensions if isinstance(error, ApiError) else {}
                errors.append(error_entry(message, code, [root.key], **more))
        if value is None and not root.nullable:
            data = None
        if data is not None:
            data[root.key] = value
    return answer(result, data, errors, prepared.cost)


async def _read_back(
    filter_limits: FilterLimits,
    root: RootField,
    entity_id: str,
    written: dict[str, Any],
    read: Read,
    errors: list[dict[str, Any]],
) -> int:
    """Answer `node { ... }` under Written with the compiled read of the entity, after the write.
    The write has committed: a failure here leaves `node` null with an error at its path."""
    statements = 0
    for child in root.selection.for_type("Written"):
        if child.name != "node":
            continue
        statements += 1
        try:
            statement = node_statement(
                new_compiler(filter_limits), child, {"id": entity_id, "includeRetracted": True}
            )
            written[child.key] = await read(statement, True)
        except Exception as error:
            code, message = classify(error, root.key)
            written[child.key] = None
            errors.append(error_entry(message, code, [root.key, child.key]))
    return statements
