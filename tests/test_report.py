"""The board report: self-contained HTML, every section, figures equal to the registry's, a
PDF whose pages render to non-empty PNGs, and clear errors for bad periods and a missing PDF
engine. One small synthetic company (2,000 accounts, 24 months) is built once for the module.
"""

from __future__ import annotations

import math
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import CliRunnerFn
from revline.errors import ConfigError
from revline.metrics.api import compute_many
from revline.report import (
    SECTIONS,
    Report,
    ReportError,
    SectionContent,
    build_report,
    make_context,
    register_section,
    render_html,
    render_pdf,
    selected,
)
from revline.synth import generate
from revline.warehouse import Warehouse

BUILT_IN = ("scorecard", "revenue", "retention", "efficiency", "sales")
PERIOD = "2025-Q4"
PANGO = "libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0"
pytestmark = pytest.mark.slow  # one 2,000-account company and its report, built once (~15 s)


@pytest.fixture(scope="module")
def company(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Warehouse]:
    path = tmp_path_factory.mktemp("report") / "company.duckdb"
    with Warehouse.create(path) as wh:
        generate(wh, accounts=2000, months=24, seed=11)
    wh = Warehouse.open(path, read_only=True)
    yield wh
    wh.close()


@pytest.fixture(scope="module")
def report(company: Warehouse) -> Report:
    # the built-in sections only: sections other parts add are tested (and paid for) there
    return build_report(company, PERIOD, list(BUILT_IN))


@pytest.fixture(scope="module")
def html(report: Report) -> str:
    return render_html(report)


class Tagged(HTMLParser):
    """Collects the elements that carry a registry figure, and each section's reading."""

    def __init__(self) -> None:
        super().__init__()
        self.figures: list[dict[str, str]] = []
        self.sections: list[str] = []
        self.readings: list[str] = []
        self._in_reading = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if "data-metric" in a:
            self.figures.append(a)
        if "data-section" in a:
            self.sections.append(a["data-section"])
        self._in_reading = tag == "p" and a.get("class") == "reading"

    def handle_data(self, data: str) -> None:
        if self._in_reading:
            self.readings.append(data.strip())
            self._in_reading = False


def parsed(html: str) -> Tagged:
    parser = Tagged()
    parser.feed(html)
    return parser


def test_html_is_self_contained(html: str) -> None:
    assert html.startswith("<!DOCTYPE html>")
    for pattern in (r"\bsrc\s*=", r"<script", r"<link", r"@import", r"<iframe", r"<object"):
        assert not re.search(pattern, html, re.IGNORECASE), pattern
    # every href and url() points inside the document
    assert all(h.startswith("#") for h in re.findall(r'href="([^"]*)"', html))
    assert all(u.startswith("#") for u in re.findall(r"url\(([^)]*)\)", html))
    # the only http(s) text is SVG namespace names, which are never fetched
    for m in re.finditer(r"https?://[^\s\"'<>)]+", html):
        before = html[max(0, m.start() - 16) : m.start()]
        assert "xmlns" in before, f"external reference {m.group(0)!r}"
    assert html.count("<svg") >= 7  # waterfall, ARR, NRR/GRR, cohorts, 2 efficiency, 2 sales


def test_every_section_is_there_with_a_reading(html: str, report: Report) -> None:
    tags = parsed(html)
    assert tags.sections == list(BUILT_IN)
    # other parts add sections; the built-ins keep their places among them
    registered = [section.name for section in selected(None)]
    assert [name for name in registered if name in BUILT_IN] == list(BUILT_IN)
    assert len(tags.readings) == len(tags.sections)
    for page, reading in zip(report.pages, tags.readings, strict=True):
        assert len(reading) > 40 and reading.endswith("."), (page.name, reading)
    revenue = next(p.content for p in report.pages if p.name == "revenue")
    net_new = next(f for f in revenue.figures if f.metric == "net_new_mrr")
    # the reading is generated from the figures: it quotes the net new MRR figure
    assert f"{net_new.value:,.0f}" in revenue.reading


def test_figures_equal_the_registry(html: str, company: Warehouse) -> None:
    ctx = make_context(company, PERIOD)
    figures = [f for f in parsed(html).figures if f["data-metric"]]
    assert len(figures) >= 40
    wanted: dict[tuple[str, str | None], set[str]] = {}
    for f in figures:
        key = (f["data-period"] or PERIOD, f["data-by"] or None)
        wanted.setdefault(key, set()).add(f["data-metric"])
    registry = {
        key: compute_many(sorted(names), key[0], key[1], warehouse=company, settings=ctx.settings)
        for key, names in wanted.items()
    }
    for f in figures:
        period, by = f["data-period"] or PERIOD, f["data-by"] or None
        frame = registry[(period, by)][f["data-metric"]]
        rows = frame[frame["period"] == period]
        if by:
            rows = rows[rows[by] == f["data-by-value"]]
        expected = rows["value"].iloc[0] if len(rows) else None
        if expected is None or (isinstance(expected, float) and math.isnan(expected)):
            assert f["data-value"] == "", f
            continue
        assert math.isclose(float(f["data-value"]), float(expected), rel_tol=1e-12), f


