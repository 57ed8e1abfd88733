"""The glossary loader and the automatic linking of terms in lesson text (no Qt)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from healthalloc.core.content import load_course
from healthalloc.core.glossary import Glossary, Term, load_glossary

TERMS = """
[[terms]]
term = "Coinsurance"
definition = "The share of the allowed amount the patient pays after the deductible."
example = "20% of a $100 allowed amount is $20."
related = ["Deductible"]
lesson = "overview"

[[terms]]
term = "Deductible"
aliases = ["annual deductible"]
definition = "What the patient pays before the plan starts paying."
example = "A $1,886 deductible."
lesson = "overview"

[[terms]]
term = "Medicare"
definition = "Federal insurance for people 65 and over."
example = "67.6 million people in 2024."
lesson = "overview"

[[terms]]
term = "Medicare Advantage"
aliases = ["MA"]
definition = "Private plans paid by capitation to deliver Medicare benefits."
example = "About half of Medicare enrollees."
lesson = "overview"

[[terms]]
term = "ACO"
aliases = ["accountable care organization"]
definition = "Providers who share responsibility for a population's cost and quality."
example = "An MSSP ACO."
lesson = "overview"
"""


def _glossary(tmp_path: Path, text: str = TERMS) -> Glossary:
    (tmp_path / "glossary.toml").write_text(text, encoding="utf-8")
    return load_glossary(root=tmp_path)


def test_terms_load_with_slugs_and_lookup(tmp_path: Path) -> None:
    glossary = _glossary(tmp_path)
    assert not glossary.errors
    assert [t.term for t in glossary.sorted_terms()][:2] == ["ACO", "Coinsurance"]
    assert glossary.term("medicare-advantage") == glossary.term("MA") == glossary.term("Medicare Advantage")
    assert glossary.term("annual deductible") is not None
    assert glossary.term("nothing") is None


def test_problems_name_the_line_and_good_terms_still_load(tmp_path: Path) -> None:
    text = TERMS.replace(
        'lesson = "overview"\n\n[[terms]]\nterm = "Deductible"',
        'lessen = "overview"\n\n[[terms]]\nterm = "Deductible"',
    )
    text = text.replace('aliases = ["MA"]', 'aliases = ["MA", "Medicare"]')
    glossary = _glossary(tmp_path, text)
    messages = [str(e) for e in glossary.errors]
    assert any(':2: term "Coinsurance": unknown key "lessen" (did you mean "lesson"?)' in m for m in messages)
    assert any(':22: "Medicare" is already a term or alias (line 16)' in m for m in messages)
    assert {t.term for t in glossary.terms} == {"Deductible", "Medicare", "ACO"}


def test_related_terms_must_exist(tmp_path: Path) -> None:
    glossary = _glossary(tmp_path, TERMS.replace('related = ["Deductible"]', 'related = ["Deductable"]'))
    assert any(
        'related term "Deductable" is not in the glossary (did you mean "Deductible"?)' in str(e)
        for e in glossary.errors
    )


def test_a_missing_file_is_an_error_not_a_crash(tmp_path: Path) -> None:
    glossary = load_glossary(root=tmp_path)
    assert glossary.terms == []
    assert "missing" in str(glossary.errors[0])
    assert glossary.link_terms("Coinsurance applies.") == "Coinsurance applies."


def test_lessons_are_checked_against_the_course(tmp_path: Path) -> None:
    (tmp_path / "glossary.toml").write_text(
        TERMS.replace('lesson = "overview"', 'lesson = "overveiw"', 1), "utf-8"
    )
    glossary = load_glossary(load_course(), root=tmp_path)
    assert any('no lesson has the id "overveiw" (did you mean "overview"?)' in str(e) for e in glossary.errors)


# ------------------------------------------------------------------ linking
def test_first_use_per_call_is_linked(tmp_path: Path) -> None:
    glossary = _glossary(tmp_path)
    text = "Coinsurance starts after the deductible. Coinsurance is a percentage."
    linked = glossary.link_terms(text)
    assert linked == (
        "[Coinsurance](glossary:coinsurance) starts after the [deductible](glossary:deductible). "
        "Coinsurance is a percentage."
    )
    assert glossary.link_terms(text) == linked  # every section starts afresh


def test_longest_name_wins_and_plurals_match(tmp_path: Path) -> None:
    glossary = _glossary(tmp_path)
    linked = glossary.link_terms("Medicare Advantage plans and two ACOs; Medicare pays deductibles.")
    assert "[Medicare Advantage](glossary:medicare-advantage)" in linked
    assert "[ACOs](glossary:aco)" in linked
    assert "[Medicare](glossary:medicare) pays" in linked
    assert "[deductibles](glossary:deductible)" in linked


def test_acronyms_match_only_in_capitals(tmp_path: Path) -> None:
    glossary = _glossary(tmp_path)
    assert glossary.link_terms("ma and aco in lower case") == "ma and aco in lower case"
    assert glossary.link_terms("an MA plan") == "an [MA](glossary:medicare-advantage) plan"


@pytest.mark.parametrize(
    "text",
    [
        "`Coinsurance` in code",
        "[the coinsurance lesson](lesson:mechanisms)",
        "![Coinsurance chart](chart:x)",
        "<!-- check:coinsurance-1 -->",
        "<https://example.org/coinsurance>",
        "### Coinsurance heading",
        "```\nCoinsurance in a fence\n```",
        "a file/coinsurance-path",
    ],
)
def test_protected_text_is_left_alone(tmp_path: Path, text: str) -> None:
    glossary = _glossary(tmp_path)
    assert glossary.link_terms(text) == text


def test_skip_and_bold_text(tmp_path: Path) -> None:
    glossary = _glossary(tmp_path)
    assert glossary.link_terms("**Coinsurance** rules", skip=frozenset({"coinsurance"})) == "**Coinsurance** rules"
    assert glossary.link_terms("**Coinsurance** rules") == "**[Coinsurance](glossary:coinsurance)** rules"


def test_filter_puts_name_matches_first(tmp_path: Path) -> None:
    glossary = _glossary(tmp_path)
    assert [t.term for t in glossary.filter("medicare")] == ["Medicare", "Medicare Advantage"]
    assert [t.term for t in glossary.filter("allowed")] == ["Coinsurance"]  # found in the definition
    assert [t.term for t in glossary.filter("")] == [t.term for t in glossary.sorted_terms()]


def test_tooltip() -> None:
    term = Term("PMPM", "pmpm", "Per member per month.", "e.g.", "principles")
    assert term.tooltip() == "PMPM: Per member per month."


# ------------------------------------------------------------------ the shipped glossary in the shipped lessons
def test_linking_the_real_course_keeps_markdown_intact() -> None:
    course = load_course()
    glossary = load_glossary(course)
    assert not glossary.errors, "\n".join(str(e) for e in glossary.errors)
    linked_terms: set[str] = set()
    for lesson in course.lessons:
        for section in lesson.sections:
            linked = glossary.link_terms(section.markdown)
            # Removing the inserted links gives back the original text exactly.
            assert re.sub(r"\[([^\]]*)\]\(glossary:[a-z0-9-]+\)", r"\1", linked) == section.markdown
            slugs = re.findall(r"\]\(glossary:([a-z0-9-]+)\)", linked)
            assert len(slugs) == len(set(slugs)), f"{lesson.id}#{section.slug}: a term linked twice"
            assert all(glossary.term(slug) is not None for slug in slugs)
            linked_terms.update(slugs)
    assert {"coinsurance", "capitation", "drg"} <= linked_terms
