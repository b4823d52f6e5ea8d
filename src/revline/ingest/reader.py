"""Reading a source file into an Arrow table of text columns, or one clear SourceFileError.

Every cell is read as text so that a bad value becomes a quarantined row with its reason rather
than a failed file. A file that cannot be read at all (missing, empty, truncated, wrong encoding,
wrong delimiter, corrupt Parquet) raises one :class:`SourceFileError` naming the file, the
problem and the fix, before anything touches the warehouse.
"""

from __future__ import annotations

import errno
import io
import stat
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from revline.errors import SourceFileError
from revline.ingest.csv_problems import csv_structure_problem, encoding_problem
from revline.ingest.formats import FORMATS, SourceFormat
from revline.ingest.mapping import CsvOptions

#: Headers starting with this are revline's own working columns (e.g. ``_revline_row``).
RESERVED_PREFIX = "_revline_"
#: Characters that, found in a lone header, mean the file uses another delimiter.
DELIMITER_NAMES = {";": "semicolon", "\t": "tab", "|": "pipe", ",": "comma"}


def read_source(path: Path, fmt: str, options: CsvOptions) -> pa.Table:
    """The file's rows as an Arrow table with one text column per source column."""
    _check_regular_file(path)
    if path.stat().st_size == 0:
        raise SourceFileError(
            str(path), "the file is empty (0 bytes).", hint="Export the data again."
        )
    table = FORMATS.get(fmt).read(path, options)
    _check_headers(path, table, options)
    return table


def _check_regular_file(path: Path) -> None:
    """Refuse anything but a readable regular file, saying what it is instead (never opening a
    named pipe or a device, which could block or never end)."""
    try:
        info = path.stat()
    except FileNotFoundError:
        hint = "Check the path; relative paths are resolved from the current folder."
        raise SourceFileError(str(path), "file not found.", hint=hint) from None
    except OSError as err:
        if err.errno == errno.ELOOP:
            raise SourceFileError(
                str(path),
                "is a symbolic link loop (the link points, directly or not, to itself).",
                hint="Point the link at the real file, or give the real file's path.",
            ) from None
        raise SourceFileError(
            str(path), f"cannot be read: {err.strerror}.", hint="Check the path and permissions."
        ) from None
    if stat.S_ISDIR(info.st_mode):
        raise SourceFileError(
            str(path),
            "is a directory, not a file.",
            hint="Give the path of one CSV or Parquet file inside it; import each file in turn.",
        )
    if not stat.S_ISREG(info.st_mode):
        what = "a named pipe" if stat.S_ISFIFO(info.st_mode) else "a device"
        if stat.S_ISSOCK(info.st_mode):
            what = "a socket"
        raise SourceFileError(
            str(path),
            f"is not a regular file ({what}); revline imports files it can read to the end.",
            hint="Save the data to a file first and import that file.",
        )


def read_csv(path: Path, options: CsvOptions) -> pa.Table:
    """Parse a CSV with every column as text; diagnose a parse failure to a line and a fix."""
    read = pacsv.ReadOptions(
        encoding=options.encoding,
        autogenerate_column_names=not options.header,
        block_size=16 << 20,
    )
    parse = pacsv.ParseOptions(
        delimiter=options.delimiter, quote_char=options.quote, newlines_in_values=True
    )
    names = _header(path, options)
    convert = pacsv.ConvertOptions(
        column_types=dict.fromkeys(names, pa.string()),
        null_values=list(options.null_values),
        strings_can_be_null=True,
        quoted_strings_can_be_null=True,
    )
    try:
        try:
            table = pacsv.read_csv(_source(path, options.encoding), read, parse, convert)
        except pa.ArrowInvalid as err:
            if "straddl" not in str(err):
                raise
            # a row longer than the block (a field of tens of MB): read again with larger blocks
            read.block_size = HEADER_BLOCKS[-1]
            table = pacsv.read_csv(_source(path, options.encoding), read, parse, convert)
    except (pa.ArrowInvalid, UnicodeDecodeError) as err:
        raise _diagnose(path, options, str(err)) from None
    if not options.header:
        table = table.rename_columns([f"column{i + 1}" for i in range(table.num_columns)])
    # Columns pyarrow typed on its own (e.g. all-null) are cast to text like the rest.
    return table.cast(pa.schema([pa.field(n, pa.string()) for n in table.column_names]))


