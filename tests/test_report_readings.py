"""The one-line readings are generated from the figures: different figures, different words.

Hand-made figures where the driver is known: churn doubling drives a net-new slowdown; new
bookings collapsing drives it instead; CAC rises because spend rose or because customers fell.
"""

from __future__ import annotations

from revline.report.readings import moved, points, sentence
from revline.report.sections import efficiency, retention, revenue, sales
from revline.report.sections.scorecard import reading
from revline.scorecard import Line

BEFORE = {
    "net_new_mrr": 1000.0,
    "new_mrr": 1500.0,
    "expansion_mrr": 200.0,
    "reactivation_mrr": 50.0,
    "contraction_mrr": 250.0,
    "churned_mrr": 500.0,
}


def test_words_follow_the_numbers() -> None:
    assert moved(200, 100) == "doubled" and moved(190, 100) == "nearly doubled"
    assert moved(50, 100) == "halved" and moved(88, 100) == "fell 12%"
    assert moved(100.2, 100) == "held level" and moved(1, None) == "has no comparable prior figure"
    assert moved(400, 100) == "rose 4.0-fold"
    assert points(0.905, 0.955) == "fell 5.0 points"
    assert sentence("a", "", "b") == "A; b."


def test_revenue_reading_names_churn_when_churn_drove_the_slowdown() -> None:
    now = {**BEFORE, "churned_mrr": 1000.0, "net_new_mrr": 500.0}
    text = revenue.reading(now, BEFORE, "quarter")
    assert text.startswith("Net new MRR halved QoQ to 500 as churned MRR doubled (500 → 1,000)")
    assert "retention, not bookings, drove the slowdown" in text


def test_revenue_reading_names_bookings_when_new_business_drove_it() -> None:
    now = {**BEFORE, "new_mrr": 900.0, "net_new_mrr": 400.0}
    text = revenue.reading(now, BEFORE, "month")
    assert "MoM" in text and "new MRR fell 40% (1,500 → 900)" in text
    assert "bookings, not retention, drove the slowdown" in text
    better = revenue.reading(
        {**BEFORE, "churned_mrr": 100.0, "net_new_mrr": 1400.0}, BEFORE, "year"
    )
    assert "better retention, not bookings, drove the gain" in better


def test_retention_reading_splits_losses_from_expansion() -> None:
    before = {"nrr": 1.05, "grr": 0.92, "logo_retention": 0.9, "customer_churn_rate": 0.1}
    losses = {**before, "nrr": 0.99, "grr": 0.86}
    text = retention.reading(losses, before, ("smb", 0.7, 0.8), "quarter")
    assert "churn and contraction, not expansion, moved it" in text
    assert "below 100%" in text and "weakest segment smb: GRR 70.0% (fell 10.0 points)" in text
    expansion = {**before, "nrr": 1.12, "grr": 0.92}
    assert "stronger expansion moved it" in retention.reading(expansion, before, None, "quarter")


def test_efficiency_reading_finds_the_cause_of_cac() -> None:
    before = {
        "cac": 10_000.0,
        "sm_spend": 100_000.0,
        "new_customers": 10.0,
        "cac_payback_months": 10.0,
    }
    spend = {**before, "cac": 15_000.0, "sm_spend": 150_000.0, "cac_payback_months": 15.0}
    text = efficiency.reading(spend, before, "quarter")
    assert "as S&M spend rose 50% (100,000 → 150,000)" in text and "beyond the 12-month" in text
    fewer = {**before, "cac": 20_000.0, "new_customers": 5.0, "cac_payback_months": 8.0}
    text = efficiency.reading(fewer, before, "quarter")
    assert "as new customers halved (10 → 5)" in text and "within the 12-month" in text


def test_sales_reading_splits_volume_from_deal_size() -> None:
    before = {
        "bookings": 100_000.0,
        "avg_deal_size": 10_000.0,
        "deals_won": 10.0,
        "win_rate": 0.3,
        "pipeline_coverage": 3.5,
    }
    volume = {
        **before,
        "bookings": 50_000.0,
        "deals_won": 5.0,
        "win_rate": 0.2,
        "pipeline_coverage": 2.0,
    }
    text = sales.reading(volume, before, "quarter")
    assert "on 5 deals won against 10" in text and "volume, not deal size" in text
    assert "below the 3x benchmark" in text
    size = {**before, "bookings": 80_000.0, "avg_deal_size": 8_000.0}
    text = sales.reading(size, before, "quarter")
    assert "average deal size fell 20% to 8,000: deal size, not volume, moved it" in text
    assert "at or above the 3x benchmark" in text


def line(label: str, value: float | None, prior: float | None, status: str) -> Line:
    return Line(
        label.lower(),
        label,
        "ratio",
        value,
        prior,
        None,
        None,
        None,
        "",
        "",
        status,
        "",
        "Owner (CRO)",
    )


def test_scorecard_reading_counts_red_lines_and_names_the_worsening() -> None:
    lines = (
        line("ARR", None, None, "n/a"),
        line("NRR", 0.90, 0.95, "red"),
        line("GRR", 0.80, 0.81, "red"),
        line("Win rate", 0.30, 0.20, "green"),
    )
    text = reading(lines, "quarter")
    assert "2 of 3 rated headline metrics are red, and getting worse: NRR fell 5.0 points" in text
    steady = (line("NRR", 0.90, 0.90, "red"), line("Win rate", 0.3, 0.2, "green"))
    assert "none worsened QoQ" in reading(steady, "quarter")
    first = (line("NRR", 0.90, None, "red"), line("GRR", 0.9, None, "green"))
    assert reading(first, "quarter") == "1 of 2 rated headline metrics are red."
    assert reading((line("GRR", 0.9, 0.8, "green"),), "month") == (
        "None of 1 rated headline metrics is red."
    )
