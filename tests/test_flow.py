"""The nation's health dollar: totals and shares come out of the loaded CMS data, and the flow balances."""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from healthalloc.core import flow
from healthalloc.core.flow import Band, FlowModel, conservation_problems
from healthalloc.core.resources import data_file

NHE_FILES = (flow.SOURCES_USES_FILE, flow.HEALTH_DOLLAR_FILE, flow.TOTALS_FILE)


def share(frame, direction: str, category: str) -> float:  # type: ignore[no-untyped-def]
    row = frame[(frame["direction"] == direction) & (frame["category"] == category)]
    assert len(row) == 1, category
    return float(row["share"].iloc[0])


def test_health_dollar_2024_matches_the_published_totals_and_shares() -> None:
    frame = flow.health_dollar(2024)
    assert list(frame.columns) == ["direction", "category", "amount_billion", "share"]
    for direction in ("came_from", "went_to"):
        half = frame[frame["direction"] == direction]
        assert round(half["amount_billion"].sum(), 1) == 5278.6
        assert half["share"].sum() == pytest.approx(1.0)
    assert round(share(frame, "came_from", "Private insurance") * 100, 1) == 31.2
    assert round(share(frame, "came_from", "Medicare") * 100, 1) == 21.2
    assert round(share(frame, "came_from", "Medicaid") * 100, 1) == 17.7
    assert round(share(frame, "came_from", "Out of pocket") * 100, 1) == 10.5
    assert round(share(frame, "went_to", "Hospital care") * 100, 1) == 31.0
    assert round(share(frame, "went_to", "Physician & clinical services") * 100, 1) == 21.0


def test_health_dollar_2023_uses_the_revised_figures_of_the_same_release() -> None:
    frame = flow.health_dollar(2023)
    assert round(frame[frame["direction"] == "came_from"]["amount_billion"].sum(), 1) == 4925.3
    assert round(share(frame, "came_from", "Private insurance") * 100, 1) == 30.7


def test_years_and_unknown_year() -> None:
    assert flow.available_years() == (2024, 2023)
    year_input = next(spec for spec in flow.FLOW_INPUTS if spec.name == "year")
    assert tuple(int(key) for key, _ in year_input.choices) == flow.available_years()
    with pytest.raises(ValueError, match="no NHE data for 1999; choose one of 2024, 2023"):
        flow.health_dollar(1999)


def test_shipped_files_add_up() -> None:
    assert flow.check_nhe_files() == []


@pytest.fixture
def nhe_copy(tmp_path: Path) -> Path:
    for name in NHE_FILES:
        shutil.copy(data_file(name), tmp_path / name)
    return tmp_path


def edit_line(path: Path, line: int, old: str, new: str) -> None:
    lines = path.read_text("utf-8").splitlines()
    assert old in lines[line - 1]
    lines[line - 1] = lines[line - 1].replace(old, new, 1)
    path.write_text("\n".join(lines) + "\n", "utf-8")


def test_a_row_that_does_not_add_up_is_reported_by_file_and_line(nhe_copy: Path) -> None:
    assert flow.check_nhe_files(nhe_copy) == []
    edit_line(nhe_copy / flow.SOURCES_USES_FILE, 2, "558936", "559936")  # 2024 hospital care, private insurance
    problems = flow.check_nhe_files(nhe_copy)
    assert any(
        p.endswith(
            "nhe_sources_uses.csv:2: Hospital care (2024): the payers add up to $1,635,738 million but the "
            "row total is $1,634,738 million"
        )
        for p in problems
    ), problems
    assert any(
        "nhe_sources_uses.csv:15: column private_health_insurance_millions_usd (2024)" in p for p in problems
    )


