"""The words of the report: one-line readings generated from the figures, never canned.

Each helper turns numbers into a phrase ("fell 40% QoQ", "nearly doubled", "5.0 points"); the
section builders combine them with the figure that explains the move (the driver) and why it
matters. Every phrase depends on the values passed in, so a different company reads differently.
"""

from __future__ import annotations

from revline.metrics.core import display

#: The comparison word for each grain.
VERSUS = {"month": "MoM", "quarter": "QoQ", "year": "YoY"}


def show(value: float | None, unit: str) -> str:
    """A figure as the report prints it: whole money, ratios as percentages (one place)."""
    text = display(value, unit, money_places=0)
    return f"{text} {unit}" if unit in ("months", "days") and value is not None else text


def relative(now: float | None, before: float | None) -> float | None:
    """(now - before) / |before|, or None when it cannot be said (missing or zero base)."""
    if now is None or before is None or before == 0:
        return None
    return (now - before) / abs(before)


def moved(now: float | None, before: float | None) -> str:
    """How a positive amount moved, in words: "doubled", "nearly halved", "fell 12%", ..."""
    change = relative(now, before)
    if change is None or now is None or before is None:
        return "has no comparable prior figure"
    if before > 0 > now:
        return "turned negative"
    if before < 0 < now:
        return "turned positive"
    if before > 0 and now >= 0:
        ratio = now / before
        if ratio >= 2.9:
            return f"rose {ratio:.1f}-fold"
        if ratio >= 2.1:
            return "more than doubled"
        if ratio >= 1.85:
            return "nearly doubled" if ratio < 2 else "doubled"
        if 0.45 <= ratio <= 0.55:
            return "halved" if ratio <= 0.5 else "nearly halved"
    if abs(change) < 0.005:
        return "held level"
    return f"{'rose' if change > 0 else 'fell'} {abs(change):.0%}"


def points(now: float | None, before: float | None) -> str:
    """How a ratio moved, in percentage points: "fell 5.0 points", "held level"."""
    if now is None or before is None:
        return "has no comparable prior figure"
    delta = (now - before) * 100
    if abs(delta) < 0.05:
        return "held level"
    return f"{'rose' if delta > 0 else 'fell'} {abs(delta):.1f} points"


def change_phrase(now: float | None, before: float | None, unit: str) -> str:
    """:func:`points` for ratios, :func:`moved` for everything else."""
    return points(now, before) if unit == "ratio" else moved(now, before)


def change_to(label: str, now: float | None, before: float | None, unit: str, grain: str) -> str:
    """ "ARR rose 12% QoQ to 967,389"; says so plainly when a figure or its prior is missing."""
    if now is None:
        return f"{label} has no value for this period"
    if before is None:
        return f"{label} is {show(now, unit)} (no prior period to compare)"
    return f"{label} {change_phrase(now, before, unit)} {VERSUS[grain]} to {show(now, unit)}"


def from_to(now: float | None, before: float | None, unit: str) -> str:
    """ "(5,037 -> 9,756)": the two figures a change is between."""
    return f"({show(before, unit)} → {show(now, unit)})"


def sentence(*parts: str) -> str:
    """Join clauses with "; ", capitalise the first letter and end with a full stop."""
    text = "; ".join(p.strip() for p in parts if p and p.strip())
    if not text:
        return ""
    text = text[0].upper() + text[1:]
    return text if text.endswith(".") else text + "."
