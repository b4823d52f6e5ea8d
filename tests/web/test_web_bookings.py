"""The forecast accuracy page's actual for a quarter is the sales page's bookings for it."""

from __future__ import annotations

from decimal import Decimal

from web_helpers import WebSetup


def test_accuracy_actual_is_the_sales_pages_bookings(web: WebSetup) -> None:
    with web.client() as client:
        accuracy = client.get("/api/forecast_accuracy", headers=web.auth("chief")).json()
        table = next(t for t in accuracy["tables"] if t["id"] == "accuracy_quarters")
        assert table["rows"]
        for row in table["rows"]:
            quarter = row["quarter"]["value"]
            sales = client.get(f"/api/sales?period={quarter}", headers=web.auth("chief")).json()
            bookings = next(f for f in sales["figures"] if f["id"] == "bookings")
            assert Decimal(row["actual"]["value"]) == Decimal(bookings["value"]), quarter
    assert any("same figure" in note for note in sales["notes"])
    assert any("Sales page" in note for note in accuracy["notes"])
