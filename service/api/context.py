"""What every resolver gets per request: the driver and the settings (never module globals)."""

from dataclasses import dataclass, field
from typing import Any

from neo4j import AsyncDriver
from strawberry.fastapi import BaseContext

from service.access.roles import Principal
from service.settings import Settings


@dataclass
class Context(BaseContext):
    driver: AsyncDriver
    settings: Settings
    statements: int = 0  # Cypher statements run for this request (reported in extensions)
    raw_variables: dict[str, Any] = field(default_factory=dict)  # as the client sent them
    error_codes: list[str] = field(default_factory=list)  # codes of the errors returned (for metrics)
    principal: Principal | None = None  # the caller's API key, when it sent a valid one

    def __post_init__(self) -> None:
        super().__init__()
