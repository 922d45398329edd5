"""``gridbot lists …``: stats, validate, import, export and show for the responsibility lists."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.table import Table

from bot import lists_texts as t
from dispatcher.lists import Item, ListKind, ResponsibilityList, Urgency
from models.lists import ListValidationError, load_responsibility_list
from models.lists.checks import DEPARTMENTS_FILE
from models.lists.documents import LIST_LABELS, write_yaml_dir
from models.lists.loader import LIST_FILES
from models.lists.table_export import export_xlsx
from models.lists.table_import import import_table_with_report
from models.lists.table_sheet import ImportReport

DEFAULT_DIR = Path("responsibility_lists/default")
lists_app = typer.Typer(help=t.APP_HELP, no_args_is_help=True, add_completion=False)
console = Console()

DirOption = Annotated[Path | None, typer.Option("--dir", help=t.DIR_HELP)]
ConfigOption = Annotated[Path, typer.Option("--config", help="配置文件路径（--dir 未给出时用其 lists_dir）")]


def _list_dir(directory: Path | None, config: Path) -> Path:
    """An explicit --dir wins; otherwise the configured list; otherwise the default list."""
    if directory is not None:
        return directory
    if not config.is_file():
        return DEFAULT_DIR
    from bot.settings import ConfigError, load_settings

    try:
        return load_settings(config).lists_dir
    except ConfigError as err:
        _fail(err)


def _fail(error: Exception | str) -> NoReturn:
    typer.echo(str(error), err=True)  # plain echo: rich would wrap the one-line reason
    raise typer.Exit(code=1)


def _load(directory: Path) -> ResponsibilityList:
    try:
        return load_responsibility_list(directory)
    except ListValidationError as exc:
        _fail(exc)


def list_stats(lst: ResponsibilityList) -> dict[str, Any]:
    """The contract §5 shape of ``lists stats --json`` (plus a few extra keys)."""
    stats: dict[str, Any] = {}
    for kind in ListKind:
        items = lst.items_of(kind)
        stats[kind.value] = {
            "categories": len({item.category_code for item in items}),
            "items": len(items),
            "conditions": sum(len(item.conditions) for item in items),
        }
    stats["departments"] = len(lst.departments)
    stats["items_without_department"] = sum(
        1 for item in lst.items if item.department not in lst.departments
    )
    stats["label"] = lst.label
    return stats


@lists_app.command("stats", help=t.STATS_HELP)
def stats(
    as_json: Annotated[bool, typer.Option("--json", help=t.JSON_HELP)] = False,
    directory: DirOption = None,
    config: ConfigOption = Path("config.yaml"),
) -> None:
    lst = _load(_list_dir(directory, config))
    if as_json:
        typer.echo(json.dumps(list_stats(lst), ensure_ascii=False))
        return
    console.print(_category_table(lst, title=lst.label))


@lists_app.command("validate", help=t.VALIDATE_HELP)
def validate(directory: Annotated[Path | None, typer.Argument(help=t.DIR_HELP)] = None,
             config: ConfigOption = Path("config.yaml")) -> None:
    lst = _load(_list_dir(directory, config))
    counts = Counter(item.list for item in lst.items)
    typer.echo(
        t.VALID.format(
            label=lst.label,
            components=counts[ListKind.COMPONENT],
            events=counts[ListKind.EVENT],
            departments=len(lst.departments),
        )
    )


@lists_app.command("import", help=t.IMPORT_HELP)
def import_(
    file: Annotated[Path, typer.Argument(help="XLSX / CSV")],
    out: Annotated[Path, typer.Option("--out", help=t.OUT_DIR_HELP)],
    directory: Annotated[Path | None, typer.Option("--dir", help=t.REGISTRY_DIR_HELP)] = None,
    config: ConfigOption = Path("config.yaml"),
) -> None:
    directory = _list_dir(directory, config)
    existing = [out / name for name in (DEPARTMENTS_FILE, *LIST_FILES.values())]
    if any(path.exists() for path in existing):
        _fail(t.OUT_NOT_EMPTY.format(path=out))
    try:
        # Units are mapped onto this registry unless the workbook brings its own 部门 sheet.
        result = import_table_with_report(file, departments=_load(directory).departments)
    except ListValidationError as exc:
        _fail(exc)
    write_yaml_dir(result.list, out)
    _load(out)  # what was written must load back: never leave a directory the service rejects
    console.print(_category_table(result.list, title=t.IMPORT_TITLE))
    used = sorted(
        {d for item in result.list.items for d in (item.department, *item.co_departments)}
    )
    console.print(t.DEPARTMENTS_USED.format(departments="、".join(used)), markup=False)
    _print_report(result.report)
    console.print(t.IMPORTED.format(label=result.list.label, path=out), markup=False)


@lists_app.command("export", help=t.EXPORT_HELP)
def export(
    out: Annotated[Path, typer.Option("--out", help=t.OUT_FILE_HELP)],
    directory: DirOption = None,
    config: ConfigOption = Path("config.yaml"),
) -> None:
    if out.suffix.lower() != ".xlsx":
        _fail(t.OUT_NOT_XLSX.format(path=out))
    lst = _load(_list_dir(directory, config))
    export_xlsx(lst, out)
    typer.echo(t.EXPORTED.format(items=len(lst.items), path=out))


@lists_app.command("show", help=t.SHOW_HELP)
def show(
    code: Annotated[str, typer.Argument(help="小类代码，如 020405")],
    directory: DirOption = None,
    config: ConfigOption = Path("config.yaml"),
) -> None:
    lst = _load(_list_dir(directory, config))
    item = lst.item(code.strip())
    if item is None:
        _fail(t.UNKNOWN_CODE.format(code=code))
    console.print(_item_table(lst, item))
    console.print(_conditions_table(item))


def _dept(lst: ResponsibilityList, dept_id: str | None) -> str:
    if dept_id is None:
        return t.NONE
    dept = lst.departments.get(dept_id)
    return f"{dept.name}（{dept_id}）" if dept else dept_id


def _item_table(lst: ResponsibilityList, item: Item) -> Table:
    table = Table(show_header=False, title=f"{item.code} {item.name}")
    values = (
        item.code,
        LIST_LABELS[item.list],
        f"{item.category_code} {item.category}",
        item.name,
        "、".join(item.aliases) or t.NONE,
        _dept(lst, item.department),
        "、".join(_dept(lst, d) for d in item.co_departments) or t.NONE,
        _dept(lst, item.supervisor),
        t.URGENT if item.urgency is Urgency.URGENT else t.NORMAL,
        item.source or t.NONE,
    )
    for field, value in zip(t.SHOW_FIELDS, values, strict=True):
        table.add_row(field, value)
    return table


def _conditions_table(item: Item) -> Table:
    table = Table(t.COL_FILING, t.COL_LIMIT, t.COL_CLOSING)
    for condition in item.conditions:
        table.add_row(condition.filing, str(condition.limit), condition.closing)
    return table


def _category_table(lst: ResponsibilityList, *, title: str) -> Table:
    table = Table(t.COL_LIST, t.COL_CATEGORY, t.COL_ITEMS, t.COL_CONDITIONS, title=title)
    for kind in ListKind:
        per_category: dict[str, list[Item]] = {}
        for item in lst.items_of(kind):
            per_category.setdefault(f"{item.category_code} {item.category}", []).append(item)
        for name, items in per_category.items():
            conditions = sum(len(i.conditions) for i in items)
            table.add_row(LIST_LABELS[kind], name, str(len(items)), str(conditions))
        all_items = lst.items_of(kind)
        table.add_row(
            LIST_LABELS[kind],
            t.TOTAL_ROW,
            str(len(all_items)),
            str(sum(len(i.conditions) for i in all_items)),
            end_section=True,
        )
    return table


def _print_report(report: ImportReport) -> None:
    if report.unmapped:
        table = Table(t.COL_SHEET, t.COL_ROW, t.COL_COLUMN, t.COL_TEXT, title=t.UNMAPPED_TITLE)
        for sheet, row, column, text in report.unmapped:
            table.add_row(sheet, str(row), column, text)
        console.print(table)
    if report.fallback_items:
        codes = "、".join(report.fallback_items)
        console.print(
            t.FALLBACK_NOTE.format(count=len(report.fallback_items), codes=codes), markup=False
        )
    if report.normalized_limits:
        table = Table(t.COL_ORIGINAL, t.COL_NORMALIZED, t.COL_COUNT, title=t.NORMALIZED_TITLE)
        for (original, normalized), count in sorted(report.normalized_limits.items()):
            table.add_row(original, normalized, str(count))
        console.print(table)
