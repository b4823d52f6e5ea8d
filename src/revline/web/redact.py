"""The one authorisation rule for figures, applied to every page answer (docs/web.md "Access
control").

A figure is visible to a user when the function that owns it (a metric's owner from the org
map, ``org.metric_owner(name, declared).function``, or the owner a row names) is one of the
user's functions; admins and executives see everything; a viewer sees every figure but no
row-level data. Pages compute their data once for everyone (the shared cache) and mark what
each piece shows; :func:`redact` removes what one user may not see right before the answer is
built, for the HTML page and its JSON twin alike, and lists what it removed under
``withheld`` (readable labels and owners, never metric ids or row ids).

What a page's data marks (docs/web.md "Adding a page"):

- a figure (``figures`` item): ``metric``;
- a table: ``metrics`` (the whole table shows these metrics), a column ``metric`` (that
  column's values), ``marks`` (one dict per row: ``_metric`` or ``_owner``, that row is one
  metric's, or one function's, e.g. a diagnosis finding), a column ``rowlevel: true`` (its
  cells are row ids: shown only to users who may open the rows of the row's owner);
- a chart: ``metrics`` and/or ``owners`` (functions);
- a note: a plain string, or ``{"text": ..., "metrics": [...]}``;
- drill links (``drill`` of a figure, ``link`` of a cell): ``/rows/<metric>...``, kept only
  for users who may open those rows.

The rule itself lives in :mod:`revline.web.security` (``can_see_metric``, ``can_see_rows``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from revline.metrics.api import REGISTRY
from revline.org import OrgMap
from revline.web.security import can_see_metric, can_see_rows
from revline.web.users import User

#: Metric names of a drill-down link (HTML ``/rows/x``, JSON ``/api/rows/x``, CSV).
ROWS_LINK = re.compile(r"^/(?:api/)?rows/([A-Za-z0-9_]+)")


def visibility(user: User) -> tuple[str, ...]:
    """The user's visibility class: users of one class see exactly the same answer, so cached
    answers are keyed by it (admin and exec share one, every viewer one, each set of lead
    functions one)."""
    if user.sees_everything:
        return ("all",)
    if user.role == "lead":
        return ("lead", *sorted(user.functions))
    return (user.role,)


def owner_of(org: OrgMap, metric: str) -> str:
    """The function owning ``metric`` (the org map's override, else the registry's)."""
    m = REGISTRY[metric]
    return org.metric_owner(m.name, m.owner).function


def metric_label(metric: str) -> str:
    from revline.web.content import label_of

    return label_of(metric)


class _Redactor:
    def __init__(self, user: User, org: OrgMap) -> None:
        self.user = user
        self.org = org
        #: owner function -> readable labels withheld (ordered, unique).
        self.withheld: dict[str, dict[str, None]] = {}

    # -- the rule -------------------------------------------------------------------------
    def sees_owner(self, function: str) -> bool:
        return can_see_metric(self.user, function)

    def sees_metric(self, metric: str) -> bool:
        return metric not in REGISTRY or self.sees_owner(owner_of(self.org, metric))

    def sees_rows_of(self, function: str) -> bool:
        return can_see_rows(self.user, function)

    def link(self, url: Any) -> Any:
        """``url`` if the user may open it, else ``None`` (only drill-down links are checked)."""
        if not isinstance(url, str):
            return url
        found = ROWS_LINK.match(url)
        if found is None:
            return url
        metric = found[1]
        if metric not in REGISTRY or not self.sees_rows_of(owner_of(self.org, metric)):
            return None
        return url

    def hold(self, function: str, label: str) -> None:
        self.withheld.setdefault(function, {})[label] = None

    def hold_metrics(self, metrics: Iterable[str], label: str | None = None) -> None:
        for metric in metrics:
            if not self.sees_metric(metric):
                self.hold(owner_of(self.org, metric), label or metric_label(metric))

    # -- the pieces of a page ------------------------------------------------------------
    def figures(self, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        out = []
        for item in items:
            metric = item.get("metric")
            if isinstance(metric, str) and not self.sees_metric(metric):
                self.hold(owner_of(self.org, metric), str(item.get("label") or metric))
                continue
            out.append({**item, "drill": self.link(item.get("drill"))} if "drill" in item else item)
        return out

    def table(self, t: dict[str, Any]) -> dict[str, Any] | None:
        metrics = [m for m in t.get("metrics", []) if isinstance(m, str)]
        if any(not self.sees_metric(m) for m in metrics):
            self.hold_metrics(metrics, str(t.get("title") or ""))
            return None
        columns = []
        hidden: list[str] = []
        for c in t["columns"]:
            metric = c.get("metric")
            if isinstance(metric, str) and not self.sees_metric(metric):
                self.hold(owner_of(self.org, metric), str(c.get("label") or metric))
                hidden.append(c["key"])
            else:
                columns.append(c)
        if hidden and not any(isinstance(c.get("metric"), str) for c in columns):
            return None  # every figure of the table is withheld: only labels would be left
        rowlevel = [c["key"] for c in columns if c.get("rowlevel")]
        rows = []
        kept_marks = []
        dropped: dict[str, int] = {}
        marks = t.get("marks") or [{} for _ in t["rows"]]
        for row, mark in zip(t["rows"], marks, strict=True):
            owner = self.row_owner(mark)
            if owner is not None and not self.sees_owner(owner):
                dropped[owner] = dropped.get(owner, 0) + 1
                continue
            kept_marks.append(mark)
            out = {k: v for k, v in row.items() if k not in hidden}
            for key, value in out.items():
                if isinstance(value, dict) and "link" in value:
                    link = self.link(value["link"])
                    out[key] = {k: v for k, v in value.items() if k != "link"}
                    if link is not None:
                        out[key]["link"] = link
            may_rows = self.sees_rows_of(owner) if owner else self.user.sees_everything
            if metrics:
                may_rows = all(self.sees_rows_of(owner_of(self.org, m)) for m in metrics)
            if rowlevel and not may_rows:
                for key in rowlevel:
                    out[key] = {"value": "", "display": "(row ids withheld)"}
            rows.append(out)
        limit = t.get("limit")
        if isinstance(limit, int):
            rows = rows[:limit]  # the first rows the user may see (e.g. their top findings)
            kept_marks = kept_marks[:limit]
        what = str(t.get("rows_label") or "row")
        for owner, n in dropped.items():
            self.hold(owner, f"{n} {what}{'' if n == 1 else 's'}")
        out = {**t, "columns": columns, "rows": rows}
        if "marks" in t:
            out["marks"] = kept_marks
        return out

    def row_owner(self, mark: dict[str, Any]) -> str | None:
        owner = mark.get("_owner")
        if isinstance(owner, str) and owner:
            return owner
        metric = mark.get("_metric")
        if isinstance(metric, str) and metric in REGISTRY:
            return owner_of(self.org, metric)
        return None

    def chart(self, c: dict[str, Any]) -> bool:
        metrics = [m for m in c.get("metrics", []) if isinstance(m, str)]
        owners = [o for o in c.get("owners", []) if isinstance(o, str)]
        ok = all(self.sees_metric(m) for m in metrics) and all(self.sees_owner(o) for o in owners)
        if not ok:
            title = str(c.get("title") or "chart")
            for m in metrics:
                if not self.sees_metric(m):
                    self.hold(owner_of(self.org, m), f"chart: {title}")
            for o in owners:
                if not self.sees_owner(o):
                    self.hold(o, f"chart: {title}")
        return ok

    def note(self, n: Any) -> str | None:
        if isinstance(n, dict):
            metrics = [m for m in n.get("metrics", []) if isinstance(m, str)]
            if not all(self.sees_metric(m) for m in metrics):
                self.hold_metrics(metrics)
                return None
            return str(n.get("text", ""))
        return str(n)

    def labels(self) -> list[dict[str, Any]]:
        out = []
        for function, labels in self.withheld.items():
            owner = self.org.owner(function).label if function in self.org.functions else function
            out.append({"owner": owner, "labels": list(labels)})
        return out


def _follow(tables: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Tables that ``follow`` another (``{"table": id, "key": column}``, e.g. a finding's
    evidence) keep only the rows whose ``key`` value is in a row the followed table kept."""
    by_id = {t["id"]: t for t in tables}
    out = []
    for t in tables:
        follows = t.get("follows")
        if isinstance(follows, dict) and follows.get("table") in by_id:
            key = follows["key"]
            kept = {row[key]["value"] for row in by_id[follows["table"]]["rows"] if key in row}
            keep = [row[key]["value"] in kept for row in t["rows"]]
            t = {**t, "rows": [row for row, k in zip(t["rows"], keep, strict=True) if k]}
            if "marks" in t:
                t["marks"] = [m for m, k in zip(t["marks"], keep, strict=True) if k]
        out.append(t)
    return out


def redact(data: dict[str, Any], user: User, org: OrgMap) -> dict[str, Any]:
    """``data`` (a page's data dict, shared by every user) as ``user`` may see it: figures,
    table columns and rows, charts and notes of metrics (or owners) outside the user's
    functions removed, drill links the user cannot open removed, and ``withheld`` listing
    what was removed by owner (``[{"owner": "RevOps", "labels": ["CAC", ...]}]``)."""
    r = _Redactor(user, org)
    out = dict(data)
    if "figures" in data:
        out["figures"] = r.figures(data["figures"])
    if "tables" in data:
        tables = [r.table(t) for t in data["tables"]]
        out["tables"] = _follow([t for t in tables if t is not None])
    if "charts" in data:
        out["charts"] = [c for c in data["charts"] if r.chart(c)]
    if "notes" in data:
        notes = [r.note(n) for n in data["notes"]]
        out["notes"] = [n for n in notes if n is not None]
    out["withheld"] = r.labels()
    return out
