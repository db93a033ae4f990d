"""The resolved model: every client-facing type, field, filter, ordering and input, read off the
declarations once at import.

Like Hasura's metadata resolution, this is the one step that reads the entry models and their
markers; the GraphQL schema (`service.api`), the query compiler (`service.compiler`) and the
graph's rows and reads (`service.graph`) all work from `CATALOG`. A field declared on an entry
model appears here with its client name, type, description, how it is read (`Read`), and its
filter and ordering, so no consumer names a field again.

`Read` values say where a value lives in terms of the graph's own vocabulary (properties,
relationship types, labels); the graph layer turns them into Cypher.
"""

from service.domain.catalog.build import CATALOG, ENTITY_LABELS, SOURCED_LABELS
from service.domain.catalog.declarations import Decl, declarations, derived_values, precision_name
from service.domain.catalog.reads import (
    Bookkeeping,
    Bound,
    ColumnList,
    Computed,
    Connection,
    DateText,
    Embedded,
    Grouped,
    Hop,
    ItemEvidence,
    Items,
    Leaf,
    Named_,
    One,
    OnlyTierC,
    OrderKey,
    OrderSet,
    Prop,
    Read,
)
from service.domain.catalog.relations import SUBJECT_LABELS
from service.domain.catalog.types import (
    Catalog,
    DatedStatus,
    FilterField,
    InField,
    InType,
    ListFilter,
    NestedFilter,
    OutField,
    OutType,
    PropFilter,
    ValidSpan,
    WhereType,
)

__all__ = [
    "CATALOG",
    "ENTITY_LABELS",
    "SOURCED_LABELS",
    "SUBJECT_LABELS",
    "Bookkeeping",
    "Bound",
    "Catalog",
    "ColumnList",
    "Computed",
    "Connection",
    "DateText",
    "DatedStatus",
    "Decl",
    "Embedded",
    "FilterField",
    "Grouped",
    "Hop",
    "InField",
    "InType",
    "ItemEvidence",
    "Items",
    "Leaf",
    "ListFilter",
    "Named_",
    "NestedFilter",
    "One",
    "OnlyTierC",
    "OrderKey",
    "OrderSet",
    "OutField",
    "OutType",
    "Prop",
    "PropFilter",
    "Read",
    "ValidSpan",
    "WhereType",
    "declarations",
    "derived_values",
    "precision_name",
]
