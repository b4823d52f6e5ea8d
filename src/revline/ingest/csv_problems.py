"""Finding where and why a CSV file cannot be read, once the fast parser has refused it.

These run only on the failure path, so a plain scan of the file is fine here: the point is a
message that names the byte offset or line and says how to fix it.
"""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path

from revline.errors import SourceFileError
from revline.ingest.mapping import CsvOptions


def encoding_problem(path: Path, encoding: str) -> SourceFileError | None:
    """The first byte that is not valid in ``encoding``, with its line, or ``None``."""
    decoder = codecs.getincrementaldecoder(encoding)()
    offset = 0
    line = 1
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as err:
                bad = offset + err.start
                line += chunk[: err.start].count(b"\n")
                sample = chunk[err.start : err.start + 4]
                guess = _guess_encoding(path)
                better = f" It decodes as {guess}." if guess else ""
                return SourceFileError(
                    str(path),
                    f"not valid {encoding}: byte {sample[:1]!r} at byte offset {bad} "
                    f"(line {line}).{better}",
                    hint=f"Save the file as UTF-8, or declare its encoding in the mapping: "
                    f"csv: {{encoding: {guess or 'latin-1'}}}",
                )
            offset += len(chunk)
            line += chunk.count(b"\n")
    return None


def _guess_encoding(path: Path) -> str | None:
    data = path.read_bytes()
    if data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        return "utf-16"
    for candidate in ("utf-8", "cp1252", "latin-1"):
        try:
            data.decode(candidate)
            return candidate
        except UnicodeDecodeError:
            continue
    return None


def csv_structure_problem(path: Path, options: CsvOptions) -> SourceFileError | None:
    """The first record whose field count differs from the header's, or an open quote."""
    text = path.read_text(encoding=options.encoding, errors="replace")
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, len(text) + 1))  # a long field is not a quoting problem
    try:
        return _first_bad_record(path, text, options)
    finally:
        csv.field_size_limit(limit)


def _first_bad_record(path: Path, text: str, options: CsvOptions) -> SourceFileError | None:
    reader = csv.reader(
        io.StringIO(text, newline=""),
        delimiter=options.delimiter,
        quotechar=options.quote,
        strict=True,
    )
    expected: int | None = None
    record = 0
    try:
        for fields in reader:
            if not fields:
                continue
            if expected is None:
                expected = len(fields)
                continue
            record += 1
            if len(fields) != expected:
                last = reader.line_num >= text.count("\n") + (0 if text.endswith("\n") else 1)
                why = " The file looks truncated." if last else ""
                return SourceFileError(
                    str(path),
                    f"line {reader.line_num} (data row {record}) has {len(fields)} fields but "
                    f"the header has {expected}.{why}",
                    hint="Export the file again if it was cut short; otherwise quote values "
                    "that contain the delimiter or fix that line.",
                )
    except csv.Error as err:
        return SourceFileError(
            str(path),
            f"broken quoting near line {reader.line_num} (data row {record + 1}): {err}. "
            "A quoted value is never closed, so the file looks truncated.",
            hint='Export the file again; a value that contains a quote must double it ("").',
        )
    return None
