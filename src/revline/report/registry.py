"""The section registry: the board report is the registered sections, in order.

A section is a name, a title, an order key and a builder ``builder(ctx) -> SectionContent``
(``ctx`` is a :class:`~revline.report.context.ReportContext`: ``ctx.wh`` and ``ctx.period`` plus
memoised metrics). The built-in sections register themselves the same way any other part of
revline does (see docs/report.md, "Adding a section").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from revline.registry import Registry

if TYPE_CHECKING:
    from revline.report.context import ReportContext


@dataclass(frozen=True)
class Figure:
    """One figure of a section, tagged with where it came from in the metric registry.

    ``value`` and ``prior`` are in the metric's ``unit`` (``currency``, ``ratio``, ...).
    ``metric``, ``period`` (None: the report period), ``by`` and ``by_value`` say which
    registry figure it is, so the HTML carries them (``data-metric``, ``data-period``,
    ``data-by``, ``data-by-value``, ``data-value``) and a test can recompute every figure.
    """

    label: str
    value: float | None
    unit: str
    metric: str = ""
    prior: float | None = None
    period: str | None = None
    by: str | None = None
    by_value: str | None = None


@dataclass(frozen=True)
class Chart:
    """A rendered chart: a caption and its inline SVG (from :func:`revline.charts.to_svg`)."""

    caption: str
    svg: str


@dataclass(frozen=True)
class TableBlock:
    """A small table of display strings (already formatted), with a title.

    ``figures``, when given, holds one :class:`Figure` (or None) per row: the exact figure the
    row shows, written into the HTML as ``data-metric``/``data-value`` so that tests and tools
    can check the report against the registry.
    """

    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    figures: tuple[Figure | None, ...] = ()


@dataclass(frozen=True)
class SectionContent:
    """What a builder returns: the one-line reading, then figures, charts, tables and notes.

    ``reading`` says what changed and why it matters, generated from the figures.
    """

    reading: str
    figures: tuple[Figure, ...] = ()
    charts: tuple[Chart, ...] = ()
    tables: tuple[TableBlock, ...] = ()
    notes: tuple[str, ...] = ()


Builder = Callable[["ReportContext"], SectionContent]


@dataclass(frozen=True)
class Section:
    """A registered section: ``name`` (for ``--sections``), ``title``, ``order`` and builder.

    ``needs`` lists the ``(metric, by)`` pairs the builder reads through ``ctx.metrics``
    (``by`` None for no breakdown): the report computes them for all sections together, one
    registry call per breakdown, instead of one per section. Optional; only a speed-up.
    """

    name: str
    title: str
    builder: Builder
    order: int = 100
    description: str = field(default="", compare=False)
    needs: tuple[tuple[str, str | None], ...] = ()


def _load_sections() -> None:
    import revline.report.sections  # noqa: F401  (registers the built-in and added sections)


#: Every report section, by name (the one :class:`revline.registry.Registry` helper).
SECTIONS: Registry[Section] = Registry(
    "report section", hint="List them with: revline report --list", load=_load_sections
)


def register_section(
    name: str,
    title: str,
    builder: Builder,
    *,
    order: int = 100,
    description: str = "",
    needs: tuple[tuple[str, str | None], ...] = (),
) -> Section:
    """Add a section to the report. ``order`` places it (built-ins use 10..50; later parts such
    as seams and forecast should use 60 and above). Registering a name twice is an error."""
    return SECTIONS.register(name, Section(name, title, builder, order, description, needs))


def section(
    name: str,
    title: str,
    *,
    order: int = 100,
    description: str = "",
    needs: tuple[tuple[str, str | None], ...] = (),
) -> Callable[[Builder], Builder]:
    """Decorator form of :func:`register_section`."""

    def wrap(builder: Builder) -> Builder:
        register_section(name, title, builder, order=order, description=description, needs=needs)
        return builder

    return wrap


def selected(names: list[str] | None) -> list[Section]:
    """The sections to build, in report order: all of them, or the ``names`` asked for."""
    ordered = sorted(SECTIONS, key=lambda s: (s.order, s.name))
    if not names:
        return ordered
    SECTIONS.check(names)
    return [s for s in ordered if s.name in names]
