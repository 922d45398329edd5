"""Read XLSX / CSV files into plain text grids, merged cells filled, header row located."""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.worksheet import Worksheet

from models.lists import texts
from models.lists.errors import ListError, ListValidationError
from models.lists.table_format import COLUMN_SYNONYMS, FILING, ITEM_NAME, TEMPLATE_COLUMNS

HEADER_SEARCH_ROWS = 10


@dataclass(frozen=True)
class Sheet:
    title: str
    rows: list[list[str]]  # row i of the file is rows[i - 1]


@dataclass(frozen=True)
class Table:
    """One sheet with its header located: column name -> index, data rows with file row numbers."""

    title: str
    columns: dict[str, int]
    rows: list[tuple[int, list[str]]]

    def cell(self, row: list[str], column: str) -> str:
        index = self.columns.get(column)
        return row[index] if index is not None and index < len(row) else ""


def cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_sheets(path: Path) -> list[Sheet]:
    suffix = path.suffix.lower()
    if not path.is_file():
        raise ListValidationError([ListError(path.name, "", texts.FILE_MISSING)])
    if path.stat().st_size == 0:
        raise ListValidationError([ListError(path.name, "", texts.FILE_EMPTY)])
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    if suffix == ".csv":
        return [Sheet(path.stem, _read_csv(path))]
    raise ListValidationError(
        [ListError(path.name, "", texts.TABLE_UNSUPPORTED.format(suffix=suffix))]
    )


def _read_xlsx(path: Path) -> list[Sheet]:
    try:
        workbook = load_workbook(path, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        detail = (
            "不是 zip 格式，可能是改了扩展名的其他文件"
            if isinstance(exc, zipfile.BadZipFile)
            else type(exc).__name__
        )
        raise ListValidationError(
            [ListError(path.name, "", texts.TABLE_NOT_XLSX.format(detail=detail))]
        ) from exc
    return [Sheet(ws.title, _grid(ws)) for ws in workbook.worksheets]


def _grid(ws: Worksheet) -> list[list[str]]:
    rows = [[cell_text(v) for v in row] for row in ws.iter_rows(values_only=True)]
    # A merged block keeps its value in the top-left cell only: copy it into the whole block.
    for block in ws.merged_cells.ranges:
        value = rows[block.min_row - 1][block.min_col - 1] if block.min_row <= len(rows) else ""
        for r in range(block.min_row, min(block.max_row, len(rows)) + 1):
            row = rows[r - 1]
            row.extend([""] * (block.max_col - len(row)))
            for c in range(block.min_col, block.max_col + 1):
                row[c - 1] = value
    return rows


def _read_csv(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):  # WPS/Excel on Chinese Windows save CSV as GBK
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise ListValidationError([ListError(path.name, "", texts.FILE_NOT_UTF8)])
    # newline="" as the csv module requires: a quoted cell may hold a line break.
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        return [[cell_text(v) for v in row] for row in reader]
    except csv.Error as exc:  # e.g. a NUL byte or a stray carriage return
        reason = texts.TABLE_NOT_CSV.format(line=reader.line_num, detail=exc)
        raise ListValidationError([ListError(path.name, "", reason)]) from exc


def locate_header(sheet: Sheet) -> Table | None:
    """The header is the first row (of the first ten) naming 小类名称 and 立案条件."""
    for index, row in enumerate(sheet.rows[:HEADER_SEARCH_ROWS]):
        names = [COLUMN_SYNONYMS.get(v, v) for v in row]
        if ITEM_NAME in names and FILING in names:
            columns: dict[str, int] = {}
            for position, name in enumerate(names):
                if name:
                    columns.setdefault(name, position)
            data = [
                (number, row)
                for number, row in enumerate(sheet.rows, start=1)
                if number > index + 1
            ]
            return Table(sheet.title, columns, data)
    return None


def missing_columns(table: Table) -> list[str]:
    return [column for column in TEMPLATE_COLUMNS if column not in table.columns]