def test_bridge_reconciles(report: Report) -> None:
    revenue = next(p.content for p in report.pages if p.name == "revenue")
    figures = {f.label: f.value for f in revenue.figures}
    start = figures["MRR at the end of 2025-Q3"] or 0.0
    end = figures["MRR at the end of 2025-Q4"] or 0.0
    moves = (
        figures["New MRR"] or 0.0,
        figures["Expansion MRR"] or 0.0,
        figures["Reactivation MRR"] or 0.0,
        -(figures["Contraction MRR"] or 0.0),
        -(figures["Churned MRR"] or 0.0),
    )
    assert round(start + sum(moves), 2) == round(end, 2)


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_pdf_pages_render_to_non_empty_pngs(html: str, tmp_path: Path) -> None:
    from PIL import Image

    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(render_pdf(html))
    assert pdf.read_bytes().startswith(b"%PDF")
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(pdf), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page*.png"))
    assert len(pages) >= len(BUILT_IN)  # each section starts a page
    for page in pages:
        image = Image.open(page).convert("L")
        counts = image.histogram()  # pixels per grey level, 0 (black) to 255 (white)
        inked = sum(counts[:240]) / sum(counts)
        assert inked > 0.005, f"{page.name} is blank ({inked:.2%} non-white)"


def test_missing_pdf_engine_names_the_packages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # import fails as without Pango
    with pytest.raises(ReportError, match=re.escape(PANGO)):
        render_pdf("<p>x</p>")


@pytest.mark.parametrize(
    ("period", "message"),
    [
        ("2025Q4", "Cannot read period '2025Q4'"),
        ("2026-Q1", "ends after the data: the last day of data is 2025-12-31"),
        ("2009", "starts before the data"),  # the opening book starts 8 years before 2024
    ],
)
def test_bad_periods_are_refused(company: Warehouse, period: str, message: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(message)):
        make_context(company, period)


def test_a_section_added_elsewhere_is_built(company: Warehouse) -> None:
    def build(ctx: object) -> SectionContent:
        from revline.report import ReportContext

        assert isinstance(ctx, ReportContext)
        arr = ctx.value("arr")
        return SectionContent(f"ARR is {arr:,.0f} in {ctx.period.label}.")

    register_section("test_extra", "Extra", build, order=99)
    try:
        with pytest.raises(ConfigError, match="already registered"):
            register_section("test_extra", "Extra", lambda ctx: SectionContent("x"))
        built = build_report(company, PERIOD, ["test_extra"])
        assert [p.name for p in built.pages] == ["test_extra"]
        assert built.pages[0].content.reading.startswith("ARR is ")
        assert 'data-section="test_extra"' in render_html(built)
    finally:
        SECTIONS.unregister("test_extra")


def test_cli_writes_the_report(
    company: Warehouse, tmp_path: Path, revline_cli: CliRunnerFn
) -> None:
    target = tmp_path / "out" / "board.html"
    done = revline_cli(
        "report", "-w", company.path, "-p", PERIOD, "--sections", "revenue", "-o", str(target)
    )
    assert done.exit_code == 0, done.output
    assert f"Report written to {target}" in done.stdout.replace("\n", "")
    assert 'data-section="revenue"' in target.read_text()
    for args, expected in (
        (("-p", "2026-Q2"), "ends after the data"),
        (("--format", "docx"), "Unknown format 'docx'"),
        (("--sections", "revenu"), "Did you mean 'revenue'"),
    ):
        bad = revline_cli("report", "-w", company.path, *args)
        assert bad.exit_code == 2 and expected in bad.stderr.replace("\n", " "), bad.output
        assert "Traceback" not in bad.output


def test_the_documented_section_example_runs(company: Warehouse) -> None:
    doc = (Path(__file__).resolve().parent.parent / "docs" / "report.md").read_text()
    code = doc.split("## Adding a section", 1)[1].split("```python", 1)[1].split("```", 1)[0]
    code = code.replace('"seams"', '"doc_example"')  # the real seams section may exist
    try:
        exec(compile(code, "docs/report.md", "exec"), {})
        built = build_report(company, PERIOD, ["doc_example"])
        assert built.pages[0].content.reading.startswith("Win rate moved from")
        assert "<svg" in render_html(built)
    finally:
        if "doc_example" in SECTIONS:
            SECTIONS.unregister("doc_example")


def test_the_same_data_gives_the_same_file(company: Warehouse, html: str) -> None:
    again = render_html(build_report(company, PERIOD, ["revenue", "retention"]))
    start = html.index('<section class="page" id="section-revenue"')
    end = html.index('<section class="page" id="section-efficiency"')
    assert html[start:end] in again  # charts, figures and readings byte for byte


@pytest.mark.parametrize("name", [n for n in SECTIONS.names() if n not in BUILT_IN])
def test_every_registered_section_builds_with_a_reading(company: Warehouse, name: str) -> None:
    """Over the registry: a section registered anywhere builds on its own, with a one-line
    reading, and renders into the file under its name (the built-ins are checked together
    above, on the module's report)."""
    built = build_report(company, PERIOD, [name])
    assert [p.name for p in built.pages] == [name]
    reading = built.pages[0].content.reading
    assert len(reading) > 20 and reading.endswith("."), reading
    assert f'data-section="{name}"' in render_html(built)
