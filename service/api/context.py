"""What every resolver gets per request: the driver and the settings (never module globals)."""

from dataclasses import dataclass

from neo4j import AsyncDriver
from strawberry.fastapi import BaseContext

from service.settings import Settings


@dataclass
class Context(BaseContext):
    driver: AsyncDriver
    settings: Settings
    statements: int = 0  # Cypher statements run for this request (reported in extensions)

    def __post_init__(self) -> None:
        super().__init__()
