"""The compiler's tests read the curated graph as loaded, once per module."""

import pytest
from neo4j import Driver

from tests.support import seed_only


@pytest.fixture(scope="module")
def graph(driver: Driver) -> Driver:
    return seed_only(driver)
