"""What every CSV import (leads, price lists, inbound supply, exchange rates) asks of an uploaded file before
reading its rows: UTF-8 text that is not empty, no larger than SALESFLOW_CSV_MAX_BYTES and with no more than
SALESFLOW_CSV_MAX_ROWS rows, and a header naming known columns once each. The file is read as a stream.
``refused`` makes the import's own refusal from a reason, so each import keeps its error code."""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext

from core.errors import ValidationFailed


class ImportRefused(ValidationFailed):
    """A file that was not imported; ``rows`` lists every wrong row as "line N: column: …" (the API answers one
    error per row, the form shows them under the file field)."""

    code: str = ""

    def __init__(self, *, reason: str, rows: list[str] = ()):
        self.rows = list(rows)
        super().__init__(code=self.code, reason=reason, field_errors={"file": "\n".join(self.rows) or reason})

    @property
    def errors(self) -> list[dict]:
        return [{"field": "file", "message": row} for row in self.rows] or [{"field": "file", "message": self.reason}]


@dataclass
class CsvUpload:
    """An uploaded CSV file being read: its text line by line (line ends kept, as the csv module wants them), the
    separator its header row uses most (";" or ","), and how the import refuses it."""

    lines: Iterator[str]
    delimiter: str
    refused: Callable[[str], Exception]


class _CappedReader(io.RawIOBase):
    """The upload's bytes, read in chunks; refused once more than ``limit`` bytes came (a stream whose size
    was not known beforehand)."""

    def __init__(self, raw: IO[bytes], *, limit: int, too_large: Callable[[], Exception]):
        self._raw, self._limit, self._too_large, self._seen = raw, limit, too_large, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self._raw.read(len(buffer))
        self._seen += len(data)
        if self._seen > self._limit:
            raise self._too_large()
        buffer[: len(data)] = data
        return len(data)


def _too_large(refused: Callable[[str], Exception]) -> Exception:
    return refused(
        gettext("The file is larger than %(limit)s: split it into smaller files.")
        % {"limit": filesizeformat(settings.SALESFLOW_CSV_MAX_BYTES)}
    )


def _decoded(text: IO[str], refused: Callable[[str], Exception]) -> Iterator[str]:
    try:
        yield from text
    except UnicodeDecodeError:
        raise refused(gettext('The file is not UTF-8 text: save it as "CSV UTF-8" and upload it again.')) from None


def uploaded_csv(file: bytes | str | IO[bytes], *, refused: Callable[[str], Exception]) -> CsvUpload:
    """The file as a stream of UTF-8 text, never read whole into memory: refused when it is larger than
    SALESFLOW_CSV_MAX_BYTES (at once when its size is known, else as soon as the reading passes it), not UTF-8
    or empty."""
    limit = settings.SALESFLOW_CSV_MAX_BYTES
    if isinstance(file, str):
        file = file.encode()
    raw = io.BytesIO(file) if isinstance(file, bytes) else file
    size = getattr(raw, "size", None)
    if size is None and isinstance(file, bytes):
        size = len(file)
    if size is not None and size > limit:
        raise _too_large(refused)
    capped = _CappedReader(raw, limit=limit, too_large=lambda: _too_large(refused))
    # utf-8-sig: the byte order mark spreadsheet programs write is not a column name
    lines = _decoded(io.TextIOWrapper(io.BufferedReader(capped), encoding="utf-8-sig", newline=""), refused)
    header_line = next(lines, "")
    blank_lines = [header_line]
    while not blank_lines[-1].strip():
        following = next(lines, None)
        if following is None:
            raise refused(gettext("The file is empty."))
        blank_lines.append(following)
    # The header row (the first line) tells the separator: column names never contain one.
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    return CsvUpload(lines=itertools.chain(blank_lines, lines), delimiter=delimiter, refused=refused)


def csv_rows(upload: CsvUpload) -> Iterator[tuple[int, list[str]]]:
    """(line number where the row starts, cells) for the header and each row after it; a quoted value may span
    lines, so the numbers follow the reader. Refused when more than SALESFLOW_CSV_MAX_ROWS rows follow the
    header: an import checks every row before it saves any, so all of them are held at once."""
    limit = settings.SALESFLOW_CSV_MAX_ROWS
    reader = csv.reader(upload.lines, delimiter=upload.delimiter)
    line_no = 1
    for count, cells in enumerate(reader):
        if count > limit:
            raise upload.refused(
                gettext("The file has more than %(limit)d rows: split it into files of at most %(limit)d rows.")
                % {"limit": limit}
            )
        yield line_no, cells
        line_no = reader.line_num + 1


def header_names(cells: list[str], columns: Iterable[str], *, refused: Callable[[str], Exception]) -> list[str]:
    """The header's column names, lower case; refused when one is unknown or named twice."""
    columns = list(columns)
    names = [cell.strip().lower() for cell in cells]
    unknown = [cell.strip() for cell, name in zip(cells, names, strict=True) if name not in columns]
    if unknown:
        raise refused(
            gettext("Unknown column %(columns)s. The columns are: %(accepted)s.")
            % {"columns": ", ".join(f"'{name}'" for name in unknown), "accepted": ", ".join(columns)}
        )
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise refused(gettext("Column %(columns)s appears more than once.") % {"columns": ", ".join(repeated)})
    return names


def data_rows(
    upload: CsvUpload, *, header: Callable[[list[str]], list[str]]
) -> tuple[list[tuple[int, dict[str, str]]], list[tuple[int, str]]]:
    """The rows of ``upload`` under its header (``header`` checks and names the columns): (line number, values by
    column) for each row that is not blank, and (line number, message) for each row with more values than
    columns."""
    rows = csv_rows(upload)
    _, header_cells = next(rows)
    names = header(header_cells)
    parsed: list[tuple[int, dict[str, str]]] = []
    errors: list[tuple[int, str]] = []
    for line_no, cells in rows:
        if any(cell.strip() for cell in cells):
            if len(cells) > len(names):
                errors.append(
                    (
                        line_no,
                        gettext("%(found)d values but the header names %(columns)d columns.")
                        % {"found": len(cells), "columns": len(names)},
                    )
                )
            else:
                parsed.append((line_no, dict(zip(names, cells, strict=False))))
    return parsed, errors
