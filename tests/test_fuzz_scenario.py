"""Scenario files come from other people: whatever bytes a file holds, reading it gives a ``Scenario`` or a
``ScenarioError`` (nothing else), and opening it in the app either applies it or explains why not."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from healthalloc.core.scenario import MAX_BYTES, Scenario, ScenarioError, load_scenario, parse_scenario
from healthalloc.ui.exports import calculator_ids, open_scenario_file
from healthalloc.ui.main_window import MainWindow

BYTES_EXAMPLES = 600
JSON_EXAMPLES = 500
OPEN_EXAMPLES = 60
CALCULATORS = ("capitation", "reimbursement", "claim", "money-flow")

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=30),
    st.sampled_from(["nan", "inf", "-1", "1e308", "", "abc", "../../etc/passwd", "V24", "V28", "F", "HCC19"]),
)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=10), inner, max_size=5),
    max_leaves=25,
)
INPUT_NAMES = st.sampled_from(
    ["tab", "preset", "age", "sex", "model", "conditions", "year", "measure", "method", "pmpm", "members"]
) | st.text(max_size=12)


def _oneline(value: Any) -> str:
    return json.dumps(value, allow_nan=True)


@st.composite
def scenario_texts(draw: st.DrawFn) -> str:
    """Mostly well-formed envelopes with odd parts, sometimes raw JSON values or spliced text."""
    document: dict[str, Any] = {
        "format": draw(st.sampled_from(["healthalloc-scenario", "other", ""]) | SCALARS),
        "version": draw(st.sampled_from([1, 0, 2, -1, 1.0, "1", True, 10**400]) | SCALARS),
        "calculator": draw(st.sampled_from(CALCULATORS) | SCALARS),
        "title": draw(st.text(max_size=40) | SCALARS),
        "inputs": draw(st.dictionaries(INPUT_NAMES, JSON_VALUES, max_size=6) | JSON_VALUES),
    }
    drop = draw(st.lists(st.sampled_from(list(document)), max_size=2))
    for key in drop:
        document.pop(key, None)
    if draw(st.booleans()):
        document[draw(st.text(max_size=8))] = draw(JSON_VALUES)
    text = _oneline(document)
    splice = draw(
        st.sampled_from(["", "NaN", "Infinity", "-Infinity", '"a": 1, "a": 2', "9" * 5000, "[" * 5000, "\x00"])
    )
    if splice:
        at = draw(st.integers(0, len(text)))
        text = text[:at] + splice + text[at:]
    if draw(st.integers(0, 9)) == 0:
        text = text[: draw(st.integers(0, len(text)))]
    return text


def check_parse(data: bytes | str) -> Scenario | None:
    try:
        scenario = parse_scenario(data, calculators=CALCULATORS)
    except ScenarioError as error:
        assert str(error), "an error must say what is wrong"
        return None
    assert scenario.calculator in CALCULATORS
    again = parse_scenario(scenario.to_json(), calculators=CALCULATORS)  # what it accepts, it can write back
    assert again == scenario
    return scenario


@settings(max_examples=BYTES_EXAMPLES)
@given(data=st.binary(max_size=2000))
def test_any_bytes_parse_or_raise_scenario_error(data: bytes) -> None:
    check_parse(data)


@settings(max_examples=JSON_EXAMPLES)
@given(text=scenario_texts())
def test_odd_scenario_documents_parse_or_raise_scenario_error(text: str) -> None:
    check_parse(text)
    check_parse(text.encode("utf-8", "surrogatepass"))


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"\xff\xfe\x00{",
        b"{" + b'"a":' * 10 + b"1" + b"}" * 10,
        b"[" * 100_000,
        (
            "{"
            + '"format": "healthalloc-scenario", "version": 1, "calculator": "capitation", "inputs": {"age": '
            + "9" * 5000
            + "}}"
        ).encode(),
        b'{"format": "healthalloc-scenario", "version": 1, "calculator": "../../etc/passwd", "inputs": {}}',
        b" " * (MAX_BYTES + 1),
    ],
    ids=["empty", "not utf-8", "nested", "very deep", "5000-digit number", "path as calculator", "too big"],
)
def test_hostile_files_are_refused_with_a_scenario_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "shared.healthalloc-scenario"
    path.write_bytes(content)
    with pytest.raises(ScenarioError, match=path.name):
        load_scenario(path, calculators=CALCULATORS)


def test_a_folder_or_a_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError):
        load_scenario(tmp_path, calculators=CALCULATORS)
    with pytest.raises(ScenarioError):
        load_scenario(tmp_path / "missing.healthalloc-scenario", calculators=CALCULATORS)


# ---------------------------------------------------------------------------------------------- in the app
@st.composite
def page_scenarios(draw: st.DrawFn) -> dict[str, Any]:
    calculator = draw(st.sampled_from(CALCULATORS))
    inputs = draw(st.dictionaries(INPUT_NAMES, JSON_VALUES.filter(lambda v: not isinstance(v, dict)), max_size=6))
    return {"format": "healthalloc-scenario", "version": 1, "calculator": calculator, "inputs": inputs}


@settings(max_examples=OPEN_EXAMPLES)
@given(document=page_scenarios())
def test_opening_any_scenario_applies_it_or_explains(window: MainWindow, tmp_path: Path, document: dict) -> None:  # type: ignore[type-arg]
    assert set(CALCULATORS) <= set(calculator_ids())
    path = tmp_path / "fuzz.healthalloc-scenario"
    path.write_text(json.dumps(document), encoding="utf-8")
    before = window.current_page_id
    problem = open_scenario_file(window, path)
    if problem is None:
        assert window.current_page_id == document["calculator"]
    else:
        assert path.name in problem
        assert window.current_page_id in (before, document["calculator"])
