"""Tables without pandas: the core Table, its CSV reader, and the pages that show every number without pandas."""

from __future__ import annotations

import math
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from healthalloc.core.table import Table, read_csv

ROOT = Path(__file__).resolve().parent.parent


def test_a_table_reads_like_a_dataframe_and_makes_one() -> None:
    table = Table.from_columns({"region": ["North", "South"], "people": [10, 0], "per_person": [2.5, math.nan]})
    assert len(table) == 2 and table["people"] == [10, 0]
    assert table.rows[1] == ("South", 0, None)  # NaN is stored as an empty cell
    assert table == Table(("region", "people", "per_person"), (("North", 10, 2.5), ("South", 0, float("nan"))))
    frame = table.to_frame()
    assert list(frame.columns) == ["region", "people", "per_person"]
    assert str(frame["people"].dtype) == "int64" and str(frame["per_person"].dtype) == "float64"
    assert math.isnan(frame["per_person"].iloc[1])
    assert table.select(["per_person", "region"]).columns == ("per_person", "region")
    assert table.with_column("people", [1, 2])["people"] == [1, 2]
    assert table.rename({"people": "Population"}).columns == ("region", "Population", "per_person")
    with pytest.raises(ValueError, match="3 values for 2 columns"):
        Table(("a", "b"), ((1, 2, 3),))


def test_the_text_alternative_shows_empty_cells_as_a_dash() -> None:
    text = Table(("model", "margin"), (("Capitation", 1234.5), ("Fee-for-service", None))).to_text()
    assert text.splitlines() == ["          model margin", "     Capitation 1234.5", "Fee-for-service      —"]
    assert "nan" not in text.lower()


def test_read_csv_types_columns_as_pandas_does(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text('year,name,amount,share,note\n2024,"A, Inc.",10,1.5,\n2023,B,,2,text\n', "utf-8")
    header, rows = read_csv(path)
    frame = pd.read_csv(path)
    assert header == tuple(frame.columns)
    for row, (_index, expected) in zip(rows, frame.iterrows(), strict=True):
        for column in header:
            got, want = row[column], expected[column]
            if isinstance(want, float) and math.isnan(want):
                assert isinstance(got, float) and math.isnan(got), column
            else:
                assert got == want and type(got).__name__ in ("int", "float", "str"), column
    assert isinstance(rows[0]["year"], int) and isinstance(rows[0]["amount"], float)


def test_every_page_and_tab_shows_its_numbers_without_pandas(tmp_path: Path) -> None:
    """pandas costs about 55 MB resident in the app: opening every page, and every tab of the calculators, must
    not import it (the DataFrame API of core is for notebooks and exports)."""
    code = (
        "import sys\n"
        "from PySide6.QtWidgets import QTabWidget\n"
        "from healthalloc.ui.application import build_context, ensure_app\n"
        "from healthalloc.ui.lesson_browser import LessonBrowser\n"
        "from healthalloc.ui.main_window import MainWindow\n"
        "app = ensure_app()\n"
        "window = MainWindow(build_context(), restore=False)\n"
        "window.show()\n"
        "for page_id in window.page_ids():\n"
        "    window.open_page(page_id)\n"
        "    app.processEvents()\n"
        "    page = window.stack.currentWidget()\n"
        "    for browser in page.findChildren(LessonBrowser):\n"
        "        browser.draw_pending_charts()\n"
        "        assert all('could not be drawn' not in t for t in browser.chart_text.values()), page_id\n"
        "    for tabs in page.findChildren(QTabWidget):\n"
        "        for index in range(tabs.count()):\n"
        "            tabs.setCurrentIndex(index)\n"
        "            app.processEvents()\n"
        "    if 'pandas' in sys.modules:\n"
        "        sys.exit(f'pandas imported by {page_id}')\n"
        "from matplotlib.figure import Figure\n"
        "from healthalloc.core.figures import CHARTS, draw_chart\n"
        "for chart_id in CHARTS:  # every lesson chart, whether or not its lesson painted above\n"
        "    draw_chart(chart_id, Figure(), window.ctx.theme)\n"
        "    if 'pandas' in sys.modules:\n"
        "        sys.exit(f'pandas imported by the lesson chart {chart_id}')\n"
        "window.close()\n"
    )
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "desktop"),
        "QT_QPA_PLATFORM": "offscreen",
        "HEALTHALLOC_DATA_DIR": str(tmp_path),
    }
    env.pop("MPLBACKEND", None)
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env, timeout=240
    )
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
