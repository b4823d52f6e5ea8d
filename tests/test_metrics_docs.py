"""docs/metrics.md names every metric, every setting and every ``revline metrics`` command."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

from revline.metrics import REGISTRY
from revline.settings import MetricSettings

DOC = (Path(__file__).resolve().parent.parent / "docs" / "metrics.md").read_text()


def test_every_metric_setting_and_command_is_documented() -> None:
    for name in REGISTRY:
        assert f"| `{name}` |" in DOC, name
    for field in fields(MetricSettings):
        assert f"| `{field.name}` |" in DOC, field.name
    for command in ("list", "explain", "validate", "compute"):
        assert f"revline metrics {command}" in DOC, command
