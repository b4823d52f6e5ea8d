"""SLA files and breakdown names are validated with errors that name what is wrong; the
lifecycle expressions compile for the engines revline targets beyond DuckDB."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import ibis
import pytest

from revline.analyses.seams import flow_rows, load_slas, out_of_order, skips
from revline.analyses.seams.sla_config import KINDS, parse_slas
from revline.errors import ConfigError
from revline.warehouse import Warehouse


def test_the_built_in_file_declares_every_kind() -> None:
    slas = load_slas()
    assert {s.kind for s in slas.slas} == set(KINDS)
    assert all(s.description for s in slas.slas)


def test_every_problem_is_reported_at_once() -> None:
    raw = {
        "slas": {
            "fr": {"kind": "first_response", "within_hours": -1},
            "q": {"kind": "lead_quality", "min_rate": 1.5, "min_rat": 0.2},
            "g": {"kind": "go_lve", "within_days": 3},
            "h": {"kind": "handoff"},
            "v": {"kind": "lead_volume", "min_per_month": True},
        },
        "extra": 1,
    }
    with pytest.raises(ConfigError) as caught:
        parse_slas(raw, "team.yaml")
    text = str(caught.value)
    assert "SLA file team.yaml has 7 problem(s)" in text
    assert "slas.fr.within_hours: got -1, expected a number at least 0" in text
    assert "slas.q.min_rate: got 1.5, expected a number between 0 and 1" in text
    assert "Did you mean 'min_rate'?" in text
    assert "slas.g.kind: Unknown SLA kind 'go_lve'. Did you mean 'go_live'?" in text
    assert "slas.h.within_days: missing; kind handoff needs it" in text
    assert "slas.v.min_per_month: got True" in text
    assert "Unknown top-level key 'extra'" in text


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("slas: [1, 2]", "expected a mapping of SLA name -> settings"),
        ("- a\n- b\n", "expected a mapping with a `slas:` key"),
        ("slas: {a: {kind: handoff, within_days: 3}", "is not valid YAML"),
    ],
)
def test_malformed_files(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "slas.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=r"slas\.yaml") as caught:
        load_slas(path)
    assert message in str(caught.value)


def test_a_missing_file_says_how_to_fix_it(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found") as caught:
        load_slas(tmp_path / "nope.yaml")
    assert caught.value.hint is not None and "--slas" in caught.value.hint


def test_attribute_breakdown_needs_a_key(wh: Warehouse) -> None:
    with pytest.raises(ConfigError, match="names no attribute"):
        flow_rows(wh, "mql", "sal", by=["attr:"], as_of=date(2025, 1, 1))
    with pytest.raises(ConfigError, match="a name the funnel already uses"):
        flow_rows(wh, "mql", "sal", by=["attr:amount"], as_of=date(2025, 1, 1))
    with pytest.raises(ConfigError, match="repeats"):
        flow_rows(wh, "mql", "sal", by=["segment", "segment"], as_of=date(2025, 1, 1))


@pytest.mark.parametrize("dialect", ["postgres", "snowflake"])
def test_lifecycle_compiles_for_other_engines(wh: Warehouse, dialect: str) -> None:
    exprs = [
        skips(wh),  # journeys and events inside
        out_of_order(wh),
        flow_rows(wh, "mql", "closed_won", by=["attr:origin", "owner"], as_of=date(2025, 1, 1)),
    ]
    for expr in exprs:
        assert "SELECT" in ibis.to_sql(expr, dialect=dialect).upper()
