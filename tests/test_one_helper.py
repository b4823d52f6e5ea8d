"""Each shared helper exists once (issue 12, "each helper once"): a second copy fails here.

Each check greps revline's source for the known shapes of a helper that used to be written in
several places, and names the one module allowed to hold it. The synthetic generator keeps its
own calendar (seconds since its start, numpy arrays) and is not a second copy of these.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import revline

PACKAGE = Path(revline.__file__).parent

#: (what, pattern, the one module that may hold it). Patterns match code, not prose.
ONCE: tuple[tuple[str, str, str], ...] = (
    # the month index of an instant, Python and Ibis forms
    ("month index", r"\.year(\(\))?\s*\*\s*12\s*\+", "model/periods.py"),
    ("month index", r"def (month_index|month_index_of|portable_month_of)\b", "model/periods.py"),
    # quarters: start, arithmetic, label
    ("quarter", r"\(\s*\w+\.month\s*-\s*1\s*\)\s*//\s*3", "model/periods.py"),
    ("quarter", r"def (quarter_start|add_quarters|quarter_label|quarters)\b", "model/periods.py"),
    ("last full quarter", r"def last_full_quarter\b", "model/periods.py"),
    ("last full year", r"def last_full_year\b", "model/periods.py"),
    ("prior period", r"def prior_period\b", "model/periods.py"),
    # the data's end date
    (
        "data end",
        r"def (data_end|data_as_of|latest_activity|billing_end|sales_bounds)\b",
        "model/data_end.py",
    ),
    # FX conversion: the rate rule reads fx_rates' quote and base currencies
    ("FX rule", r"\.(quote_currency|base_currency)\b", "model/money.py"),
    ("FX rule", r"def (rates|factors_on|convert)\b", "model/money.py"),
    # the MRR bridge's steps and their order
    (
        "bridge order",
        r"\"new\",\s*\"(reactivation|expansion)\",\s*\"(expansion|reactivation)\"",
        "model/movements.py",
    ),
    ("bridge sign", r"\"(contraction|churn)\"[^\n]{0,40}-1\b", "model/movements.py"),
    # the registry helper
    ("registry", r"class \w*Registry\b", "registry.py"),
)


def _code(path: Path) -> str:
    """The file without comments and docstrings' prose lines (a crude but strict filter)."""
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if stripped.startswith("#"):
            continue
        lines.append(line.split("  #", 1)[0])
    return "\n".join(lines)


def _sources() -> list[Path]:
    return sorted(
        p
        for p in PACKAGE.rglob("*.py")
        if "__pycache__" not in p.parts and p.relative_to(PACKAGE).parts[0] != "synth"
    )


@pytest.mark.parametrize(("what", "pattern", "home"), ONCE, ids=[f"{w}:{h}" for w, _, h in ONCE])
def test_the_helper_lives_in_one_module(what: str, pattern: str, home: str) -> None:
    regex = re.compile(pattern)
    found = sorted({str(p.relative_to(PACKAGE)) for p in _sources() if regex.search(_code(p))})
    assert [f for f in found if f != home] == [], f"{what} is written outside {home}: {found}"


def test_no_module_is_named_after_another_package() -> None:
    """A module is not named after another package or top-level module of revline
    (``ingest/diagnose.py`` beside ``analyses/diagnose/``, ``forecast/money.py`` beside
    ``model/money.py``, ``diagnose/quality.py`` beside ``quality/``): one name, one thing.

    The interfaces mirror what they present by design (``commands/``, ``report/sections/``,
    ``web/pages/``), and a layer's ``registry`` module holds registries built on
    :mod:`revline.registry`; :data:`ALLOWED` lists the rest, each with its reason."""
    packages = {
        str(p.relative_to(PACKAGE)).removesuffix(".py").split("/")[-1]: str(p.relative_to(PACKAGE))
        for p in [
            *PACKAGE.iterdir(),
            *(PACKAGE / "analyses").iterdir(),
            *(PACKAGE / "model").iterdir(),
        ]
        if (p.is_dir() and (p / "__init__.py").exists()) or p.suffix == ".py"
    }
    mirrors = ("commands", "report/sections", "web/pages")
    clashes = []
    for path in _sources():
        rel = str(path.relative_to(PACKAGE))
        if "/" not in rel or rel.startswith(mirrors) or path.stem in ("__init__", "registry"):
            continue
        owner = packages.get(path.stem)
        if owner and not rel.startswith(owner.removesuffix(".py")) and rel not in ALLOWED:
            clashes.append(f"{rel} (vs {owner})")
    assert clashes == []


#: Modules named like another package, reviewed as the same concern seen from their layer.
ALLOWED = {
    "web/errors.py": "the web's error shape for revline.errors' classes",
    "web/charts.py": "renders the pages' chart specs with revline.charts",
    "web/demo.py": "the dashboard's demo mode, started by revline.demo",
}


def test_the_version_lives_in_one_place() -> None:
    """``revline.__version__`` is the one copy; pyproject reads it (``dynamic``)."""
    import tomllib

    root = PACKAGE.parent.parent
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in project["project"] and "version" in project["project"]["dynamic"]
    attr = project["tool"]["setuptools"]["dynamic"]["version"]["attr"]
    assert attr == "revline.__version__"
    copies = [
        str(p.relative_to(PACKAGE))
        for p in PACKAGE.rglob("*.py")
        if re.search(r"^__version__\s*=", p.read_text(encoding="utf-8"), re.MULTILINE)
    ]
    assert copies == ["__init__.py"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", revline.__version__)
