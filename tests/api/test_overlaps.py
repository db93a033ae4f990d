"""The document measures taken before validation: overlap comparisons and tokens, and planning
that leaves no cyclic garbage behind (full collections pause every request)."""

import gc
from pathlib import Path

from graphql import parse
from graphql.language import Lexer, Source, TokenKind

from service.api.limits import release_tokens
from service.api.overlaps import overlap_checks
from service.http.app import engine_for
from service.settings import Settings

OPERATIONS = Path(__file__).resolve().parent.parent / "clients" / "operations"


def test_ordinary_documents_compare_nothing_or_little() -> None:
    for path in OPERATIONS.glob("*.graphql"):
        assert overlap_checks(parse(path.read_text()), 2000) == 0, path.name
    # Apollo and Relay repeat `id` and `__typename` across fragments: a few pairs each.
    fragments = "".join(f"fragment F{i} on Company {{ id __typename name{i}: name }} " for i in range(5))
    document = parse(
        fragments + '{ company(id: "x") { id __typename ' + " ".join(f"...F{i}" for i in range(5)) + " } }"
    )
    assert overlap_checks(document, 2000) == 2 * (6 * 5 // 2)


def test_repeated_fields_count_their_pairs_and_sub_selections() -> None:
    assert overlap_checks(parse("{ a a a }"), 100) == 3
    # Each pair of `b { c }` compares b, then c: 2 per pair.
    assert overlap_checks(parse("{ b { c } b { c } b { c } }"), 100) == 6
    # Inline fragments and spreads are expanded into the set they sit in.
    assert overlap_checks(parse("{ a ... on Q { a } ...F } fragment F on Q { a }"), 100) == 3
    # 333 copies of `suppliers { nodes { id } }`: 55,278 pairs of 3 comparisons.
    many = parse("{ x {" + " suppliers { nodes { id } }" * 333 + " } }")
    assert overlap_checks(many, 10**9) == 333 * 332 // 2 * 3
    assert overlap_checks(many, 2000) == 2001  # stops counting past the limit


def test_fragment_cycles_and_doubling_end() -> None:
    assert overlap_checks(parse("fragment A on Q { a ...B } fragment B on Q { a ...A } { ...A }"), 100) <= 101
    doubling = "".join(f"fragment F{i} on Q {{ s {{ ...F{i + 1} ...F{i + 1} }} }} " for i in range(30))
    assert overlap_checks(parse(doubling + "fragment F30 on Q { id } { ...F0 }"), 2000) == 2001


def test_tokens_are_counted_like_the_parser_counts_them() -> None:
    for text in (
        "{ a }",
        '# a comment\nquery Q($v: Int = 3) { a(x: $v, y: [1, 2], z: {k: "s"}) @skip(if: false) { ...F } }'
        " fragment F on T { b }",
        '{ a(s: """block\nstring""") }',
    ):
        lexer, expected = Lexer(Source(text)), 0
        while lexer.advance().kind != TokenKind.EOF:
            expected += 1
        assert release_tokens(parse(text)) == expected, text


def test_measuring_a_refused_document_leaves_no_cyclic_garbage() -> None:
    # Parsed trees are freed by reference counting once measured (the tokens unlinked, no
    # closures over them), so a flood of refused documents adds nothing to full collections.
    # graphql-core's validation itself leaves its context in a cycle, which is why the limits
    # refuse what they can before it runs.
    planner = engine_for(Settings()).planner
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        for copies in (60, 400):  # over the overlap limit, then over the field limit
            refused = planner.make(
                '{ company(id: "x") {' + " suppliers { nodes { id } }" * copies + " } }", None
            )
            assert refused.errors[0]["extensions"]["code"] == "QUERY_TOO_COMPLEX"  # type: ignore[union-attr]
        gc.collect()
        left = {type(o).__name__ for o in gc.garbage}
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    assert not left & {"Token", "Location", "FieldNode", "DocumentNode"}, left
