"""The function category map: which function owns each lifecycle stage, hand-off and metric.

The map is data (``org.yaml``), not code. A company picks an org model (full CRO; CMO beside
the CRO; chief commercial officer without marketing) and moves ownership in its own copy of the
file; every finding revline reports names its owner from here. The file is validated like the
metric catalogue: every problem is reported at once, each with the fix.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from revline.errors import ConfigError, unknown

#: The lifecycle stages, in order (DESIGN.md "Hand-offs the product watches").
STAGES = (
    "lead",
    "mql",
    "sal",
    "sql",
    "opportunity",
    "closed_won",
    "onboarded",
    "renewed",
    "expanded",
    "churned",
)
ORG_ENV = "REVLINE_ORG"


@dataclass(frozen=True)
class Function:
    name: str
    label: str
    description: str


@dataclass(frozen=True)
class Handoff:
    name: str
    from_stage: str
    to_stage: str
    owner: str


@dataclass(frozen=True)
class Owner:
    """Who owns something: the function, and the executive that function reports to."""

    function: str
    label: str
    executive: str

    def __str__(self) -> str:
        return f"{self.label} ({self.executive})"


@dataclass(frozen=True)
class OrgMap:
    """A validated function category map under one org model."""

    path: str
    org_model: str
    model_description: str
    functions: dict[str, Function]
    executives: dict[str, str]  # function -> executive
    stages: dict[str, str]  # stage -> function
    handoffs: dict[str, Handoff]
    metric_owners: dict[str, str]  # metric -> function, overriding the registry's owner

    def owner(self, function: str) -> Owner:
        if function not in self.functions:
            raise ConfigError(unknown("function", function, self.functions))
        return Owner(function, self.functions[function].label, self.executives[function])

    def stage_owner(self, stage: str) -> Owner:
        if stage not in self.stages:
            raise ConfigError(unknown("lifecycle stage", stage, self.stages))
        return self.owner(self.stages[stage])

    def handoff_owner(self, handoff: str) -> Owner:
        if handoff not in self.handoffs:
            raise ConfigError(unknown("hand-off", handoff, self.handoffs))
        return self.owner(self.handoffs[handoff].owner)

    def metric_owner(self, metric: str, declared: str) -> Owner:
        """The owner of a metric: this map's override if any, else the registry's ``declared``."""
        return self.owner(self.metric_owners.get(metric, declared))

    def crosses_executives(self, handoff: str) -> bool:
        """True when a hand-off passes between functions that report to different executives."""
        h = self.handoffs[handoff]
        giver = self.executives[self.stages[h.from_stage]]
        taker = self.executives[self.stages[h.to_stage]]
        return giver != taker

    def check_metrics(self, declared_owners: dict[str, str]) -> list[str]:
        """Problems with metric ownership: every metric needs an owner that is a function here."""
        problems = []
        for metric, function in sorted(declared_owners.items()):
            owner = self.metric_owners.get(metric, function)
            if owner not in self.functions:
                problems.append(
                    f"metric {metric!r}: owner {owner!r} is not a function of {self.path}; "
                    f"use one of {', '.join(self.functions)}"
                )
        for metric in sorted(set(self.metric_owners) - set(declared_owners)):
            problems.append(
                f"metrics.{metric}: no such metric in the registry; remove it from {self.path}"
            )
        return problems


def default_org_path() -> Path:
    return Path(str(resources.files("revline").joinpath("org.yaml")))


def load_org(path: str | Path | None = None, org_model: str | None = None) -> OrgMap:
    """Load and validate a function category map (default: ``$REVLINE_ORG`` or the built-in).

    ``org_model`` overrides the file's ``org_model``. Raises :class:`ConfigError` listing every
    problem found.
    """
    chosen = path or os.environ.get(ORG_ENV) or default_org_path()
    source = Path(chosen)
    try:
        raw = yaml.safe_load(source.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(
            f"Org map {source} not found.", hint="Pass an existing file, or omit --org."
        ) from None
    except yaml.YAMLError as err:
        raise ConfigError(f"Org map {source} is not valid YAML: {err}") from None
    return parse_org(raw, str(source), org_model)


def _mapping(raw: Any, where: str, problems: list[str]) -> dict[str, Any]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        problems.append(f"{where}: expected a mapping, got {type(raw).__name__}")
        return {}
    return raw


def parse_org(raw: Any, path: str, org_model: str | None = None) -> OrgMap:
    """Validate the parsed YAML of an org map; every problem is reported in one ConfigError."""
    problems: list[str] = []
    doc = _mapping(raw, "the file", problems)
    known = {"org_model", "functions", "org_models", "stages", "handoffs", "metrics", "overrides"}
    for key in sorted(set(doc) - known):
        problems.append(unknown("top-level key", key, known))

    functions: dict[str, Function] = {}
    for name, spec in _mapping(doc.get("functions"), "functions", problems).items():
        spec = _mapping(spec, f"functions.{name}", problems)
        functions[name] = Function(
            name, str(spec.get("label", name)), str(spec.get("description", ""))
        )
    if not functions:
        problems.append("functions: none declared; declare at least one function")

    models = _mapping(doc.get("org_models"), "org_models", problems)
    chosen = org_model or doc.get("org_model")
    model = chosen if isinstance(chosen, str) else ""
    executives: dict[str, str] = {}
    description = ""
    if model not in models:
        problems.append(unknown("org_model", str(chosen), models))
    else:
        spec = _mapping(models[model], f"org_models.{model}", problems)
        description = str(spec.get("description", ""))
        for executive, members in _mapping(spec.get("executives"), model, problems).items():
            for function in members or []:
                where = f"org_models.{model}.executives.{executive}"
                if function not in functions:
                    problems.append(f"{where}: {unknown('function', function, functions)}")
                elif function in executives:
                    problems.append(
                        f"{where}: {function!r} already reports to {executives[function]}"
                    )
                else:
                    executives[function] = executive
        for function in functions:
            if function not in executives:
                problems.append(
                    f"org_models.{model}: function {function!r} reports to no executive; "
                    "add it under one executive"
                )

    overrides = _mapping(
        _mapping(doc.get("overrides"), "overrides", problems).get(model),
        f"overrides.{model}",
        problems,
    )
    for key in sorted(set(overrides) - {"stages", "handoffs", "metrics"}):
        problems.append(
            f"overrides.{model}: {unknown('key', key, ['stages', 'handoffs', 'metrics'])}"
        )

    stages = {str(k): str(v) for k, v in _mapping(doc.get("stages"), "stages", problems).items()}
    stages.update(_mapping(overrides.get("stages"), f"overrides.{model}.stages", problems))
    for stage in STAGES:
        if stage not in stages:
            problems.append(f"stages: {stage!r} has no owner; add `{stage}: FUNCTION`")
    for stage, function in stages.items():
        if stage not in STAGES:
            problems.append(f"stages: {unknown('lifecycle stage', stage, STAGES)}")
        elif function not in functions:
            problems.append(f"stages.{stage}: {unknown('function', function, functions)}")

    handoffs: dict[str, Handoff] = {}
    moved = _mapping(overrides.get("handoffs"), f"overrides.{model}.handoffs", problems)
    for name, spec in _mapping(doc.get("handoffs"), "handoffs", problems).items():
        spec = {
            **_mapping(spec, f"handoffs.{name}", problems),
            **_mapping(moved.get(name), name, problems),
        }
        h = Handoff(name, str(spec.get("from")), str(spec.get("to")), str(spec.get("owner")))
        for end in (h.from_stage, h.to_stage):
            if end not in STAGES:
                problems.append(f"handoffs.{name}: {unknown('lifecycle stage', end, STAGES)}")
        if h.owner not in functions:
            problems.append(f"handoffs.{name}: {unknown('function', h.owner, functions)}")
        handoffs[name] = h
    for name in sorted(set(moved) - set(handoffs)):
        problems.append(f"overrides.{model}.handoffs: {unknown('hand-off', name, handoffs)}")

    metric_owners = {
        str(k): str(v) for k, v in _mapping(doc.get("metrics"), "metrics", problems).items()
    }
    metric_owners.update(_mapping(overrides.get("metrics"), f"overrides.{model}.metrics", problems))
    for metric, function in metric_owners.items():
        if function not in functions:
            problems.append(f"metrics.{metric}: {unknown('function', function, functions)}")

    if problems:
        listing = "\n".join(f"  - {p}" for p in problems)
        raise ConfigError(
            f"Org map {path} has {len(problems)} problem(s):\n{listing}",
            hint="Fix each line above in the file; `revline org validate` re-checks it.",
        )
    return OrgMap(
        path=path,
        org_model=str(model),
        model_description=description,
        functions=functions,
        executives=executives,
        stages=stages,
        handoffs=handoffs,
        metric_owners=metric_owners,
    )
