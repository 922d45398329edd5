"""XLSX/CSV import (the real 运城 立结案标准 template), lossless export round trip, bad files."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from dispatcher.lists import ListKind, ResponsibilityList, Urgency
from models.lists import ListValidationError, load_responsibility_list
from models.lists.documents import write_yaml_dir
from models.lists.table_export import export_xlsx
from models.lists.table_import import ImportResult, import_table, import_table_with_report

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "lists"
# A copy of /work/shared/public_reference/yuncheng_case_standards/muban.xlsx (运城, public).
MUBAN = DATA / "yuncheng_muban.xlsx"
DEFAULT = ROOT / "responsibility_lists" / "default"


@pytest.fixture(scope="module")
def muban() -> ImportResult:
    return import_table_with_report(MUBAN)


def _limits(lst: ResponsibilityList, code: str) -> list[str]:
    item = lst.item(code)
    assert item is not None, code
    return [str(c.limit) for c in item.conditions]


def test_muban_counts(muban: ImportResult) -> None:
    components = muban.list.items_of(ListKind.COMPONENT)
    events = muban.list.items_of(ListKind.EVENT)
    assert len(components) == 92
    assert len({i.category_code for i in components}) == 5
    assert len(events) == 98
    assert len({i.category_code for i in events}) == 6
    assert sum(len(i.conditions) for i in components) == 375
    # 144 filled 立案条件 cells; a condition merged over several rows counts once
    assert sum(len(i.conditions) for i in events) == 144


def test_muban_spot_checks(muban: ImportResult) -> None:
    lst = muban.list
    cover = lst.item("010101")
    assert cover is not None
    assert cover.name == "上水井盖"
    assert cover.category == "公用设施"
    assert cover.department == "shuiwu"
    assert cover.supervisor == "zhifa"
    assert cover.urgency is Urgency.URGENT
    assert _limits(lst, "010101") == ["2紧急工作时", "4小时", "2工作日", "5工作日"]
    assert cover.conditions[0].filing == "缺失、移位、开裂，存在安全隐患的"
    assert cover.conditions[0].closing == "恢复"
    noise = lst.item("020128")
    assert noise is not None
    assert noise.name == "商业噪音"
    assert noise.department == "gongan"
    assert _limits(lst, "020101") == ["2自然日", "15工作日"]  # 2紧急工作日 runs round the clock
    assert _limits(lst, "020122")[0] == "1紧急工作时"  # "1紧急工作时制止"
    blind = lst.item("010123")
    assert blind is not None
    assert blind.department == "jiedao"
    assert "zhifa" in blind.co_departments
    assert "处置单位原文" in blind.source


def test_conditions_merged_over_several_rows_count_once(muban: ImportResult) -> None:
    assert _limits(muban.list, "020198") == ["2自然日", "15工作日"]  # 违法农村自建房, rows 51-55


def test_muban_report_lists_unmapped_units(muban: ImportResult) -> None:
    texts = {text for _, _, _, text in muban.report.unmapped}
    assert "线缆部门" in texts
    assert muban.report.normalized_limits[("1天", "1工作日")] > 100


def test_imported_list_writes_a_loadable_directory(muban: ImportResult, tmp_path: Path) -> None:
    write_yaml_dir(muban.list, tmp_path / "yc")
    again = load_responsibility_list(tmp_path / "yc")
    assert again.items == muban.list.items
    assert again.label == muban.list.label


def test_export_import_round_trip_is_lossless(tmp_path: Path) -> None:
    original = load_responsibility_list(DEFAULT)
    path = export_xlsx(original, tmp_path / "list.xlsx")
    back = import_table(path)
    assert back.label == original.label
    assert back.items == original.items
    assert dict(back.departments) == dict(original.departments)


def test_duties_column_is_exported_and_optional_on_import(tmp_path: Path) -> None:
    original = load_responsibility_list(DEFAULT)
    path = export_xlsx(original, tmp_path / "list.xlsx")
    workbook = load_workbook(path)
    sheet = workbook["部门"]
    header = [c.value for c in sheet[1]]
    assert header == ["id", "名称", "简称", "职责"]
    assert "社区矫正" in str(next(r[3] for r in sheet.iter_rows(values_only=True) if r[0] == "sifa"))
    sheet.delete_cols(4)  # a workbook exported before the column existed
    workbook.save(path)
    back = import_table(path)
    assert back.items == original.items
    assert all(d.duties == () for d in back.departments.values())


def test_exported_workbook_is_the_template_plus_extra_columns(tmp_path: Path) -> None:
    path = export_xlsx(load_responsibility_list(DEFAULT), tmp_path / "list.xlsx")
    workbook = load_workbook(path)
    assert workbook.sheetnames == ["说明", "部件", "事件", "部门"]
    header = [c.value for c in workbook["事件"][1]]
    assert header[:9] == [
        "大类代码",
        "大类名称",
        "小类代码",
        "小类名称",
        "处置单位",
        "主管部门",
        "立案条件",
        "结案条件",
        "处置时限",
    ]
    assert workbook["部件"]["C2"].value == "010101"  # text, not the number 10101


def test_template_csv_with_continuation_rows(tmp_path: Path) -> None:
    result = import_table_with_report(DATA / "事件_template.csv")
    lst = result.list
    assert [i.code for i in lst.items] == ["020101", "020102", "020201"]
    assert _limits(lst, "020101") == ["4小时", "2工作日"]
    assert lst.item("020102").urgency is Urgency.URGENT  # type: ignore[union-attr]
    assert lst.item("020201").department == "jiedao"  # type: ignore[union-attr]
    assert result.report.fallback_items == ["020201"]


@pytest.mark.parametrize(
    ("name", "where", "reason"),
    [
        ("missing_column.csv", "表头", "缺少列「主管部门」"),
        ("unknown_department.csv", "第 2 行「协办部门」", "未登记的部门「不存在的局」"),
        ("bad_limit.csv", "第 2 行「处置时限」", "无法识别的处置时限「三天」"),
        ("duplicate_code.csv", "第 3 行「小类代码」", "小类代码「020101」重复"),
        ("empty.xlsx", "", "文件为空"),
        ("not_really.xlsx", "", "不是有效的 XLSX 文件"),
    ],
)
def test_bad_files_give_a_clear_error(name: str, where: str, reason: str) -> None:
    with pytest.raises(ListValidationError) as caught:
        import_table(DATA / name)
    [error] = caught.value.errors
    assert error.location == where
    assert reason in error.reason
    assert name in error.file


def test_unsupported_suffix(tmp_path: Path) -> None:
    path = tmp_path / "list.txt"
    path.write_text("x", encoding="utf-8")
    with pytest.raises(ListValidationError, match="不支持的文件类型"):
        import_table(path)
