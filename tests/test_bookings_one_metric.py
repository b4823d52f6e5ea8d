"""Bookings is one metric: the forecast backtest's actual is the registry's ``bookings``.

On a company with deals in EUR, GBP, CAD and AUD, the forecast accuracy page used to score
against its own sum (each deal at the as-of date's exchange rate: 3,701,047.09 for the quarter
starting 2025-10-01 of the 20,000-account demo) while the sales page showed the registry's
bookings (each deal at its close month's rate: 3,686,417.76). The backtest now reads the
registry, and the two pages show the same figure for the same quarter.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from revline.analyses.forecast.backtest import backtest
from revline.analyses.forecast.bookings import BookingsSettings
from revline.analyses.forecast.contract import ForecastError
from revline.analyses.forecast.periods import quarter_label
from revline.metrics import compute
from revline.metrics.gtm_frame import GtmSettings
from revline.synth import generate
from revline.warehouse import Warehouse


@pytest.fixture(scope="module")
def company(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("bookings") / "company.duckdb"
    with Warehouse.create(path) as wh:
        generate(wh, 1500, 24, seed=3)
    return path


def test_backtest_actual_is_the_registry_bookings(company: Path) -> None:
    with Warehouse.open(company, read_only=True) as wh:
        currencies = set(
            wh.con.execute("SELECT DISTINCT currency FROM opportunities").df()["currency"]
        )
        result = backtest(
            wh, rng=np.random.default_rng(0), start=date(2025, 7, 1), methods=["run_rate"]
        )
        settings = GtmSettings(as_of=result.end - pd.Timedelta(days=1))
        bookings = compute("bookings", "quarter", warehouse=wh, settings=settings)
    assert currencies - {"USD"}, "the test company must have deals in other currencies"
    registry = dict(zip(bookings["period"], bookings["value"], strict=True))
    rows = result.forecasts.drop_duplicates("quarter")
    assert len(rows) == 2
    for row in rows.itertuples():
        expected = registry[quarter_label(row.quarter)]
        assert Decimal(str(row.actual)) == expected, row


def test_backtest_refuses_other_types(company: Path) -> None:
    with (
        Warehouse.open(company, read_only=True) as wh,
        pytest.raises(ForecastError, match="bookings"),
    ):
        backtest(
            wh,
            rng=np.random.default_rng(0),
            settings=BookingsSettings(types=("new",)),
            methods=["run_rate"],
        )
