"""A bad list directory is rejected with file, place and reason; nothing half-loaded is used."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from models.lists import ListError, ListHolder, ListValidationError, load_responsibility_list

DEFAULT = Path(__file__).resolve().parents[2] / "responsibility_lists" / "default"


@pytest.fixture
def list_dir(tmp_path: Path) -> Path:
    target = tmp_path / "list"
    shutil.copytree(DEFAULT, target)
    return target


def _edit(directory: Path, name: str, change) -> None:  # type: ignore[no-untyped-def]
    path = directory / name
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(document)
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _errors(directory: Path) -> list[ListError]:
    with pytest.raises(ListValidationError) as caught:
        load_responsibility_list(directory)
    assert isinstance(caught.value, ValueError)
    return caught.value.errors


def test_unreadable_limit_names_file_field_and_text(list_dir: Path) -> None:
    def change(doc):  # type: ignore[no-untyped-def]
        doc["categories"][3]["items"][7]["conditions"][0]["limit"] = "三天"

    _edit(list_dir, "events.yaml", change)
    [error] = _errors(list_dir)
    assert str(error).startswith(
        "events.yaml: categories[3].items[7].conditions[0].limit: 无法识别的处置时限「三天」"
    )


def test_unknown_department_and_duplicate_code_are_all_reported(list_dir: Path) -> None:
    def change(doc):  # type: ignore[no-untyped-def]
        doc["categories"][0]["items"][0]["department"] = "chengguan"
        doc["categories"][0]["items"][1]["code"] = doc["categories"][0]["items"][2]["code"]

    _edit(list_dir, "components.yaml", change)
    errors = _errors(list_dir)
    reasons = {(e.file, e.location): e.reason for e in errors}
    assert (
        "未登记的部门「chengguan」"
        in reasons[("components.yaml", "categories[0].items[0].department")]
    )
    assert "重复" in reasons[("components.yaml", "categories[0].items[2].code")]


def test_duplicate_code_across_the_two_files(list_dir: Path) -> None:
    _edit(
        list_dir, "events.yaml", lambda doc: doc["categories"][0]["items"][0].update(code="010101")
    )
    [error] = _errors(list_dir)
    assert error.file == "events.yaml"
    assert "010101" in error.reason
    assert "components.yaml" in error.reason


def test_short_name_owned_by_two_departments(list_dir: Path) -> None:
    _edit(
        list_dir,
        "departments.yaml",
        lambda doc: doc["departments"][1]["short_names"].append("城管"),
    )
    [error] = _errors(list_dir)
    assert error.location == "departments[1].short_names"
    assert "城管" in error.reason


def test_duty_word_owned_by_two_departments(list_dir: Path) -> None:
    def change(doc):  # type: ignore[no-untyped-def]
        first = next(d for d in doc["departments"] if d["id"] == "weijian")
        first["duties"].append("药品")  # already 市监's
    _edit(list_dir, "departments.yaml", change)
    [error] = _errors(list_dir)
    assert error.file == "departments.yaml"
    assert error.location.startswith("departments[") and ".duties[" in error.location
    assert "药品" in error.reason and "shijian" in error.reason and "weijian" in error.reason


def test_duty_word_that_is_another_departments_name(list_dir: Path) -> None:
    def change(doc):  # type: ignore[no-untyped-def]
        doc["departments"][0]["duties"] = ["派出所"]  # a short name of gongan
    _edit(list_dir, "departments.yaml", change)
    [error] = _errors(list_dir)
    assert error.location == "departments[0].duties[0]"
    assert "派出所" in error.reason and "gongan" in error.reason


def test_duties_must_be_a_list_of_words(list_dir: Path) -> None:
    def change(doc):  # type: ignore[no-untyped-def]
        doc["departments"][0]["duties"] = "违法建设"
    _edit(list_dir, "departments.yaml", change)
    errors = _errors(list_dir)
    assert any(e.location.startswith("departments[0].duties") for e in errors)


def test_missing_and_empty_files(list_dir: Path) -> None:
    (list_dir / "events.yaml").unlink()
    (list_dir / "components.yaml").write_text("  \n", encoding="utf-8")
    reasons = {e.file: e.reason for e in _errors(list_dir)}
    assert reasons["components.yaml"] == "文件为空"
    assert reasons["events.yaml"].startswith("文件不存在")


def test_yaml_syntax_error_gives_the_line(list_dir: Path) -> None:
    (list_dir / "departments.yaml").write_text("label: x\ndepartments: [\n", encoding="utf-8")
    [error] = _errors(list_dir)
    assert error.file == "departments.yaml"
    assert "YAML 格式错误" in error.reason


def test_unquoted_numeric_code_and_bad_urgency(list_dir: Path) -> None:
    text = (list_dir / "components.yaml").read_text(encoding="utf-8")
    text = text.replace("code: '010101'", "code: 10101", 1).replace(
        "urgency: urgent", "urgency: 急", 1
    )
    (list_dir / "components.yaml").write_text(text, encoding="utf-8")
    reasons = {e.location: e.reason for e in _errors(list_dir)}
    assert "代码请加引号" in reasons["categories[0].items[0].code"]
    assert "取值应为" in reasons["categories[0].items[0].urgency"]


def test_missing_field_and_wrong_list_kind(list_dir: Path) -> None:
    def change(doc):  # type: ignore[no-untyped-def]
        doc["list"] = "component"
        del doc["categories"][0]["items"][0]["conditions"]

    _edit(list_dir, "events.yaml", change)
    reasons = {e.location: e.reason for e in _errors(list_dir)}
    assert reasons["categories[0].items[0].conditions"] == "缺少必填字段"


def test_holder_keeps_the_last_good_list(list_dir: Path) -> None:
    holder = ListHolder(list_dir)
    with pytest.raises(RuntimeError):
        _ = holder.current
    good = holder.load()
    (list_dir / "events.yaml").write_text("list: event\ncategories: 5\n", encoding="utf-8")
    errors = holder.reload()
    assert errors
    assert errors[0].file == "events.yaml"
    assert holder.current is good
    shutil.copy(DEFAULT / "events.yaml", list_dir / "events.yaml")
    assert holder.reload() == []
    assert holder.current is not good
    assert len(holder.current.items) == len(good.items)


def test_wrong_list_kind(list_dir: Path) -> None:
    _edit(list_dir, "events.yaml", lambda doc: doc.update(list="component"))
    [error] = _errors(list_dir)
    assert (error.file, error.location) == ("events.yaml", "list")
    assert "event" in error.reason
