"""Build the report (run every selected section's builder) and render it as HTML or PDF.

HTML is one self-contained file: inline CSS and SVG, nothing fetched. PDF is the same HTML
printed by WeasyPrint, imported lazily because it needs the system's Pango library.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment
from markupsafe import Markup, escape

from revline.errors import RevlineError
from revline.report.context import ReportContext, make_context
from revline.report.readings import show
from revline.report.registry import Figure, SectionContent, selected
from revline.report.template import CSS, TEMPLATE
from revline.warehouse import Warehouse

STATUSES = ("green", "amber", "red")  # scorecard status cells, coloured by the stylesheet
PANGO_PACKAGES = "libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0"


class ReportError(RevlineError):
    """The report cannot be written (PDF engine missing, output path not writable, ...)."""


@dataclass(frozen=True)
class Page:
    """A built section: its name, title and content."""

    name: str
    title: str
    content: SectionContent


@dataclass(frozen=True)
class Report:
    """A built report: what it covers and its pages in order."""

    title: str
    period: str
    prior: str
    as_of: str
    source: str
    pages: tuple[Page, ...]


def build_report(
    wh: Warehouse,
    period: str | None = None,
    sections: list[str] | None = None,
    *,
    on_section: Callable[[str], None] | None = None,
) -> Report:
    """Build the report of ``period`` (default: the last full quarter of data).

    ``sections`` limits it to the named sections; ``on_section`` is called with each section's
    title before it is built (progress bars use it).
    """
    chosen = selected(sections)
    ctx: ReportContext = make_context(wh, period)
    ctx.prefetch([need for section in chosen for need in section.needs])
    pages = []
    for section in chosen:
        if on_section is not None:
            on_section(section.title)
        pages.append(Page(section.name, section.title, section.builder(ctx)))
    return Report(
        title=f"Revenue board report {ctx.period.label}",
        period=ctx.period.label,
        prior=ctx.prior,
        as_of=str(ctx.as_of),
        source=Path(str(wh.path)).name,
        pages=tuple(pages),
    )


def _attrs(f: Figure) -> Markup:
    """The data attributes that tie an HTML element to its registry figure."""
    pairs = [
        ("data-metric", f.metric),
        ("data-period", f.period or ""),
        ("data-by", f.by or ""),
        ("data-by-value", f.by_value or ""),
        ("data-value", "" if f.value is None else repr(float(f.value))),
        ("data-unit", f.unit),
    ]
    return Markup(" ".join(f'{k}="{escape(v)}"' for k, v in pairs))


def render_html(report: Report) -> str:
    """The report as one self-contained HTML document."""
    env = Environment(autoescape=True, keep_trailing_newline=True)
    template = env.from_string(TEMPLATE)
    return template.render(
        report=report, css=Markup(CSS), attrs=_attrs, show=show, statuses=STATUSES
    )


def render_pdf(html: str) -> bytes:
    """Print ``html`` to PDF with WeasyPrint; a clear error when Pango is missing."""
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as err:
        raise ReportError(
            f"Cannot load WeasyPrint to write a PDF: {err}.",
            hint=f"Install the system libraries it needs (Debian: apt-get install "
            f"{PANGO_PACKAGES}), or write HTML with --format html.",
        ) from None
    pdf: bytes = HTML(string=html, base_url=None).write_pdf()
    return pdf


def write_report(
    wh: Warehouse,
    path: str | Path,
    period: str | None = None,
    fmt: str = "html",
    sections: list[str] | None = None,
    *,
    on_section: Callable[[str], None] | None = None,
) -> Path:
    """Build the report and write it to ``path`` as ``html`` or ``pdf``; returns the path.

    This is the one call the demo and other interfaces use.
    """
    if fmt not in ("html", "pdf"):
        raise ReportError(f"Unknown report format {fmt!r}.", hint="Use html or pdf.")
    report = build_report(wh, period, sections, on_section=on_section)
    html = render_html(report)
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        if fmt == "html":
            target.write_text(html, encoding="utf-8")
        else:
            target.write_bytes(render_pdf(html))
    except OSError as err:
        raise ReportError(
            f"Cannot write the report to {target}: {err.strerror or err}.",
            hint="Pick a writable path with -o FILE.",
        ) from None
    return target
