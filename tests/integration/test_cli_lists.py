"""``gridbot lists`` commands through typer's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from bot.cli_lists import lists_app

ROOT = Path(__file__).resolve().parents[2]
DEFAULT = ROOT / "responsibility_lists" / "default"
DATA = ROOT / "tests" / "data" / "lists"
# A copy of /work/shared/public_reference/yuncheng_case_standards/muban.xlsx (运城, public).
MUBAN = DATA / "yuncheng_muban.xlsx"
runner = CliRunner()


def test_stats_json_has_the_contract_shape() -> None:
    result = runner.invoke(lists_app, ["stats", "--json", "--dir", str(DEFAULT)])
    assert result.exit_code == 0, result.output
    stats = json.loads(result.stdout)
    assert stats["component"]["categories"] == 6
    assert stats["component"]["items"] == 105
    assert stats["event"]["categories"] == 17
    assert stats["event"]["items"] == 149
    assert stats["departments"] >= 30
    assert stats["items_without_department"] == 0


def test_stats_table() -> None:
    result = runner.invoke(lists_app, ["stats", "--dir", str(DEFAULT)])
    assert result.exit_code == 0
    assert "街面秩序" in result.stdout


def test_validate_good_and_bad(tmp_path: Path) -> None:
    ok = runner.invoke(lists_app, ["validate", str(DEFAULT)])
    assert ok.exit_code == 0
    assert "清单有效" in ok.stdout
    bad = runner.invoke(lists_app, ["validate", str(tmp_path)])
    assert bad.exit_code == 1
    assert "departments.yaml: 文件不存在" in bad.stderr


def test_show_item_and_unknown_code() -> None:
    result = runner.invoke(lists_app, ["show", "020405", "--dir", str(DEFAULT)])
    assert result.exit_code == 0
    assert "店外经营" in result.stdout
    assert "跨门营业" in result.stdout
    assert "2紧急工作时" in result.stdout
    missing = runner.invoke(lists_app, ["show", "999999", "--dir", str(DEFAULT)])
    assert missing.exit_code == 1
    assert missing.stderr.strip() == "找不到小类代码「999999」"


def test_export_then_import_back(tmp_path: Path) -> None:
    xlsx = tmp_path / "out.xlsx"
    exported = runner.invoke(lists_app, ["export", "--out", str(xlsx), "--dir", str(DEFAULT)])
    assert exported.exit_code == 0
    assert xlsx.is_file()
    imported = runner.invoke(
        lists_app, ["import", str(xlsx), "--out", str(tmp_path / "back"), "--dir", str(DEFAULT)]
    )
    assert imported.exit_code == 0, imported.output
    again = runner.invoke(lists_app, ["stats", "--json", "--dir", str(tmp_path / "back")])
    assert json.loads(again.stdout)["event"]["items"] == 149


def test_export_needs_xlsx_suffix(tmp_path: Path) -> None:
    result = runner.invoke(
        lists_app, ["export", "--out", str(tmp_path / "x.csv"), "--dir", str(DEFAULT)]
    )
    assert result.exit_code == 1
    assert "xlsx" in result.stderr


def test_import_refuses_to_overwrite_a_list(tmp_path: Path) -> None:
    result = runner.invoke(
        lists_app, ["import", str(DATA / "事件_template.csv"), "--out", str(DEFAULT)]
    )
    assert result.exit_code == 1
    assert "已有清单文件" in result.stderr


def test_import_bad_file_is_one_line(tmp_path: Path) -> None:
    result = runner.invoke(
        lists_app,
        [
            "import",
            str(DATA / "bad_limit.csv"),
            "--out",
            str(tmp_path / "o"),
            "--dir",
            str(DEFAULT),
        ],
    )
    assert result.exit_code == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "o").exists()


def test_import_muban_prints_what_was_imported(tmp_path: Path) -> None:
    result = runner.invoke(
        lists_app,
        ["import", str(MUBAN), "--out", str(tmp_path / "yc"), "--dir", str(DEFAULT)],
        env={"COLUMNS": "200"},
    )
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "│ 92 " in out
    assert "│ 98 " in out
    assert "│ 375 " in out
    assert "01 公用设施" in out
    assert "线缆部门" in out
    assert "shuiwu" in out
