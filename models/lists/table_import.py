"""Import a city's list from XLSX or CSV (the 9-column 立结案标准 template or our export).

Rows continuing the previous 小类 (blank or merged 小类 cells) add more 立案条件. Free-text
处置单位 of the template is mapped onto registered departments (see unit_mapping); when no
fragment of a cell can be mapped the item goes to ``jiedao`` (属地兜底, contract §3) and the
report lists the unmapped wording, which is also kept in the item's ``source``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dispatcher.lists import Department, ListKind, ResponsibilityList
from models.lists import texts
from models.lists.errors import ListError, ListValidationError
from models.lists.loader import build_list, load_responsibility_list
from models.lists.table_format import (
    FILING,
    ITEM_NAME,
    LIST_COLUMN,
    LIST_NAMES,
    kind_of_sheet,
)
from models.lists.table_read import Sheet, Table, locate_header, missing_columns, read_sheets
from models.lists.table_registry import read_label, read_registry, registry_document
from models.lists.table_sheet import ImportReport, SheetParser
from models.lists.unit_mapping import UnitMapper

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "responsibility_lists" / "default"


@dataclass(frozen=True)
class ImportResult:
    list: ResponsibilityList
    report: ImportReport


def import_table(path: Path) -> ResponsibilityList:
    return import_table_with_report(path).list


def import_table_with_report(
    path: Path, *, departments: Mapping[str, Department] | None = None, label: str | None = None
) -> ImportResult:
    """Read every 部件/事件 sheet of ``path``; raise ListValidationError listing every bad row."""
    sheets = read_sheets(path)
    errors: list[ListError] = []
    registry = read_registry(sheets, file=path.name, errors=errors) or departments
    if registry is None:
        registry = load_responsibility_list(DEFAULT_DIR).departments
    report = ImportReport()
    docs: dict[ListKind, dict[str, Any]] = {}
    for _sheet, kind, table in _list_tables(path, sheets, errors):
        parser = SheetParser(path.name, table, kind, UnitMapper(registry), report, errors)
        parser.run()
        docs.setdefault(kind, {"list": kind.value, "categories": []})["categories"] += (
            parser.categories
        )
    if not docs and not errors:
        errors.append(ListError(path.name, "", texts.TABLE_NO_ROWS))
    if errors:
        raise ListValidationError(errors)
    final_label = label or read_label(sheets) or f"导入自 {path.name}"
    for kind in ListKind:  # a file with only one of the lists is still a usable import
        docs.setdefault(kind, {"list": kind.value, "categories": []})
    lst = build_list(
        departments=registry_document(final_label, registry),
        lists=docs,
        files={kind: f"{path.name}「{LIST_NAMES[kind]}」" for kind in ListKind},
    )
    return ImportResult(lst, report)


def _list_tables(
    path: Path, sheets: list[Sheet], errors: list[ListError]
) -> list[tuple[Sheet, ListKind, Table]]:
    found = []
    for sheet in sheets:
        kind = kind_of_sheet(sheet.title) or (
            kind_of_sheet(path.stem) if len(sheets) == 1 else None
        )
        table = locate_header(sheet)
        if table is None:
            if kind is not None:
                columns = "、".join((ITEM_NAME, FILING))
                errors.append(
                    ListError(
                        f"{path.name}「{sheet.title}」",
                        "",
                        texts.TABLE_NO_HEADER.format(columns=columns),
                    )
                )
            continue
        where = f"{path.name}「{sheet.title}」"
        missing = missing_columns(table)
        for column in missing:
            errors.append(
                ListError(where, "表头", texts.TABLE_MISSING_COLUMN.format(column=column))
            )
        if missing:
            continue
        if kind is not None:
            found.append((sheet, kind, table))
        elif LIST_COLUMN in table.columns:
            found += [(sheet, k, sub) for k, sub in _split_by_list_column(table, where, errors)]
        else:
            errors.append(
                ListError(where, "表头", texts.TABLE_MISSING_COLUMN.format(column=LIST_COLUMN))
            )
    return found


def _split_by_list_column(
    table: Table, where: str, errors: list[ListError]
) -> list[tuple[ListKind, Table]]:
    """A single CSV holding both lists: rows go by their 清单 cell; blank continues the last."""
    names = {name: kind for kind, name in LIST_NAMES.items()}
    names.update({kind.value: kind for kind in ListKind})
    rows: dict[ListKind, list[tuple[int, list[str]]]] = {kind: [] for kind in ListKind}
    current: ListKind | None = None
    for number, row in table.rows:
        value = table.cell(row, LIST_COLUMN)
        if value:
            current = names.get(value)
            if current is None:
                errors.append(
                    ListError(where, f"第 {number} 行「{LIST_COLUMN}」", texts.TABLE_BAD_LIST)
                )
        if current is not None:
            rows[current].append((number, row))
    return [
        (kind, Table(table.title, table.columns, found)) for kind, found in rows.items() if found
    ]