def test_the_health_dollar_and_totals_files_are_checked_against_the_table(nhe_copy: Path) -> None:
    edit_line(nhe_copy / flow.HEALTH_DOLLAR_FILE, 3, "1118000,21.2", "1119000,21.2")
    edit_line(nhe_copy / flow.TOTALS_FILE, 2, "15474", "15974")
    problems = flow.check_nhe_files(nhe_copy)
    assert any("nhe_health_dollar.csv:3: Medicare (2024) is $1,119,000 million" in p for p in problems), problems
    assert any(
        "nhe_totals.csv:2: $15,974 a person × 341.1 M people is not NHE $5,278.6 B" in p for p in problems
    ), problems
    error = flow.NHEDataError(problems)
    assert str(error).startswith("the NHE data files do not add up:\n")


def test_unknown_rows_and_missing_payers_are_reported(nhe_copy: Path) -> None:
    edit_line(nhe_copy / flow.SOURCES_USES_FILE, 4, "Dental services", "Dentistry")
    edit_line(nhe_copy / flow.SOURCES_USES_FILE, 8, "54973", "")
    problems = flow.check_nhe_files(nhe_copy)
    assert any("nhe_sources_uses.csv:4: unknown type of service 'Dentistry'" in p for p in problems), problems
    assert any("nhe_sources_uses.csv:8: Prescription drugs (2024) has missing" in p for p in problems), problems


@pytest.mark.parametrize("year", [2023, 2024])
def test_money_in_equals_money_out_at_every_node_to_the_dollar(year: int) -> None:
    model = flow.flow_model(year)
    assert conservation_problems(model.columns, model.bands) == []
    assert model.column_total(0) == model.column_total(1) == model.total_millions
    frame = flow.health_dollar(year)
    for column, direction in ((0, "came_from"), (1, "went_to")):
        for node in model.columns[column]:
            amount = frame[(frame["direction"] == direction) & (frame["category"] == node)]["amount_billion"]
            assert round(float(amount.iloc[0]) * 1000) == model.node_total(column, node)


def test_who_pays_for_hospitals_drugs_and_nursing_homes() -> None:
    hospitals = flow.who_pays_for(2024, "Hospital care")
    assert list(hospitals["payer"][:3]) == ["Private health insurance", "Medicare", "Medicaid"]
    assert hospitals["amount_billion"].iloc[0] == pytest.approx(558.936)
    assert hospitals["share"].sum() == pytest.approx(1.0)
    assert not hospitals["payer"].duplicated().any()
    drugs = flow.who_pays_for(2024, "Prescription drugs").set_index("payer")
    assert drugs.loc["Out of pocket", "amount_billion"] == pytest.approx(54.973)
    nursing = flow.who_pays_for(2024, "Nursing care facilities")
    assert nursing["payer"].iloc[0] == "Medicaid"
    equipment = flow.who_pays_for(2024, "Durable medical equipment")  # one of CMS's own rows works too
    assert equipment["amount_billion"].sum() == pytest.approx(86.359)  # CMS prints 86,358: rounding
    assert list(flow.who_pays_for(2024, "Investment")["payer"]) == ["Investment"]
    with pytest.raises(ValueError, match="unknown type of service 'Spa days'"):
        flow.who_pays_for(2024, "Spa days")


def test_views_per_person_and_share_of_gdp() -> None:
    total = flow.flow_model(2024).total_millions
    assert round(flow.to_measure(total, 2024, "per_person")) == 15474
    assert round(flow.to_measure(total, 2024, "share_gdp"), 3) == 0.180
    assert flow.to_measure(total, 2024, "share") == pytest.approx(1.0)
    assert flow.to_measure(total, 2024, "dollars") == pytest.approx(5278.588)
    assert round(flow.to_measure(flow.flow_model(2023).total_millions, 2023, "share_gdp"), 3) == 0.177
    assert flow.nhe_totals(2023).gdp_is_estimate and not flow.nhe_totals(2024).gdp_is_estimate
    assert "estimate" in flow.nhe_totals(2023).gdp_note
    with pytest.raises(ValueError, match="unknown measure"):
        flow.to_measure(1, 2024, "euros")


