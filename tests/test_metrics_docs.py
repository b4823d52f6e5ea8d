"""docs/metrics.md names every metric, every setting and every ``revline metrics`` command."""

from __future__ import annotations

from dataclasses import fields, replace
from pathlib import Path

from conftest import CliRunnerFn
from revline.metrics import REGISTRY
from revline.settings import MetricSettings

DOC = (Path(__file__).resolve().parent.parent / "docs" / "metrics.md").read_text()


def test_every_metric_setting_and_command_is_documented() -> None:
    for name in REGISTRY:
        assert f"| `{name}` |" in DOC, name
    for field in fields(MetricSettings):
        assert f"| `{field.name}` |" in DOC, field.name
    for command in ("list", "explain", "validate", "compute", "docs"):
        assert f"revline metrics {command}" in DOC, command


def test_the_metric_tables_are_generated_from_the_registry(tmp_path: Path) -> None:
    from revline.metrics.docs import DOCUMENTS, render, stale

    docs = Path(__file__).resolve().parent.parent / "docs"
    assert stale(docs, REGISTRY) == [], "regenerate: revline metrics docs --write"
    for name in DOCUMENTS:
        assert "<!-- generated: " in (docs / name).read_text(), name
    # a drifted copy is caught: a hand edit inside a generated block, or a metric changed
    (tmp_path / "metrics.md").write_text(
        (docs / "metrics.md").read_text().replace("| `arr` | derived", "| `arr` | simple")
    )
    (tmp_path / "gtm-metrics.md").write_text((docs / "gtm-metrics.md").read_text())
    assert stale(tmp_path, REGISTRY) == ["metrics.md"]
    changed = {**REGISTRY, "win_rate": replace(REGISTRY["win_rate"], formula="won / closed")}
    text = (docs / "gtm-metrics.md").read_text()
    assert render(text, changed) != text
    assert "| `win_rate` | won / (won + lost), deals closed in the period |" in text


def test_cli_docs_check(revline_cli: CliRunnerFn) -> None:
    result = revline_cli("metrics", "docs")
    assert result.exit_code == 0, result.output
    assert "match the registry" in result.stdout
