"""Scenario files: saved and reopened with identical inputs; anything malformed is refused with a clear message
and changes nothing."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from healthalloc.core.inputs import InputSpec
from healthalloc.core.scenario import (
    MAX_BYTES,
    SUFFIX,
    Scenario,
    ScenarioError,
    check_inputs,
    load_scenario,
    parse_scenario,
    save_scenario,
    suggested_file_name,
)

CALCULATORS = ("capitation", "reimbursement", "claim", "money-flow")


def envelope(**changes: object) -> str:
    data: dict[str, object] = {
        "format": "healthalloc-scenario",
        "version": 1,
        "calculator": "capitation",
        "title": "Two practices",
        "inputs": {"tab": "panel", "preset": "two-practices"},
    }
    data.update(changes)
    return json.dumps(data)


def test_a_scenario_survives_a_round_trip(tmp_path: Path) -> None:
    scenario = Scenario("capitation", "An 85-year-old", {"member": {"age": 85, "conditions": ("HCC85",)}})
    written = save_scenario(tmp_path / "class", scenario, calculators=CALCULATORS)
    assert written.name == "class" + SUFFIX
    loaded = load_scenario(written, calculators=CALCULATORS)
    assert loaded.calculator == "capitation" and loaded.title == "An 85-year-old"
    assert loaded.inputs == {"member": {"age": 85, "conditions": ["HCC85"]}}
    assert json.loads(written.read_text("utf-8"))["format"] == "healthalloc-scenario"


def test_a_json_file_name_is_kept(tmp_path: Path) -> None:
    written = save_scenario(tmp_path / "s.json", Scenario("claim", "", {}), calculators=CALCULATORS)
    assert written == tmp_path / "s.json"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "not valid JSON (line 1"),
        ("[1, 2]", "one JSON object"),
        (envelope(format="something-else"), "not a healthalloc scenario"),
        (envelope(version=2), "newer version"),
        (envelope(version="1"), "whole number"),
        (envelope(calculator="rocket"), 'no calculator called "rocket"'),
        (envelope(colour="red"), "unknown key(s) 'colour'"),
        (envelope(title=7), '"title" must be text'),
        (envelope(title="x" * 300), "longer than 200"),
        (envelope(inputs=[1]), '"inputs" must be an object'),
        (envelope(inputs={"age": float("nan")}), "NaN is not a number"),
        (envelope(inputs={"a b": 1}), "is not an input name"),
        (envelope(inputs={"a": {"b": {"c": {"d": 1}}}}), "nested too deeply"),
        (envelope(inputs={"a": [{"b": 1}]}), "plain values only"),
        (envelope(inputs={"a": "x" * 3000}), "longer than 2000"),
        (envelope(inputs={"a": list(range(600))}), "more than 500 items"),
        ('{"format": "healthalloc-scenario", "format": "x"}', 'the key "format" appears twice'),
    ],
)
def test_malformed_files_are_refused_with_a_reason(text: str, message: str) -> None:
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text.encode("utf-8"), calculators=CALCULATORS)
    assert message in str(caught.value)


def test_size_and_encoding_limits(tmp_path: Path) -> None:
    big = tmp_path / "big.healthalloc-scenario"
    big.write_bytes(b" " * (MAX_BYTES + 1))
    with pytest.raises(ScenarioError, match=r"big\.healthalloc-scenario.*at most"):
        load_scenario(big, calculators=CALCULATORS)
    binary = tmp_path / "binary.healthalloc-scenario"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(ScenarioError, match=r"binary\.healthalloc-scenario: not a text file"):
        load_scenario(binary, calculators=CALCULATORS)
    with pytest.raises(ScenarioError, match="does not exist"):
        load_scenario(tmp_path / "missing.json", calculators=CALCULATORS)
    with pytest.raises(ScenarioError, match="folder"):
        load_scenario(tmp_path, calculators=CALCULATORS)


def test_saving_refuses_what_opening_would_refuse(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    with pytest.raises(ValueError):
        save_scenario(folder / "x", Scenario("capitation", "", {"age": float("inf")}), calculators=CALCULATORS)
    with pytest.raises(ScenarioError):
        save_scenario(folder / "x", Scenario("rocket", "", {}), calculators=CALCULATORS)
    assert list(folder.iterdir()) == []


def test_inputs_are_checked_against_the_calculators_declared_inputs() -> None:
    specs = [InputSpec("age", "Age", 65, kind="integer", minimum=0, maximum=120)]
    assert check_inputs(specs, {"age": 85}) == {"age": 85}
    with pytest.raises(ScenarioError, match="Age must be between 0 and 120"):
        check_inputs(specs, {"age": 200})
    with pytest.raises(ScenarioError, match="unknown input"):
        check_inputs(specs, {"height": 2})


def test_suggested_file_names() -> None:
    assert suggested_file_name("Two practices, same size!", "capitation") == "two-practices-same-size" + SUFFIX
    assert suggested_file_name("", "claim") == "claim" + SUFFIX


@given(st.binary(max_size=400))
def test_arbitrary_bytes_never_crash_the_reader(data: bytes) -> None:
    with contextlib.suppress(ScenarioError):  # a clean refusal is fine; any other exception fails the test
        parse_scenario(data, calculators=CALCULATORS)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)


@given(json_values)
def test_arbitrary_json_inputs_are_accepted_or_refused_cleanly(inputs: object) -> None:
    try:
        scenario = parse_scenario(envelope(inputs=inputs), calculators=CALCULATORS)
    except ScenarioError:
        return
    assert scenario.inputs == inputs


# ----------------------------------------------------------------------------------------------- in the app
def test_a_saved_scenario_reopens_with_identical_inputs(window, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from healthalloc.ui.exports import open_scenario_file, save_scenario_to

    window.open_page("capitation")
    page = window.stack.currentWidget()
    page.apply_params({"tab": "member", "age": "85", "sex": "F", "conditions": "HCC85,HCC18"})
    saved = page.scenario()
    assert save_scenario_to(window, tmp_path / "lecture-3") is None
    page.reset()
    window.open_page("overview")
    assert page.scenario() != saved
    assert open_scenario_file(window, tmp_path / ("lecture-3" + SUFFIX)) is None
    assert window.current_page_id == "capitation"
    assert window.stack.currentWidget() is page
    assert page.scenario() == saved


def test_a_malformed_scenario_gets_an_error_and_changes_nothing(window, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from healthalloc.ui.exports import open_scenario_file

    window.open_page("capitation")
    page = window.stack.currentWidget()
    page.apply_params({"tab": "member", "age": "70"})
    window.open_page("overview")
    before = page.scenario()
    bad_value = tmp_path / "bad-age.healthalloc-scenario"
    bad_value.write_text(envelope(inputs={"tab": "member", "member": {"age": 200, "sex": "F"}}), "utf-8")
    problem = open_scenario_file(window, bad_value)
    assert problem is not None and "bad-age.healthalloc-scenario" in problem and "200" in problem
    assert page.scenario() == before
    assert window.current_page_id == "overview"
    broken = tmp_path / "broken.healthalloc-scenario"
    broken.write_text('{"format": ', "utf-8")
    problem = open_scenario_file(window, broken)
    assert problem is not None and "not valid JSON" in problem
    assert page.scenario() == before and window.current_page_id == "overview"


def test_saving_needs_a_calculator(window, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from healthalloc.ui.exports import save_scenario_to

    window.open_page("overview")
    assert "Open a calculator first" in (save_scenario_to(window, tmp_path / "x") or "")
    assert not (tmp_path / ("x" + SUFFIX)).exists()


def test_the_command_line_file_opens_on_its_page(window, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from healthalloc.ui import application

    good = tmp_path / "good.json"
    good.write_text(envelope(calculator="capitation", inputs={"tab": "member", "age": 90}), "utf-8")
    application._open_cli_scenario(window, good)
    assert window.current_page_id == "capitation"
    assert window.stack.currentWidget().scenario()["member"]["age"] == 90
    shown: list[str] = []
    from PySide6.QtWidgets import QMessageBox

    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text: shown.append(text))
    application._open_cli_scenario(window, tmp_path / "nope.json")
    assert shown and "does not exist" in shown[0]
