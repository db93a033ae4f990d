"""Rules that span an entry's parts or point outside it, read off the declarations.

`references` lists every id an entry names (its refs, its links' ends, its evidence's sources)
with the kinds of entity it may be; `entry_problems` the rules one entry breaks on its own.
The seed validator checks references against the files, the mutations against the graph.
"""

from collections.abc import Iterator
from typing import Any

from service.domain.declare import Link, Ref, Verbatim
from service.domain.entities import Entry, Sourced
from service.domain.values import Evidence, Model

ANY_ENTITY = "Entity"  # a reference that may name any subject (below)
# What "any entity" means for a reference: what events and statements may be about.
SUBJECT_LABELS = ("Company", "Person", "Facility", "Partnership")

Labels = tuple[str, ...]


def target_labels(target: str | tuple[str, ...]) -> Labels:
    """The entity types a reference may name."""
    if isinstance(target, tuple):
        return target
    return SUBJECT_LABELS if target == ANY_ENTITY else (target,)


def _marker(model: type[Model], key: str, kind: type[Any]) -> Any:
    return next((m for m in model.model_fields[key].metadata if isinstance(m, kind)), None)


def _evidence(prefix: str, items: list[Evidence]) -> Iterator[tuple[str, str, Labels]]:
    for index, item in enumerate(items):
        yield f"{prefix}{index}.source", item.source, ("Source",)


def references(entry: Model) -> Iterator[tuple[str, str, Labels]]:
    """(field path, referenced id, entity types it may be) for every id the entry names."""
    model = type(entry)
    for key in model.model_fields:
        value = getattr(entry, key)
        if not value:
            continue
        if (ref := _marker(model, key, Ref)) is not None:
            ids = value if isinstance(value, list) else [value]
            for index, target in enumerate(ids):
                path = f"{key}.{index}" if isinstance(value, list) else key
                yield path, target, target_labels(ref.target)
        elif (link := _marker(model, key, Link)) is not None:
            for index, item in enumerate(value):
                if link.target == "Source":
                    yield f"{key}.{index}.source", getattr(item, link.end), ("Source",)
                    continue
                yield f"{key}.{index}.{link.end}", getattr(item, link.end), (link.target,)
                if isinstance(getattr(item, "evidence", None), list):
                    yield from _evidence(f"{key}.{index}.evidence.", item.evidence)


def _words(text: str) -> str:
    return " ".join(text.split())


def entry_problems(entry: Entry) -> Iterator[tuple[str, str]]:
    """(field, message) for rules one entry breaks: no source at all, pointing at itself, or a
    verbatim text that none of its quotes holds."""
    if isinstance(entry, Sourced) and not entry.all_evidence():
        yield "evidence", "needs at least one source with a quote"
    for path, target, _ in references(entry):
        if target == entry.id and not path.startswith("evidence"):
            yield path.split(".")[0], "an entity cannot point at itself"
    if isinstance(entry, Sourced):
        # Only runs of spaces are evened out: a quote is compared as the page wrote it.
        quotes = [_words(item.quote) for item in entry.evidence]
        for key in type(entry).model_fields:
            text = getattr(entry, key)
            if _marker(type(entry), key, Verbatim) is None or not text:
                continue
            if not any(_words(text) in quote for quote in quotes):
                yield key, "is not word for word in any of its evidence quotes"
