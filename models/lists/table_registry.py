"""The 部门 and 说明 sheets of an exported workbook: department registry and list label."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dispatcher.lists import Department
from models.lists import texts
from models.lists.errors import ListError
from models.lists.table_format import (
    DEPARTMENTS_SHEET,
    DEPT_DUTIES,
    DEPT_ID,
    DEPT_NAME,
    DEPT_SHORT,
    INFO_SHEET,
    LABEL_KEY,
    SEPARATOR,
)
from models.lists.table_read import Sheet


def read_registry(
    sheets: list[Sheet], *, file: str, errors: list[ListError]
) -> dict[str, Department] | None:
    sheet = next((s for s in sheets if s.title == DEPARTMENTS_SHEET), None)
    if sheet is None or not sheet.rows:
        return None
    header = sheet.rows[0]
    where = f"{file}「{sheet.title}」"
    missing = [c for c in (DEPT_ID, DEPT_NAME, DEPT_SHORT) if c not in header]
    for column in missing:
        errors.append(ListError(where, "表头", texts.TABLE_MISSING_COLUMN.format(column=column)))
    if missing:
        return None
    # 职责 is optional: workbooks exported before it existed still import.
    names = (DEPT_ID, DEPT_NAME, DEPT_SHORT, DEPT_DUTIES)
    col = {name: header.index(name) for name in names if name in header}
    registry: dict[str, Department] = {}
    for number, row in enumerate(sheet.rows[1:], start=2):
        if not any(row):
            continue
        cells = {name: (row[i] if i < len(row) else "") or "" for name, i in col.items()}
        if not cells[DEPT_ID] or not cells[DEPT_NAME]:
            column = DEPT_ID if not cells[DEPT_ID] else DEPT_NAME
            errors.append(ListError(where, f"第 {number} 行「{column}」", texts.EMPTY_TEXT))
            continue
        registry[cells[DEPT_ID]] = Department(
            cells[DEPT_ID], cells[DEPT_NAME], _words(cells[DEPT_SHORT]),
            _words(cells.get(DEPT_DUTIES, "")),
        )
    return registry


def _words(cell: str) -> tuple[str, ...]:
    return tuple(s.strip() for s in cell.split(SEPARATOR) if s.strip())


def read_label(sheets: list[Sheet]) -> str | None:
    sheet = next((s for s in sheets if s.title == INFO_SHEET), None)
    for row in sheet.rows if sheet else []:
        if len(row) >= 2 and row[0] == LABEL_KEY and row[1]:
            return row[1]
    return None


def registry_document(label: str, registry: Mapping[str, Department]) -> dict[str, Any]:
    return {
        "label": label,
        "departments": [
            {"id": d.id, "name": d.name, "short_names": list(d.short_names),
             "duties": list(d.duties)}
            for d in registry.values()
        ],
    }
