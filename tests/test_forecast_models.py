"""The open-deal probability models of the bookings forecast: cells, classifier and their blend.

Hand-computed: the shrunk cell rates of a ten-deal table and the classifier's pace features of
one deal. Properties: the classifier learns a pace effect planted in made-up snapshots, its
fit is deterministic and does not depend on row order, it stands down on thin data, and the
default ``blend`` is exactly the mean of the two models on a synthetic company.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pandas as pd
import pytest

from revline.analyses.forecast.bookings import BookingsSettings, fit_bookings
from revline.analyses.forecast.classifier import MIN_ROWS, features, fit_classifier, stage_ranks
from revline.analyses.forecast.contract import ForecastError
from revline.analyses.forecast.conversion import LEVELS, fit_rates
from revline.synth import generate
from revline.warehouse import Warehouse

STAGES = ["prospecting", "discovery", "solution", "proposal", "negotiation"]


def test_cell_rates_by_hand() -> None:
    # Ten deals, all alike but the stage: A has 3 wins in 4, B 1 in 6; k = 2 pseudo-deals.
    rows = [("A", True)] * 3 + [("A", False)] + [("B", True)] + [("B", False)] * 5
    train = pd.DataFrame({col: "x" for col in LEVELS}, index=range(10))
    train["stage"] = [r[0] for r in rows]
    train["won"] = [r[1] for r in rows]
    rates = fit_rates(train, "won", 2.0)
    assert rates.prior == pytest.approx(0.4)
    # Type level: (4 + 2 x 0.4) / (10 + 2) = 0.4. Stage A: (3 + 2 x 0.4) / (4 + 2) = 0.63333;
    # each finer level (six more, all one cell) shrinks towards the one above: r = (3 + 2r') / 6.
    assert rates.tables[1][("x", "A")] == pytest.approx(3.8 / 6)
    expected_a = 3.8 / 6
    for _ in range(len(LEVELS) - 2):
        expected_a = (3 + 2 * expected_a) / 6
    assert expected_a == pytest.approx(0.749840, abs=1e-6)
    probe = pd.DataFrame({col: "x" for col in LEVELS}, index=range(2))
    probe["stage"] = ["A", "C"]  # C was never seen: it takes the type level's rate
    got = rates.lookup(probe)
    assert got[0] == pytest.approx(expected_a)
    assert got[1] == pytest.approx(0.4)


def _snapshot(n: int, rng: np.random.Generator, at: date) -> pd.DataFrame:
    """Made-up open deals on ``at``: each reached its stage at its own pace (days per stage)."""
    cut = datetime(at.year, at.month, at.day, tzinfo=UTC)
    rank = rng.integers(1, 5, n)  # discovery .. negotiation
    pace = rng.uniform(5, 60, n)
    in_stage = rng.uniform(0, 1, n) * pace
    created = [
        cut - timedelta(days=float(p * r + s)) for p, r, s in zip(pace, rank, in_stage, strict=True)
    ]
    since = [cut - timedelta(days=float(s)) for s in in_stage]
    return pd.DataFrame(
        {
            "snapshot": at,
            "opportunity_type": "new",
            "stage": [STAGES[r] for r in rank],
            "segment": "smb",
            "lead_source": "marketing",
            "value": rng.uniform(1_000, 50_000, n),
            "created_at": pd.to_datetime(created, utc=True),
            "stage_since": pd.to_datetime(since, utc=True),
            "close_date": [(cut + timedelta(days=30)).date()] * n,
            "slips": 0,
            # Fast deals close within the window: the remaining stages at their pace fit in it.
            "won": (pace * (4 - rank) + (pace - in_stage)) < 45,
        }
    )


def _made_up_history(seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    days = [date(2025, 1, 1) + timedelta(days=14 * i) for i in range(10)]
    return pd.concat([_snapshot(120, rng, d) for d in days], ignore_index=True)


def test_features_by_hand() -> None:
    at = date(2024, 2, 1)
    deal = pd.DataFrame(
        {
            "opportunity_type": ["new"],
            "stage": ["proposal"],
            "segment": [None],
            "lead_source": ["partner"],
            "value": [99_999.0],
            "created_at": pd.to_datetime(["2024-01-01T00:00:00Z"]),
            "stage_since": pd.to_datetime(["2024-01-21T00:00:00Z"]),
            "close_date": [date(2024, 2, 11)],
            "slips": [1],
        }
    )
    ranks = {"prospecting": 1.0, "discovery": 2.0, "proposal": 3.0, "negotiation": 4.0}
    row = features(deal, at, ranks).iloc[0]
    assert row["segment"] == "unknown"
    assert row["age_days"] == pytest.approx(31)
    assert row["in_stage_days"] == pytest.approx(11)
    assert row["prior_days"] == pytest.approx(20)
    assert row["due_days"] == pytest.approx(10)
    assert row["log_value"] == pytest.approx(np.log(100_000.0))
    # Rank 3: two stages done in 20 days, 10 days a stage; two stages remain after this one
    # (ranks 4 and the close), so 10 x 2 days from stage entry, 11 of which have passed.
    assert row["pace"] == pytest.approx(10)
    assert row["projected_days"] == pytest.approx(10 * 2 - 11)


def test_stage_ranks_follow_the_days_to_reach_them() -> None:
    train = _made_up_history()
    ranks = stage_ranks(train)
    assert sorted(ranks, key=ranks.__getitem__) == STAGES[1:]


def test_classifier_learns_pace_deterministically_and_ignores_row_order() -> None:
    train = _made_up_history()
    clf = fit_classifier(train, {"won": train["won"]})
    rng = np.random.default_rng(7)
    probe = _snapshot(400, rng, date(2025, 6, 1))
    p = clf.predict(probe, date(2025, 6, 1), "won")
    assert p is not None
    y = probe["won"].to_numpy()
    assert p[y].mean() > 0.7 > 0.3 > p[~y].mean()
    again = fit_classifier(train, {"won": train["won"]}).predict(probe, date(2025, 6, 1), "won")
    assert again is not None
    np.testing.assert_array_equal(p, again)
    shuffled = train.sample(frac=1.0, random_state=3)
    other = fit_classifier(shuffled, {"won": shuffled["won"]}).predict(
        probe, date(2025, 6, 1), "won"
    )
    assert other is not None
    np.testing.assert_allclose(p, other, atol=1e-9)


def test_classifier_stands_down_on_thin_data() -> None:
    train = _made_up_history().head(MIN_ROWS - 1)
    clf = fit_classifier(train, {"won": train["won"]})
    assert clf.predict(train, date(2025, 6, 1), "won") is None
    one_sided = _made_up_history()
    clf = fit_classifier(one_sided, {"won": pd.Series(False, one_sided.index)})
    assert clf.predict(one_sided, date(2025, 6, 1), "won") is None


def test_classifier_fits_without_stage_history() -> None:
    """A CRM export without history (Maven) has no due dates and one stage: still fitted."""
    train = _made_up_history()
    train["close_date"] = None
    train["stage"] = "unknown"
    train["stage_since"] = train["created_at"]
    clf = fit_classifier(train, {"won": train["won"]})
    assert "due_days" not in clf.numeric and "pace" not in clf.numeric
    p = clf.predict(train.head(50), date(2025, 6, 1), "won")
    assert p is not None and np.isfinite(p).all()


def test_unknown_model_is_a_clear_error() -> None:
    with pytest.raises(ForecastError, match="model"):
        BookingsSettings(model="neural")


@pytest.fixture(scope="module")
def company(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Warehouse]:
    path = tmp_path_factory.mktemp("models") / "company.duckdb"
    with Warehouse.create(path) as wh:
        generate(wh, 6000, 30, seed=4)
    with Warehouse.open(path, read_only=True) as wh:
        yield wh


def test_blend_is_the_mean_of_cells_and_classifier(company: Warehouse) -> None:
    as_of = date(2025, 4, 1)
    fitted = {
        m: fit_bookings(company, as_of, BookingsSettings(model=m))
        for m in ("cells", "classifier", "blend")
    }
    deals = {m: f.open_deals.set_index("opportunity_id") for m, f in fitted.items()}
    assert len(deals["blend"]) > 50
    assert fitted["blend"].training_deals > MIN_ROWS
    cells, clf, blend = deals["cells"], deals["classifier"], deals["blend"]
    np.testing.assert_allclose(
        blend["p_current"], (cells["p_current"] + clf["p_current"]) / 2, atol=1e-12
    )
    # The classifier brings its own information: the models disagree on some deals.
    assert np.abs(cells["p_current"] - clf["p_current"]).max() > 0.05
    for frame in deals.values():
        for col in ("p_current", "p_next", "p_win"):
            assert frame[col].between(0, 1).all()
        assert (frame["p_win"] >= frame["p_current"]).all()
