"""What every CSV import (leads, price lists, inbound supply) asks of an uploaded file before reading its rows:
UTF-8 text that is not empty, and a header naming known columns once each. ``refused`` makes the import's own
refusal from a reason, so each import keeps its error code."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from typing import IO

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


def uploaded_text(file: bytes | str | IO[bytes], *, refused: Callable[[str], Exception]) -> str:
    data = file if isinstance(file, bytes | str) else file.read()
    if isinstance(data, str):
        data = data.encode()
    try:
        text = data.decode("utf-8-sig")  # the byte order mark spreadsheet programs write is not a column name
    except UnicodeDecodeError:
        raise refused(gettext('The file is not UTF-8 text: save it as "CSV UTF-8" and upload it again.')) from None
    if not text.strip():
        raise refused(gettext("The file is empty."))
    return text


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
    text: str, *, header: Callable[[list[str]], list[str]]
) -> tuple[list[tuple[int, dict[str, str]]], list[tuple[int, str]]]:
    """The rows of ``text`` under its header (``header`` checks and names the columns): (line number, values by
    column) for each row that is not blank, and (line number, message) for each row with more values than
    columns. The separator is the one the header row uses most (";" or ","); a quoted value may span lines, so
    the numbers follow the reader."""
    header_line = text.splitlines()[0]
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    names = header(next(reader))
    parsed: list[tuple[int, dict[str, str]]] = []
    errors: list[tuple[int, str]] = []
    line_no = reader.line_num + 1
    for cells in reader:
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
        line_no = reader.line_num + 1
    return parsed, errors
