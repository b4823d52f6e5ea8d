"""Charts render offline to SVG, deterministically, in one palette, and refuse bad input."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest

from revline import charts
from revline.charts import ChartError, to_svg

QUARTERS = ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"]
ARR = pd.DataFrame(
    {"period": QUARTERS, "value": [Decimal("100000.10"), Decimal("120000"), None, Decimal("9e4")]}
)
RETENTION = pd.DataFrame(
    {
        "period": QUARTERS * 2,
        "metric": ["NRR"] * 4 + ["GRR"] * 4,
        "value": [1.05, 1.02, 0.98, 1.1, 0.93, 0.9, 0.88, 0.91],
    }
)
COHORTS = pd.DataFrame(
    {
        "period": ["2025-Q1"] * 3 + ["2025-Q2"] * 2,
        "months_since_start": [0, 1, 2, 0, 1],
        "value": [1.0, 0.92, 0.85, 1.0, 0.97],
    }
)
BARS = pd.DataFrame(
    {
        "segment": ["smb", "smb", "enterprise", "enterprise"],
        "period": ["2025-Q3", "2025-Q4"] * 2,
        "value": [Decimal("12000"), Decimal("14000"), Decimal("90000"), Decimal("80000")],
    }
)
STEPS = {
    "start": Decimal("1000"),
    "new": Decimal("200"),
    "expansion": Decimal("50"),
    "reactivation": Decimal("10"),
    "contraction": Decimal("30"),
    "churn": Decimal("80"),
    "end": Decimal("1150"),
}


def every_chart() -> dict[str, object]:
    return {
        "arr_trend": charts.arr_trend(ARR),
        "bridge_waterfall": charts.bridge_waterfall(STEPS),
        "retention_trend": charts.retention_trend(RETENTION),
        "cohort_heatmap": charts.cohort_heatmap(COHORTS),
        "grouped_bars": charts.grouped_bars(BARS, "segment", "period"),
        "line_chart": charts.line_chart(RETENTION, series="metric", unit="ratio"),
        "bar_chart": charts.bar_chart(ARR),
    }


@pytest.fixture(scope="module")
def svgs() -> dict[str, str]:
    return {name: to_svg(chart) for name, chart in every_chart().items()}


def test_every_chart_renders_to_inline_svg(svgs: dict[str, str]) -> None:
    for name, svg in svgs.items():
        assert svg.startswith("<svg"), name
        assert svg.rstrip().endswith("</svg>"), name
        assert "<?xml" not in svg, name
        # nothing to fetch: no scripts, no external images or fonts
        assert "<script" not in svg and "<image" not in svg and "@import" not in svg, name
        assert 'href="http' not in svg, name


def test_same_data_gives_the_same_svg(svgs: dict[str, str]) -> None:
    again = {name: to_svg(chart) for name, chart in every_chart().items()}
    assert again == svgs


def test_one_palette(svgs: dict[str, str]) -> None:
    primary = charts.PALETTE[0]
    assert primary in svgs["arr_trend"]
    assert primary in svgs["bridge_waterfall"]  # the balances
    assert (
        charts.POSITIVE in svgs["bridge_waterfall"] and charts.NEGATIVE in svgs["bridge_waterfall"]
    )
    assert primary in svgs["grouped_bars"] and charts.PALETTE[1] in svgs["grouped_bars"]


def test_waterfall_floats_from_the_running_total() -> None:
    spec = charts.bridge_waterfall(STEPS).to_dict()
    data = next(iter(spec["datasets"].values()))
    bars = {row["step"]: (row["low"], row["high"]) for row in data}
    assert bars["start"] == (0.0, 1000.0)
    assert bars["new"] == (1000.0, 1200.0)
    assert bars["reactivation"] == (1200.0, 1210.0)  # the bridge order: new, reactivation, ...
    assert bars["expansion"] == (1210.0, 1260.0)
    assert bars["churn"] == (1150.0, 1230.0)
    assert bars["end"] == (0.0, 1150.0)
    assert [row["step"] for row in data] == [name for name, _ in charts.WATERFALL_STEPS]


def test_missing_columns_and_steps_are_refused() -> None:
    with pytest.raises(ChartError, match=r"missing \['value'\]"):
        charts.arr_trend(pd.DataFrame({"period": ["2025-Q1"], "amount": [1]}))
    with pytest.raises(ChartError, match="got no rows"):
        charts.line_chart(ARR.iloc[0:0])
    with pytest.raises(ChartError, match=r"missing \['churn', 'end'\]"):
        charts.bridge_waterfall({k: v for k, v in STEPS.items() if k not in ("churn", "end")})


def test_number_formats_follow_the_unit() -> None:
    assert charts.number_format("ratio") == ".0%"
    assert charts.number_format("currency") == ",.3~s"
    assert charts.number_format("something else") == ",.4~g"
