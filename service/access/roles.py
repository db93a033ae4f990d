"""Roles and the caller's identity, as resolvers see them.

reader < editor < admin: reads need a key only when API_REQUIRE_KEY_FOR_READS is set, writes
need an editor, retractions and key management an admin.
"""

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from service.errors import ApiError


class Role(StrEnum):
    READER = "reader"
    EDITOR = "editor"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return list(Role).index(self)


@dataclass(frozen=True)
class Principal:
    """The holder of a valid API key."""

    key_id: str
    name: str
    role: Role


def require(principal: Principal | None, role: Role, action: str) -> Principal:
    """The principal if it may do `action`; UNAUTHENTICATED or FORBIDDEN otherwise."""
    if principal is None:
        message = f"{action} needs an API key with the {role.value} role (Authorization: Bearer <key>)"
        raise ApiError(message, "UNAUTHENTICATED")
    if principal.role.rank < role.rank:
        message = f"{action} needs the {role.value} role; key {principal.name!r} has {principal.role.value}"
        raise ApiError(message, "FORBIDDEN")
    return principal


def principal_of(context: Any) -> Principal | None:
    value = getattr(context, "principal", None)
    return value if isinstance(value, Principal) else None
