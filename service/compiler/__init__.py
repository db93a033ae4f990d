"""The query compiler: a GraphQL selection, with arguments graphql-core has coerced, becomes one
Cypher statement per root field (`service.compiler.roots`, `service.compiler.analytics`).

It knows GraphQL names (from the catalog) but no GraphQL library; its input is the neutral
`Selection` tree.
"""

from service.compiler.analytics.company_stats import company_stats
from service.compiler.filters import FilterLimits
from service.compiler.projection import Compiler


def new_compiler(limits: FilterLimits | None = None) -> Compiler:
    """A compiler for one statement, with the fields the analytics add to entities."""
    return Compiler(limits, extras={("Company", "stats"): company_stats})
