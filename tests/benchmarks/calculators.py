"""Per-calculator measurements for run.py: the core computation alone, and input change → chart repainted."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

CHANGES = 200
COMPUTE_REPEATS = 300


def _p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return round(ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))], 3)


def _time_calls(function: Callable[[int], Any], repeats: int = COMPUTE_REPEATS) -> float:
    function(0)  # warm caches (tables loaded once, modules imported)
    samples = []
    for i in range(repeats):
        start = time.perf_counter()
        function(i)
        samples.append((time.perf_counter() - start) * 1000)
    return _p95(samples)


def compute_functions() -> dict[str, Callable[[int], Any]]:
    """The core call each page makes on one input change, with the input varied per call like a slider drag."""
    from healthalloc.core.capitation import risk_score
    from healthalloc.core.claims import Plan, adjudicate
    from healthalloc.core.flow import health_dollar
    from healthalloc.core.reimbursement.compare import Scenario, comparison_columns, sweep_columns

    plan = Plan(1886, 0.2, 10600)
    allowed = [120.0, 2000.0, 350.0, 48000.0, 95.19, 640.0]
    return {
        "capitation": lambda i: risk_score(65 + i % 35, "F", ["HCC85", "HCC19", "HCC111"], model="V24"),
        # What the comparison tab computes per slider step: the table and the −30%…+30% sweep.
        "reimbursement": lambda i: (
            comparison_columns(scenario := Scenario(services_per_patient=2.0 + (i % 50) / 10)),
            sweep_columns(scenario),
        ),
        "money-flow": lambda i: health_dollar(2024 if i % 2 else 2023),
        "claim": lambda i: adjudicate(plan, [a * (1 + (i % 20) / 100) for a in allowed]),
    }


def _visible_chart(page: Any) -> Any:
    from healthalloc.ui.calc_base import ChartView

    charts = [c for c in page.findChildren(ChartView) if c.isVisible()]
    if not charts:
        raise RuntimeError(f"no visible chart on {page}")
    return charts[0]


def _slider_driver(page: Any) -> Callable[[int], None]:
    """Drag the first visible numeric slider of the page's visible input form across its range."""
    from healthalloc.ui.calc_base import InputForm

    for form in page.findChildren(InputForm):
        if not form.isVisible():
            continue
        for slider in form._sliders.values():
            if slider.isVisible():
                low, high = slider.minimum(), slider.maximum()
                span = high - low
                # A dragged slider: sweep up and down in steps big enough that every move changes the value.
                step = max(1, span // 40)

                def drive(i: int, s: Any = slider, low: int = low, span: int = span, step: int = step) -> None:
                    phase = (i * step) % (2 * span)
                    s.setValue(low + (phase if phase <= span else 2 * span - phase))

                return drive
    raise RuntimeError(f"no visible slider on {page}")


def _combo_driver(page: Any) -> Callable[[int], None]:
    from PySide6.QtWidgets import QComboBox

    combos = [c for c in page.findChildren(QComboBox) if c.isVisible() and c.count() > 1]
    combo = combos[0]
    return lambda i: combo.setCurrentIndex(i % combo.count())


def measure_calculators(session: Any) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    for page_id, function in compute_functions().items():
        figures.setdefault("calc_compute_ms_p95", {})[page_id] = _time_calls(function)
    for page_id in ("capitation", "reimbursement", "money-flow", "claim"):
        session.window.open_page(page_id)
        session.settle(5)
        page = session.window.stack.currentWidget()
        chart = _visible_chart(page)
        chart.draw_now()
        if page_id == "capitation":
            # Age as a student drags it: 65–100 (below 65 the aged segment does not apply and nothing redraws).
            age = page.member_form.editor("age")
            drive = lambda i, box=age: box.setValue(65 + (i * 3) % 36)  # noqa: E731
        else:
            try:
                drive = _slider_driver(page)
            except RuntimeError:
                drive = _combo_driver(page)
        canvas = chart.canvas
        samples = [session.paint_and_wait(canvas, lambda i=i, d=drive: d(i + 1)) for i in range(CHANGES)]
        figures.setdefault("calc_update_ms_p95", {})[page_id] = _p95(samples)
    return figures


def measure_search(session: Any) -> dict[str, Any]:
    """Keystroke → results shown, over 50 queries typed into the search popup (if the app has one)."""
    try:
        from healthalloc.ui.search_popup import SearchPopup
    except ImportError:
        return {"search_ms_p95": None}
    window = session.window
    window.show_search()  # the first call builds the index, as the student's first Ctrl+K does
    session.settle(3)
    popup = window.findChild(SearchPopup)
    field, results = popup.field, popup.results
    words = [
        "capitation",
        "coinsurance",
        "deductible",
        "medicare",
        "medicaid",
        "risk",
        "score",
        "hospital",
        "drg",
        "wage",
        "index",
        "bundle",
        "aco",
        "shared",
        "savings",
        "mips",
        "premium",
        "employer",
        "insurer",
        "provider",
        "pharmacy",
        "telehealth",
        "broadband",
        "hpsa",
        "fmap",
        "chip",
        "marketplace",
        "subsidy",
        "germany",
        "japan",
        "canada",
        "sweden",
        "china",
        "england",
        "nhs",
        "equity",
        "efficiency",
        "copay",
        "allowed",
        "network",
        "claim",
        "benchmark",
        "normalization",
        "coding",
        "hierarchy",
        "interaction",
        "payment",
        "policy",
        "macra",
        "aca",
        "value",
    ][:50]
    samples = []
    for word in words:
        field.clear()
        session.settle(1)
        samples.append(session.paint_and_wait(results.viewport(), lambda w=word: field.setText(w)))
    popup.hide()
    return {"search_ms_p95": _p95(samples), "search_queries": len(samples)}
