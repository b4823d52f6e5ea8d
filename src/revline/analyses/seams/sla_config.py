"""SLA declarations: a YAML file of commitments between functions, validated all at once.

The default file is ``src/revline/analyses/seams/slas.yaml`` (it documents every kind and key); a
company passes its own with ``revline sla --slas FILE``. Every problem of a file is reported in
one :class:`~revline.errors.ConfigError` naming the file, the key, the value and what was
expected.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from revline.errors import ConfigError, unknown

#: Each kind: the lifecycle stage whose owner (from the org map) owns the SLA, and its keys
#: with (required, lower bound, upper bound). Bounds are inclusive; None is unbounded.
KINDS: dict[str, tuple[str, dict[str, tuple[bool, float | None, float | None]]]] = {
    "lead_volume": ("mql", {"min_per_month": (True, 0, None)}),
    "lead_quality": ("mql", {"min_rate": (True, 0, 1), "min_mqls": (False, 1, None)}),
    "lead_velocity": ("mql", {"min_growth": (True, -1, None)}),
    "first_response": ("sal", {"within_hours": (True, 0, None)}),
    "rejection_feedback": ("sal", {}),
    "handoff": ("closed_won", {"within_days": (True, 0, None)}),
    "go_live": ("onboarded", {"within_days": (True, 0, None)}),
}
_COMMON = {"kind", "description"}


@dataclass(frozen=True)
class SlaSpec:
    """One commitment: its name (the YAML key), kind, owning stage and thresholds."""

    name: str
    kind: str
    stage: str
    description: str
    params: dict[str, float] = field(default_factory=dict)

    def param(self, key: str, default: float | None = None) -> float:
        value = self.params.get(key, default)
        if value is None:
            raise ConfigError(f"SLA {self.name!r} has no {key!r}.", hint=f"Add `{key}:`.")
        return value


@dataclass(frozen=True)
class SlaSet:
    """The SLAs of one file."""

    path: str
    slas: tuple[SlaSpec, ...]


def default_slas_path() -> Path:
    return Path(str(resources.files("revline.analyses.seams").joinpath("slas.yaml")))


def load_slas(path: str | Path | None = None) -> SlaSet:
    """Read and validate an SLA file (default: the built-in ``slas.yaml``)."""
    source = Path(path) if path is not None else default_slas_path()
    try:
        raw = yaml.safe_load(source.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(
            f"SLA file {source} not found.",
            hint="Pass an existing file with --slas, or omit it for the built-in SLAs.",
        ) from None
    except (yaml.YAMLError, UnicodeDecodeError) as err:
        raise ConfigError(
            f"SLA file {source} is not valid YAML: {err}",
            hint="Fix the syntax; the built-in src/revline/analyses/seams/slas.yaml is an example.",
        ) from None
    return parse_slas(raw, str(source))


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    return None


def parse_slas(raw: Any, path: str) -> SlaSet:
    """Validate parsed YAML; every problem goes into one ConfigError."""
    problems: list[str] = []
    if not isinstance(raw, dict):
        raise ConfigError(
            f"SLA file {path}: expected a mapping with a `slas:` key, got {type(raw).__name__}.",
            hint="Start the file with `slas:` and one entry per SLA.",
        )
    for key in sorted(set(raw) - {"slas"}):
        problems.append(unknown("top-level key", str(key), ["slas"]))
    entries = raw.get("slas")
    if not isinstance(entries, dict) or not entries:
        problems.append(f"slas: expected a mapping of SLA name -> settings, got {entries!r}")
        entries = {}
    specs: list[SlaSpec] = []
    for name, body in entries.items():
        where = f"slas.{name}"
        if not isinstance(body, dict):
            problems.append(f"{where}: expected a mapping of settings, got {body!r}")
            continue
        kind = body.get("kind", name)
        if kind not in KINDS:
            problems.append(f"{where}.kind: {unknown('SLA kind', str(kind), KINDS)}")
            continue
        stage, keys = KINDS[kind]
        params: dict[str, float] = {}
        for key in sorted(set(body) - set(keys) - _COMMON):
            problems.append(
                f"{where}: {unknown(f'key for kind {kind}', str(key), [*keys, *_COMMON])}"
            )
        for key, (required, low, high) in keys.items():
            if key not in body:
                if required:
                    problems.append(f"{where}.{key}: missing; kind {kind} needs it")
                continue
            number = _number(body[key])
            bounds = f"between {low:g} and {high:g}" if high is not None else f"at least {low:g}"
            if (
                number is None
                or (low is not None and number < low)
                or (high is not None and number > high)
            ):
                problems.append(f"{where}.{key}: got {body[key]!r}, expected a number {bounds}")
                continue
            params[key] = number
        description = body.get("description", "")
        if not isinstance(description, str):
            problems.append(f"{where}.description: got {description!r}, expected text")
            description = ""
        specs.append(SlaSpec(str(name), str(kind), stage, description, params))
    if problems:
        listing = "\n".join(f"  - {p}" for p in problems)
        raise ConfigError(
            f"SLA file {path} has {len(problems)} problem(s):\n{listing}",
            hint="Fix each line above; src/revline/analyses/seams/slas.yaml documents every kind.",
        )
    return SlaSet(path, tuple(specs))
