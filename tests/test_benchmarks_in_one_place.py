"""Benchmarks live in the metric declarations only: no threshold constant anywhere else.

The scorecard's status, the report's readings, diagnose's below-benchmark findings and the
dashboard read :attr:`revline.metrics.core.Metric.benchmark`; a threshold written again outside
``src/revline/metrics/`` (``*_BENCHMARK = ...``, ``green=``/``amber=``, ``GRR_BAND``) fails here.
"""

from __future__ import annotations

import re
from pathlib import Path

from revline.metrics import REGISTRY
from revline.metrics.core import Benchmark

SRC = Path(__file__).resolve().parent.parent / "src" / "revline"
PATTERNS = (
    re.compile(r"^\s*[A-Z_]*BENCHMARK[A-Z_]*\s*[:=]", re.M),
    re.compile(r"^\s*(NRR|GRR|CAC|PAYBACK|LTV|COVERAGE|WIN_RATE|QUOTA)_[A-Z_]+\s*=\s*[-\d.]", re.M),
    re.compile(r"\b(green|amber|ceiling)\s*=\s*[-\d.]"),
    re.compile(r"\bHeadline\([^)]*\d\.\d"),
)


def offenders(root: Path = SRC) -> list[str]:
    """``file:line: text`` of every threshold written outside the metric declarations."""
    out = []
    for path in sorted(root.rglob("*.py")):
        if (root / "metrics") in path.parents:
            continue
        text = path.read_text()
        found: dict[int, str] = {}
        for pattern in PATTERNS:
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.setdefault(line, match.group(0).strip())
        out.extend(f"{path.relative_to(root)}:{n}: {t}" for n, t in sorted(found.items()))
    return out


def test_no_threshold_outside_the_metric_declarations() -> None:
    assert offenders() == []


def test_the_grep_finds_a_planted_constant(tmp_path: Path) -> None:
    (tmp_path / "metrics").mkdir()
    (tmp_path / "metrics" / "ok.py").write_text("X = Benchmark(green=1.0, amber=0.5)\n")
    (tmp_path / "report.py").write_text(
        "PAYBACK_BENCHMARK = 12\nb = dict(green=3.0)\nGRR_FLOOR = 0.85\nTENURE_BANDS = (1, 2)\n"
    )
    assert offenders(tmp_path) == [
        "report.py:1: PAYBACK_BENCHMARK =",
        "report.py:2: green=3",
        "report.py:3: GRR_FLOOR = 0",
    ]


def test_every_rated_benchmark_is_structured() -> None:
    rated = {n: m.benchmark for n, m in REGISTRY.items() if m.benchmark and m.benchmark.green}
    assert {"nrr", "grr", "cac_payback_months", "ltv_cac", "win_rate", "pipeline_coverage"} <= set(
        rated
    )
    for benchmark in rated.values():
        assert isinstance(benchmark, Benchmark) and benchmark.amber is not None
        assert benchmark.source and benchmark.year >= 2000
