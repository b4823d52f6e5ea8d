"""The one registry helper (revline.registry) and the registries built on it.

Every extension point (dashboard pages, report sections, diagnose detectors, forecasters,
open-deal models, ingest formats) is a :class:`Registry`; this file checks the helper's
contract once and that each extension point is one, so a new entry is found by the tests that
parametrise over it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import revline
from revline.errors import ConfigError, RevlineError
from revline.registry import Registry


def test_register_get_and_order() -> None:
    things: Registry[int] = Registry("thing")
    assert things.register("b", 2) == 2

    @things.register("a")
    def one() -> int:
        return 1

    assert things.names() == ("b", "a")  # registration order, not sorted
    assert things.values() == [2, one]
    assert list(things) == [2, one]
    assert things.get("a") is one and "a" in things and "c" not in things and len(things) == 2


def test_a_duplicate_name_is_refused_and_an_unknown_one_suggests() -> None:
    things: Registry[str] = Registry("thing", hint="Pick one.")
    things.register("apple", "x")
    things.register("apple", "x")  # the equal entry again (a module imported twice)
    with pytest.raises(ConfigError, match="Thing 'apple' is already registered"):
        things.register("apple", "y")
    with pytest.raises(ConfigError, match=r"Unknown thing 'appel'\. Did you mean 'apple'\?") as err:
        things.get("appel")
    assert err.value.hint == "Pick one."
    with pytest.raises(ConfigError, match="Unknown thing 'pear'"):
        things.check(["apple", "pear"])


def test_the_error_class_and_the_loader() -> None:
    class MyError(RevlineError):
        pass

    loaded: list[str] = []

    def load() -> None:
        loaded.append("once")
        things.register("builtin", 0)

    things: Registry[int] = Registry("thing", error=MyError, load=load)
    things.register("extra", 1)  # loads the built-ins first, so they keep their place
    assert things.names() == ("builtin", "extra") and loaded == ["once"]
    with pytest.raises(MyError):
        things.get("nope")
    with things.temporary("tmp", 2):
        assert things.get("tmp") == 2
    assert "tmp" not in things
    assert things.unregister("extra") == 1 and things.names() == ("builtin",)


def test_every_extension_point_is_a_registry() -> None:
    from revline.analyses.diagnose import DETECTORS
    from revline.analyses.forecast.open_deals import OPEN_DEAL_MODELS
    from revline.analyses.forecast.registry import BOOKINGS, REVENUE
    from revline.ingest.formats import FORMATS
    from revline.report.registry import SECTIONS
    from revline.web.registry import PAGES

    found = {
        "pages": PAGES,
        "sections": SECTIONS,
        "detectors": DETECTORS,
        "bookings": BOOKINGS,
        "revenue": REVENUE,
        "open_deal_models": OPEN_DEAL_MODELS,
        "formats": FORMATS,
    }
    for name, registry in found.items():
        assert isinstance(registry, Registry), name
        assert len(registry) > 0, name
    assert OPEN_DEAL_MODELS.names() == ("cells", "classifier", "blend")
    assert FORMATS.names() == ("csv", "parquet")


PACKAGE = Path(revline.__file__).parent


def _callable_dicts(path: Path) -> list[str]:
    """Module-level dicts whose values are all functions (names, attributes or lambdas)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in tree.body:
        if not isinstance(node, ast.Assign | ast.AnnAssign) or not isinstance(node.value, ast.Dict):
            continue
        values = node.value.values
        if values and all(isinstance(v, ast.Name | ast.Attribute | ast.Lambda) for v in values):
            target = node.targets[0] if isinstance(node, ast.Assign) else node.target
            found.append(f"{path.relative_to(PACKAGE)}:{ast.unparse(target)}")
    return found


#: Dicts of functions that are closed look-up tables, not extension points (reviewed).
LOOKUP_TABLES = {
    # the per-table filters of the forecast's as-of view: one per table the view rewrites
    "analyses/forecast/revenue_asof.py:_FILTERS",
    # how `revline seams` formats each column of its flow table
    "commands/seams.py:FLOW_FORMATS",
    # the breakdowns each metric frame declares (tuples of dimension names, not functions)
    "metrics/catalogue.py:FRAME_BREAKDOWNS",
}


def test_no_ad_hoc_registry_of_callables_is_left() -> None:
    """A module-level dict of functions keyed by name is a registry written by hand: use
    :class:`revline.registry.Registry` instead (or list it above with the reason)."""
    found = [
        hit
        for path in sorted(PACKAGE.rglob("*.py"))
        for hit in _callable_dicts(path)
        if hit not in LOOKUP_TABLES
    ]
    assert found == []
