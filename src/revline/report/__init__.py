"""The board report: registered sections, each with figures from the metric registry, charts
and a one-line reading, written as one self-contained HTML file or a PDF.

``write_report(wh, path, period, fmt)`` is the one call; ``build_report`` and ``render_html``
are its parts; ``register_section`` / ``section`` add a page (docs/report.md).
"""

from __future__ import annotations

from revline.report.context import ReportContext, make_context
from revline.report.registry import (
    SECTIONS,
    Chart,
    Figure,
    Section,
    SectionContent,
    TableBlock,
    register_section,
    section,
    selected,
)
from revline.report.render import (
    Report,
    ReportError,
    build_report,
    render_html,
    render_pdf,
    write_report,
)

__all__ = [
    "SECTIONS",
    "Chart",
    "Figure",
    "Report",
    "ReportContext",
    "ReportError",
    "Section",
    "SectionContent",
    "TableBlock",
    "build_report",
    "make_context",
    "register_section",
    "render_html",
    "render_pdf",
    "section",
    "selected",
    "write_report",
]
