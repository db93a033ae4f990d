"""Who may do what: roles of API keys, and the identity of the caller holding one.

reader < editor < admin: reads need a key only when API_REQUIRE_KEY_FOR_READS is set, writes
need an editor, retractions and key management an admin.
"""

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    READER = "reader"
    EDITOR = "editor"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return list(Role).index(self)

    def allows(self, needed: "Role") -> bool:
        return self.rank >= needed.rank


@dataclass(frozen=True)
class Principal:
    """The holder of a valid API key (or the loader, for curated loads)."""

    key_id: str
    name: str
    role: Role
