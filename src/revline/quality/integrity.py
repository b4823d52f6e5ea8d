"""Referential and duplicate checks: orphans, duplicates, and what the importer quarantined.

Orphans are driven by the foreign keys declared in :mod:`revline.schema`; duplicates come
from the ``quarantine`` table (rule ``duplicate_key``) and from a short list of "likely
duplicate" keys, one per table where the canonical model implies one.
"""

from __future__ import annotations

from collections.abc import Callable

import ibis
import ibis.expr.types as ir

from revline.quality.findings import Context, Finding, example_list, ids_of, noun, verb
from revline.schema import TABLES, Table

# -- orphans ---------------------------------------------------------------------------------


def orphans(ctx: Context) -> list[Finding]:
    """For every declared foreign key, non-null values with no row in the referenced table."""
    out = []
    for table in TABLES.values():
        if not table.foreign_keys or not ctx.has(table.name):
            continue
        for column, ref_table, ref_column in _broken_keys(ctx, table):
            rows = ctx.table(table.name)
            target = ctx.table(ref_table).view()
            bad = rows.filter(rows[column].notnull()).anti_join(
                target, rows[column] == target[ref_column]
            )
            count, examples = ids_of(ctx.wh, bad, table.primary_key)
            if not count:
                continue
            n_missing, missing = ids_of(ctx.wh, bad, column)
            article = "an" if column[0] in "aeiou" else "a"
            message = (
                f"{noun(table.name, count)} {verb(count, 'has', 'have')} {article} {column} "
                f"not found in {ref_table}.{ref_column}: {example_list(count, examples)} "
                f"({n_missing} missing {verb(n_missing, 'value', 'values')}: "
                f"{example_list(n_missing, missing)}); joins on {column} drop or mislabel "
                f"these rows."
            )
            out.append(
                Finding(
                    "orphans",
                    tuple(dict.fromkeys((table.name, ref_table))),
                    "error",
                    count,
                    examples,
                    message,
                    columns=(column,),
                    details=tuple(f"missing {ref_table}.{ref_column}: {m}" for m in missing),
                )
            )
    return out


def _broken_keys(ctx: Context, table: Table) -> list[tuple[str, str, str]]:
    """The foreign keys of ``table`` with at least one orphan, found in one query."""
    rows = ctx.table(table.name)
    counts = {}
    for column, ref_table, ref_column in table.foreign_keys:
        target = ctx.table(ref_table).view()[ref_column]
        orphan = rows[column].notnull() & ~rows[column].isin(target)
        counts[column] = orphan.cast("int64").sum()
    found = ctx.wh.ibis.execute(rows.aggregate(**counts))
    return [fk for fk in table.foreign_keys if int(found[fk[0]].iloc[0] or 0) > 0]


# -- duplicates ------------------------------------------------------------------------------


def quarantined_duplicates(ctx: Context) -> list[Finding]:
    """Rows the importer refused because their source id appeared twice, per table."""
    if not ctx.has("quarantine"):
        return []
    q = ctx.table("quarantine")
    q = q.filter(q.rule == "duplicate_key")
    tables = sorted(ctx.wh.ibis.execute(q.select("table_name").distinct())["table_name"])
    out = []
    for name in tables:
        rows = _row_keys(q.filter(q.table_name == name))
        count, _ = ids_of(ctx.wh, rows, "row_key")
        _, examples = ids_of(ctx.wh, rows, "example")
        message = (
            f"{noun(name, count)} {verb(count, 'was', 'were')} quarantined because "
            f"{verb(count, 'its', 'their')} source id appears more than once in one file: "
            f"{example_list(count, examples)}; those rows are not in the warehouse, so the "
            f"source must say which copy is right."
        )
        out.append(Finding("quarantined_duplicates", (name,), "warning", count, examples, message))
    return out


def _normalised(value: ir.StringValue) -> ir.StringValue:
    """Lower case with every run of non-alphanumerics removed: 'Acme, Inc.' -> 'acmeinc'."""
    return value.lower().re_replace(r"[^a-z0-9]+", "")


KeyBuilder = Callable[[ibis.Table], dict[str, ir.Value]]

#: Tables where two rows with the same key are probably one thing recorded twice: the key,
#: what the rows share, and why it matters.
LIKELY_DUPLICATES: dict[str, tuple[KeyBuilder, str, str]] = {
    "accounts": (
        lambda t: {"k_source": t.source, "k_name": _normalised(t.name)},
        "share a normalised name with another account from the same source",
        "the customer may be counted twice in logos, MRR and pipeline.",
    ),
    "usage": (
        lambda t: {
            "k_subscription": t.subscription_id,
            "k_account": t.account_id,
            "k_meter": t.meter,
            "k_day": t.usage_date,
        },
        "repeat the subscription (or account), meter and day of another usage row",
        "usage and usage-based revenue may be counted twice.",
    ),
}


def likely_duplicates(ctx: Context) -> list[Finding]:
    """Rows that share a natural key with another row (see :data:`LIKELY_DUPLICATES`)."""
    out = []
    for name, (build_key, shared, why) in LIKELY_DUPLICATES.items():
        if not ctx.has(name):
            continue
        table = TABLES[name]
        rows = ctx.table(name)
        keys = build_key(rows)
        keyed = rows.mutate(**keys)
        window = ibis.window(group_by=[keyed[k] for k in keys])
        counted = keyed.mutate(k_copies=keyed[table.primary_key].count().over(window))
        dupes = counted.filter(counted.k_copies > 1)
        count, examples = ids_of(ctx.wh, dupes, table.primary_key)
        if not count:
            continue
        message = f"{noun(name, count)} {shared}: {example_list(count, examples)}; {why}"
        out.append(Finding("likely_duplicates", (name,), "warning", count, examples, message))
    return out


# -- quarantine ------------------------------------------------------------------------------


def _row_keys(q: ibis.Table) -> ibis.Table:
    """One key per quarantined source row (a row may break several rules), and an example id."""
    row = q.row_number.cast("string")
    row_key = q.file.concat(":", row)
    where = q.file.re_extract(r"[^/\\]+$", 0).concat(":", row)  # file name, not the full path
    return q.select(row_key=row_key, example=q.source_id.fill_null(where))


def quarantine_summary(ctx: Context) -> list[Finding]:
    """Rows quarantined per table and rule, so bad input is never hidden behind a clean load."""
    if not ctx.has("quarantine"):
        return []
    q = ctx.table("quarantine")
    groups = ctx.wh.ibis.execute(
        q.group_by(["table_name", "rule"])
        .agg(sample=q.message.min())
        .order_by(["table_name", "rule"])
    )
    out = []
    for name, rule, sample in groups.itertuples(index=False):
        rows = _row_keys(q.filter((q.table_name == name) & (q.rule == rule)))
        count, _ = ids_of(ctx.wh, rows, "row_key")
        _, examples = ids_of(ctx.wh, rows, "example")
        message = (
            f"{noun(name, count)} {verb(count, 'was', 'were')} quarantined by rule {rule} "
            f"(e.g. {sample}): {example_list(count, examples)}; they are not in the warehouse "
            f"until the source is fixed and re-imported."
        )
        out.append(
            Finding("quarantine", (name,), "warning", count, examples, message, details=(rule,))
        )
    return out
