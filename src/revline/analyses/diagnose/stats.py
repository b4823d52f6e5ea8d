"""The statistics diagnosis uses, so that noise is not reported as a finding.

Each group (a region, a segment, a channel) is compared with the rest of the company on one
binary outcome with Fisher's exact test (exact at any sample size, so a group of six customers
is judged as fairly as one of six thousand), one-sided in the direction of the problem, with a
Bonferroni correction over the groups tested together. A group is flagged only when the
difference is both significant and large (an effect-size floor), so a big company does not
turn every trivial gap into a finding.

Reference: R. A. Fisher, *Statistical Methods for Research Workers* (1925), §21.02; Bonferroni
as in Dunn, "Multiple comparisons among means", JASA 56 (1961).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

#: Family-wise significance level of every test diagnosis runs.
ALPHA = 0.01


@dataclass(frozen=True)
class GroupTest:
    """One group against the rest: counts, rates and the Bonferroni-adjusted p-value."""

    group: str
    n: int
    hits: int
    rest_n: int
    rest_hits: int
    p_value: float

    @property
    def rate(self) -> float:
        return self.hits / self.n if self.n else 0.0

    @property
    def rest_rate(self) -> float:
        return self.rest_hits / self.rest_n if self.rest_n else 0.0


def compare_groups(
    frame: pd.DataFrame, group: str, outcome: str, direction: str, min_n: int = 5
) -> list[GroupTest]:
    """Test each value of ``group`` against all other rows on the boolean column ``outcome``.

    ``direction`` is ``"less"`` (the problem is a lower rate, e.g. conversion) or ``"greater"``
    (a higher rate, e.g. late responses). Groups with fewer than ``min_n`` rows are skipped;
    p-values are multiplied by the number of groups tested (Bonferroni), capped at 1.
    """
    data = frame[[group, outcome]].dropna(subset=[group])
    totals = data.groupby(group, sort=True)[outcome].agg(["count", "sum"])
    all_n, all_hits = int(totals["count"].sum()), int(totals["sum"].sum())
    tested = [(str(g), int(r["count"]), int(r["sum"])) for g, r in totals.iterrows()]
    tested = [t for t in tested if t[1] >= min_n and all_n - t[1] >= min_n]
    out = []
    for name, n, hits in tested:
        rest_n, rest_hits = all_n - n, all_hits - hits
        table = np.array([[hits, n - hits], [rest_hits, rest_n - rest_hits]])
        p = float(stats.fisher_exact(table, alternative=direction).pvalue)
        out.append(GroupTest(name, n, hits, rest_n, rest_hits, min(1.0, p * len(tested))))
    return out


def share_test(hits_a: int, n_a: int, hits_b: int, n_b: int, direction: str) -> float:
    """One-sided Fisher p-value that rate a is ``direction`` (less/greater) than rate b."""
    if min(n_a, n_b) == 0:
        return 1.0
    table = np.array([[hits_a, n_a - hits_a], [hits_b, n_b - hits_b]])
    return float(stats.fisher_exact(table, alternative=direction).pvalue)


def mean_shift(after: list[float], before: list[float], direction: str) -> float:
    """One-sided Welch t-test p-value that ``after`` is ``direction`` than ``before``."""
    if len(after) < 2 or len(before) < 2:
        return 1.0
    result = stats.ttest_ind(after, before, equal_var=False, alternative=direction)
    p = float(result.pvalue)
    return 1.0 if np.isnan(p) else p


def binomial_below(hits: int, n: int, rate: float) -> float:
    """One-sided exact binomial p-value that ``hits`` of ``n`` is below a known ``rate``."""
    if n <= 0 or not 0 < rate < 1:
        return 1.0
    return float(stats.binomtest(min(hits, n), n, rate, alternative="less").pvalue)
