"""The shipped glossary (content/glossary.toml) parses and hangs together.

Standalone on purpose: it reads the file with ``tomllib`` and imports nothing from the app, so a broken
glossary fails here with the term's name even if the content loader changes.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

GLOSSARY = Path(__file__).resolve().parents[1] / "content" / "glossary.toml"

LESSON_IDS = frozenset(
    {
        "overview",
        "stakeholders",
        "payers-providers",
        "mechanisms",
        "principles",
        "policy",
        "value-based",
        "challenges",
        "future",
        "international",
    }
)
TEXT_KEYS = ("term", "definition", "example", "lesson")
LIST_KEYS = ("aliases", "related")
ALLOWED_KEYS = frozenset(TEXT_KEYS + LIST_KEYS)

# Concepts the course promises to define; each must be a term or an alias (case-insensitive).
REQUIRED_CONCEPTS = (
    "capitation", "risk adjustment", "HCC", "hierarchical condition category", "risk score", "PMPM",
    "fee schedule", "RVU", "GPCI", "conversion factor", "DRG", "wage index", "outlier payment",
    "bundled payment", "ACO", "accountable care organization", "MSSP", "MIPS", "APM",
    "value-based purchasing", "Hospital VBP", "shared savings", "minimum savings rate", "deductible",
    "coinsurance", "copay", "out-of-pocket maximum", "allowed amount", "balance billing", "No Surprises Act",
    "Medicare", "Medicare Advantage", "Medicaid", "Medicaid expansion", "FMAP", "CHIP", "ACA marketplace",
    "premium tax credit", "HPSA", "CMS", "NHE", "MACRA", "sequestration", "coding intensity adjustment",
    "normalization factor", "weighted capitation", "pace of change", "adverse selection", "moral hazard",
    "utilization management", "prior authorization", "formulary", "PBM", "employer-sponsored insurance",
    "self-insured plan", "dual eligible", "fee-for-service", "prospective payment", "claim", "adjudication",
    "network", "340B", "health equity", "social determinants of health", "telehealth", "interoperability",
    "EHR", "price transparency", "value-based care", "population health",
)  # fmt: skip

_SENTENCE_END = re.compile(r"[.!?](?=\s|$)")
_YEAR = re.compile(r"(?<![0-9])(19|20)[0-9]{2}(?![0-9])")  # also inside FY2026, CY2027


@pytest.fixture(scope="module")
def terms() -> list[dict[str, Any]]:
    with GLOSSARY.open("rb") as fh:
        data = tomllib.load(fh)
    assert set(data) == {"terms"}, f"{GLOSSARY.name}: only [[terms]] tables are allowed, found {sorted(data)}"
    entries = data["terms"]
    assert isinstance(entries, list)
    return entries


@pytest.fixture(scope="module")
def term_names(terms: list[dict[str, Any]]) -> set[str]:
    return {entry["term"] for entry in terms}


def test_has_enough_terms(terms: list[dict[str, Any]]) -> None:
    assert len(terms) >= 60


def test_required_keys_present_and_non_empty(terms: list[dict[str, Any]]) -> None:
    for index, entry in enumerate(terms):
        name = entry.get("term", f"[[terms]] #{index + 1}")
        missing = ALLOWED_KEYS - entry.keys()
        unknown = entry.keys() - ALLOWED_KEYS
        assert not missing, f"{name}: missing {sorted(missing)}"
        assert not unknown, f"{name}: unknown keys {sorted(unknown)}"
        for key in TEXT_KEYS:
            value = entry[key]
            assert isinstance(value, str) and value.strip(), f"{name}: {key} must be non-empty text"
            assert value == value.strip(), f"{name}: {key} has leading or trailing spaces"
        for key in LIST_KEYS:
            value = entry[key]
            assert isinstance(value, list), f"{name}: {key} must be a list"
            for item in value:
                assert isinstance(item, str) and item.strip(), f"{name}: {key} has an empty or non-text item"
        assert entry["related"], f"{name}: related must name at least one term"


def test_related_names_existing_terms(terms: list[dict[str, Any]], term_names: set[str]) -> None:
    for entry in terms:
        name, related = entry["term"], entry["related"]
        assert 2 <= len(related) <= 4, f"{name}: related should list 2–4 terms, has {len(related)}"
        assert len(set(related)) == len(related), f"{name}: related repeats a term"
        assert name not in related, f"{name}: related names the term itself"
        unknown = [other for other in related if other not in term_names]
        assert not unknown, f"{name}: related names terms not in the glossary: {unknown}"


def test_lesson_ids_are_known(terms: list[dict[str, Any]]) -> None:
    for entry in terms:
        assert entry["lesson"] in LESSON_IDS, f"{entry['term']}: unknown lesson {entry['lesson']!r}"


def test_every_lesson_teaches_some_term(terms: list[dict[str, Any]]) -> None:
    assert {entry["lesson"] for entry in terms} == LESSON_IDS


def test_no_duplicate_terms_or_aliases(terms: list[dict[str, Any]]) -> None:
    owners: dict[str, list[str]] = {}
    for entry in terms:
        for label in [entry["term"], *entry["aliases"]]:
            owners.setdefault(label.strip().casefold(), []).append(entry["term"])
    duplicates = {label: names for label, names in owners.items() if len(names) > 1}
    assert not duplicates, f"labels used more than once (label: terms): {duplicates}"


def test_required_concepts_are_defined(terms: list[dict[str, Any]]) -> None:
    labels = {label.casefold() for entry in terms for label in [entry["term"], *entry["aliases"]]}
    missing = [concept for concept in REQUIRED_CONCEPTS if concept.casefold() not in labels]
    assert not missing, f"no term or alias for: {missing}"


def test_definitions_are_one_or_two_sentences(terms: list[dict[str, Any]]) -> None:
    for entry in terms:
        sentences = len(_SENTENCE_END.findall(entry["definition"]))
        assert 1 <= sentences <= 2, f"{entry['term']}: definition has {sentences} sentences"


def test_figures_in_examples_name_a_year_or_say_illustrative(terms: list[dict[str, Any]]) -> None:
    # Real numbers name their source and year; made-up ones must say so. "340B" is a name, not a figure.
    unsourced = [
        entry["term"]
        for entry in terms
        if re.search(r"[$%¥0-9]", entry["example"].replace("340B", ""))
        and not (_YEAR.search(entry["example"]) or "illustrative" in entry["example"])
    ]
    assert not unsourced, f"examples with figures but no year or 'illustrative': {unsourced}"