#: Block sizes tried in turn to read the header and first row: a first row longer than a block
#: (a 5,000-column header, a 140 KB field) is read again with a larger block.
HEADER_BLOCKS = (1 << 16, 16 << 20, 256 << 20)


def _source(path: Path, encoding: str) -> Path | io.BytesIO:
    """The file, or its bytes with a final newline when it is a single line without one (a
    header-only export), which pyarrow would otherwise call empty."""
    newline = "\n".encode(encoding, errors="replace")
    if newline != b"\n":  # UTF-16 and the like: leave the file as it is
        return path
    seen = bytearray()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 16):
            if b"\n" in chunk or b"\r" in chunk or len(seen) > HEADER_BLOCKS[1]:
                return path
            seen += chunk
    return io.BytesIO(bytes(seen) + b"\n")


def _header(path: Path, options: CsvOptions) -> list[str]:
    """The header names (or generated ones), read with the same options as the data."""
    size = path.stat().st_size
    for block in HEADER_BLOCKS:
        try:
            head = pacsv.open_csv(
                _source(path, options.encoding),
                pacsv.ReadOptions(
                    encoding=options.encoding,
                    autogenerate_column_names=not options.header,
                    block_size=block,
                ),
                pacsv.ParseOptions(
                    delimiter=options.delimiter, quote_char=options.quote, newlines_in_values=True
                ),
                pacsv.ConvertOptions(column_types={}, strings_can_be_null=True),
            )
            return list(head.schema.names)
        except (pa.ArrowInvalid, UnicodeDecodeError) as err:
            if isinstance(err, pa.ArrowInvalid) and block < size and block != HEADER_BLOCKS[-1]:
                continue  # the first row may just be longer than the block
            raise _diagnose(path, options, str(err)) from None
    raise AssertionError("unreachable")  # pragma: no cover


def _diagnose(path: Path, options: CsvOptions, arrow_message: str) -> SourceFileError:
    """Turn a parser failure into an error naming the line and the fix."""
    if "Empty CSV file" in arrow_message:
        return SourceFileError(
            str(path), "the file has no header line.", hint="Export the data again with a header."
        )
    problem = encoding_problem(path, options.encoding)
    if problem is not None:
        return problem
    problem = csv_structure_problem(path, options)
    if problem is not None:
        return problem
    return SourceFileError(
        str(path),
        f"cannot be parsed as CSV: {arrow_message}",
        hint="Check the delimiter, quoting and encoding; set them under `csv:` in the mapping.",
    )


def read_parquet(path: Path, options: CsvOptions | None = None) -> pa.Table:
    """Read a Parquet file; each column becomes text later, in DuckDB."""
    try:
        return pq.read_table(path)
    except (pa.ArrowException, OSError) as err:
        raise SourceFileError(
            str(path),
            f"is not a readable Parquet file ({err}).",
            hint="The file is corrupt or truncated, or not Parquet: export it again, or set "
            "`format: csv` in the mapping if it is CSV.",
        ) from None


def _check_headers(path: Path, table: pa.Table, options: CsvOptions) -> None:
    names = table.column_names
    for name in names:
        if name.startswith(RESERVED_PREFIX):
            raise SourceFileError(
                str(path),
                f"the header {name!r} is reserved: names starting with {RESERVED_PREFIX!r} are "
                "revline's own working columns.",
                hint="Rename that column in the file (or drop it) and import again.",
            )
    if len(names) == 1:
        lone = names[0]
        for char, name in DELIMITER_NAMES.items():
            if char != options.delimiter and char in lone:
                shown = "\\t" if char == "\t" else char
                raise SourceFileError(
                    str(path),
                    f"only one column was found ({lone[:60]!r}) but the header contains "
                    f"{name} characters: the file looks {name}-delimited.",
                    hint=f'Set the delimiter in the mapping: csv: {{delimiter: "{shown}"}}',
                )
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise SourceFileError(
                str(path),
                f"column {name!r} appears twice in the header.",
                hint="Rename one of the columns so every header is unique.",
            )
        seen.add(name)


FORMATS.register("csv", SourceFormat("csv", (".csv", ".tsv", ".txt"), read_csv))
FORMATS.register("parquet", SourceFormat("parquet", (".parquet", ".pq"), read_parquet, typed=True))
