"""The synthetic company: a seeded, scalable B2B SaaS business with known ground truth.

>>> from revline.synth import SynthConfig
>>> SynthConfig().as_of.isoformat()
'2026-01-01'

:func:`build` writes a company into a warehouse file (all or nothing, memory bounded);
:func:`generate` into an open warehouse. The full scope writes every canonical table
(``source = 'synth'``) plus the truth tables named in :data:`TRUTH_TABLES`, which hold the churn
hazards and win probabilities the generator used; :data:`SCOPES` names the smaller ones.
"""

from __future__ import annotations

from revline.synth.config import AS_OF, SynthConfig
from revline.synth.orchestrate import SCOPES, SynthResult, build, generate
from revline.synth.truth import TRUTH_TABLES

__all__ = [
    "AS_OF",
    "SCOPES",
    "TRUTH_TABLES",
    "SynthConfig",
    "SynthResult",
    "build",
    "generate",
]
