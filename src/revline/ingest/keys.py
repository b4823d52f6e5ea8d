"""Key rules: a source id that is missing, repeated in the file, or an id owned by another row.

Duplicates keep the FIRST occurrence in file order and quarantine later ones naming that first
row. A canonical id already held in the warehouse by another (source, source_id) is an
``id_conflict``: loading it would silently overwrite another system's row.
"""

from __future__ import annotations

from sqlglot import exp

from revline.ingest.expressions import ROW, SID
from revline.ingest.plan import Plan
from revline.ingest.rules import problem
from revline.ingest.sql import cast, col, concat, lit, quoted


def key_rules(plan: Plan, staged: str, target: str) -> list[exp.Select]:
    """Queries for missing and duplicate source ids, duplicate and conflicting canonical ids."""
    pk = plan.table.primary_key
    out: list[exp.Select] = []
    if plan.pk_explicit:
        msg = lit(f"the source id ({plan.id_label}) is empty, so the row cannot be tracked")
        out.append(
            problem(staged, col(SID).is_(exp.null()), "source_id", exp.null(), "required", msg)
        )
        out.append(_duplicates(staged, SID, "source_id", "source id"))
        spec = plan.columns[pk]
        if not (plan.id_columns == (spec.column,) and spec.values is None):
            out.append(_duplicates(staged, pk, pk, pk))  # else the same as the line above
    else:
        out.append(_duplicates(staged, SID, pk, f"source id ({plan.id_label})"))
    out.append(_conflicts(plan, staged, target))
    return out


def _duplicates(staged: str, key: str, column: str, label: str) -> exp.Select:
    first = exp.Window(this=exp.Min(this=col(ROW)), partition_by=[col(key)])
    ranked = exp.select(exp.Star(), exp.alias_(first, "_first", quoted=True)).from_(staged)
    msg = concat(
        f"duplicate {label} ",
        quoted(col(key)),
        ": first seen at row ",
        cast(col("_first"), "VARCHAR"),
        "; only the first occurrence is loaded",
    )
    where = exp.and_(col(key).is_(exp.null()).not_(), col(ROW).neq(col("_first")))
    select = problem("_ranked", where, column, col(key), "duplicate_key", msg)
    return select.from_(ranked.subquery("_ranked"))


def _conflicts(plan: Plan, staged: str, target: str) -> exp.Select:
    pk = plan.table.primary_key
    mine, theirs = "s", "t"
    on = col(pk, theirs).eq(col(pk, mine))
    foreign = exp.or_(
        col("source", theirs).neq(lit(plan.source)),
        exp.NullSafeEQ(this=col("source_id", theirs), expression=col(SID, mine)).not_(),
    )
    theirs_source = col("source", theirs)
    msg = concat(
        f"{pk} ",
        quoted(col(pk, mine)),
        " already belongs to source ",
        quoted(theirs_source),
        " (source id ",
        quoted(col("source_id", theirs)),
        f"); this file's source is '{plan.source}'. If this file is a new export of ",
        quoted(theirs_source),
        ", import it with --source ",
        theirs_source,
        " (or declare `source: ",
        theirs_source,
        "` in its mapping) so its rows update; if it is another system, give it an id_prefix "
        "in its mapping to keep ids apart",
    )
    return (
        exp.select(
            exp.alias_(col(ROW, mine), "row_number"),
            exp.alias_(col(SID, mine), "source_id"),
            exp.alias_(lit(pk), "column_name"),
            exp.alias_(cast(col(pk, mine), "VARCHAR"), "value"),
            exp.alias_(lit("id_conflict"), "rule"),
            exp.alias_(msg, "message"),
        )
        .from_(exp.to_table(staged).as_(mine))
        .join(exp.to_table(target).as_(theirs), on=on)
        .where(foreign)
    )
