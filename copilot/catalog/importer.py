"""Catalog files -> validated songs: CSV, TSV and JSONL parsing under limits (pure except reading).

:func:`parse_catalog` reads a whole file and returns the good songs plus a list of
:class:`RowError` (row number, line number, reason). Nothing touches the store here,
so ``--on-error abort`` can refuse a file before anything is written.

Limits: ``csv.field_size_limit`` is raised deliberately to :data:`CSV_FIELD_LIMIT`
(our own cap, above every per-field cap in :mod:`records`); a JSONL line may be at most
:data:`MAX_LINE_BYTES` and nest at most :data:`MAX_JSON_DEPTH` levels. The file is
decoded as UTF-8 (a BOM is accepted) with ``surrogateescape``, so a row with broken
bytes is reported and skipped instead of failing the whole file. NUL bytes, missing
id/title, giant fields and duplicate ids are row errors too.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from copilot.catalog.records import Song, song_from_mapping
from copilot.errors import CatalogError, InputError

CSV_FIELD_LIMIT = 1_000_000
"""Largest CSV field the parser accepts (characters); larger fields are row errors."""
MAX_LINE_BYTES = 1_000_000
MAX_JSON_DEPTH = 20
MAX_FILE_BYTES = 2_000_000_000
MAX_ROWS = 2_000_000
FORMATS = ("auto", "csv", "tsv", "jsonl")


@dataclass(frozen=True)
class RowError:
    """A rejected row: ``row`` counts data rows from 1 (header excluded), ``line`` is the file line."""

    row: int
    line: int
    reason: str

    def __str__(self) -> str:
        return f"row {self.row} (line {self.line}): {self.reason}"


@dataclass(frozen=True)
class ParseResult:
    """The good songs in file order and the rejected rows."""

    songs: list[Song]
    errors: list[RowError]
    rows: int


def detect_format(path: Path, head: bytes) -> str:
    """csv, tsv or jsonl from the suffix, else from the first line."""
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    if suffix in (".tsv", ".tab"):
        return "tsv"
    if suffix == ".csv":
        return "csv"
    first = head.lstrip(b"\xef\xbb\xbf").lstrip()[:1]
    if first == b"{":
        return "jsonl"
    line = head.split(b"\n", 1)[0]
    return "tsv" if line.count(b"\t") > line.count(b",") else "csv"


def _depth(value: Any, limit: int) -> int:
    """Nesting depth of a parsed JSON value, stopping early past ``limit``."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    deepest = 0
    while stack:
        item, d = stack.pop()
        deepest = max(deepest, d)
        if deepest > limit:
            return deepest
        if isinstance(item, dict):
            stack.extend((v, d + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, d + 1) for v in item)
    return deepest


def _jsonl_rows(text: str) -> Iterator[tuple[int, int, dict[str, Any] | str]]:
    """(row, line, mapping or error text) per non-blank line."""
    row = 0
    for line_no, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        row += 1
        if len(line) > MAX_LINE_BYTES:
            yield row, line_no, f"line is {len(line):,} characters long (limit {MAX_LINE_BYTES:,})"
            continue
        if line.count("[") + line.count("{") > 10 * MAX_JSON_DEPTH and _bracket_depth(line) > MAX_JSON_DEPTH:
            yield row, line_no, f"JSON nested deeper than {MAX_JSON_DEPTH} levels"
            continue
        try:
            value = json.loads(line)
        except (ValueError, RecursionError) as exc:
            yield row, line_no, f"not valid JSON ({str(exc)[:80]})"
            continue
        if not isinstance(value, dict):
            yield row, line_no, "each line must be a JSON object"
        elif _depth(value, MAX_JSON_DEPTH) > MAX_JSON_DEPTH:
            yield row, line_no, f"JSON nested deeper than {MAX_JSON_DEPTH} levels"
        else:
            yield row, line_no, value


def _bracket_depth(line: str) -> int:
    depth = deepest = 0
    for ch in line:
        if ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


def _csv_rows(text: str, delimiter: str) -> Iterator[tuple[int, int, dict[str, Any] | str]]:
    """(row, line, mapping or error text) per CSV/TSV record; the header names the fields."""
    csv.field_size_limit(CSV_FIELD_LIMIT)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        return
    except csv.Error as exc:
        raise CatalogError(f"cannot read the header line: {exc}") from exc
    header = [h.strip().lower() for h in header]
    if "id" not in [h.lstrip("\ufeff") for h in header]:
        raise CatalogError(f"the header has no 'id' column (found: {', '.join(header[:12])})")
    header = [h.lstrip("\ufeff") for h in header]
    row = 0
    while True:
        start = reader.line_num + 1
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            row += 1
            yield row, start, f"unreadable row ({exc})"
            continue
        if not fields or all(not f.strip() for f in fields):
            continue
        row += 1
        if len(fields) > len(header):
            yield row, start, f"{len(fields)} fields but the header has {len(header)}"
            continue
        yield row, start, dict(zip(header, fields, strict=False))


def parse_catalog(path: Path, fmt: str = "auto") -> ParseResult:
    """Read and validate a catalog file. Raises CatalogError for a file that cannot be read at all."""
    if fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}", setting="--format")
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise CatalogError(f"{path} is {size:,} bytes (limit {MAX_FILE_BYTES:,})")
        data = path.read_bytes()
    except OSError as exc:
        raise CatalogError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if fmt == "auto":
        fmt = detect_format(path, data[:4096])
    text = data.decode("utf-8-sig", errors="surrogateescape")
    rows = _jsonl_rows(text) if fmt == "jsonl" else _csv_rows(text, "\t" if fmt == "tsv" else ",")
    songs: list[Song] = []
    errors: list[RowError] = []
    first_seen: dict[str, int] = {}
    count = 0
    for row, line, value in rows:
        count = row
        if row > MAX_ROWS:
            raise CatalogError(f"{path} has more than {MAX_ROWS:,} rows; split it")
        if isinstance(value, str):
            errors.append(RowError(row, line, value))
            continue
        if any(isinstance(v, str) and "\x00" in v for v in value.values()):
            errors.append(RowError(row, line, "contains a NUL byte"))
            continue
        try:
            song = song_from_mapping(value)
        except CatalogError as exc:
            errors.append(RowError(row, line, exc.message))
            continue
        if song.id in first_seen:
            errors.append(RowError(row, line, f"duplicate id {song.id!r} (first at row {first_seen[song.id]})"))
            continue
        first_seen[song.id] = row
        songs.append(song)
    return ParseResult(songs, errors, count)