def test_tables_are_sorted_largest_first_in_every_measure() -> None:
    for measure in flow.MEASURES:
        table = flow.breakdown_table(2024, measure)
        for _, half in table.groupby("direction"):
            assert list(half["value"]) == sorted(half["value"], reverse=True)
        bands = flow.flow_table(2024, measure)
        assert list(bands["value"]) == sorted(bands["value"], reverse=True)
        assert bands["share"].sum() == pytest.approx(1.0)
    assert flow.format_measure(1644.593, "dollars") == "$1,644.6 B"
    assert flow.format_measure(0.31156, "share") == "31.2%"
    assert flow.format_measure(4821.07, "per_person") == "$4,821"


def test_explanation_and_text_alternative_name_their_source() -> None:
    text = flow.explain_health_dollar(2024).as_text()
    assert "$5,278.6 billion" in text and "CMS National Health Expenditure Accounts" in text
    alternative = flow.health_dollar_text(2024)
    assert "Private insurance: 31.2%" in alternative and "CMS NHE, 2026 release" in alternative
    assert "federal government financed 31%" in flow.SPONSOR_NOTE


def test_an_unbalanced_flow_is_refused() -> None:
    columns = (("A", "B"), ("M",), ("X", "Y"))
    bands = (Band("A", "M", 5), Band("B", "M", 5, 0), Band("M", "X", 6, 1), Band("M", "Y", 3, 1))
    with pytest.raises(ValueError, match=r"M \(column 2\) takes in 10 but pays out 9"):
        FlowModel(columns, bands)
    with pytest.raises(ValueError, match="joins nodes that are not in stage 0"):
        FlowModel((("A",), ("X",)), (Band("A", "Q", 1),))


def split(total: int, parts: int, cuts: list[int]) -> list[int]:
    """Split ``total`` into ``parts`` non-negative integers at the given cut points."""
    points = sorted(min(total, c % (total + 1)) for c in cuts[: parts - 1])
    edges = [0, *points, total]
    return [b - a for a, b in itertools.pairwise(edges)]


@st.composite
def random_flows(draw: st.DrawFn) -> FlowModel:
    sizes = draw(st.lists(st.integers(1, 6), min_size=2, max_size=4))
    columns = tuple(tuple(f"c{i}n{j}" for j in range(n)) for i, n in enumerate(sizes))
    amounts = draw(st.lists(st.integers(0, 10**7), min_size=sizes[0], max_size=sizes[0]))
    node_totals = dict(zip(columns[0], amounts, strict=True))
    bands: list[Band] = []
    for stage in range(len(columns) - 1):
        incoming = dict.fromkeys(columns[stage + 1], 0)
        for node in columns[stage]:
            cuts = draw(st.lists(st.integers(0, 10**8), min_size=len(columns[stage + 1])))
            for target, amount in zip(
                columns[stage + 1], split(node_totals[node], len(incoming), cuts), strict=True
            ):
                bands.append(Band(node, target, amount, stage))
                incoming[target] += amount
        node_totals = incoming
    return FlowModel(columns, tuple(bands))


@given(random_flows(), st.data())
def test_random_flows_balance_and_any_change_unbalances_them(model: FlowModel, data: st.DataObject) -> None:
    totals = {model.column_total(i) for i in range(len(model.columns))}
    assert len(totals) == 1
    for column in range(1, len(model.columns) - 1):
        for node in model.columns[column]:
            assert model.inflow(column, node) == model.outflow(column, node)
    if len(model.columns) < 3:
        return  # with two columns every set of bands balances by construction
    index = data.draw(st.integers(0, len(model.bands) - 1))
    changed = list(model.bands)
    band = changed[index]
    changed[index] = Band(band.source, band.target, band.amount_millions + 1, band.stage)
    assert conservation_problems(model.columns, changed) != []
