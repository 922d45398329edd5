"""Property tests of the list importer on real files: any CSV table (template-shaped or not,
UTF-8 or GBK, or plain garbage) and any YAML list document end in a list or in a
ListValidationError whose every reason is Chinese; never another exception."""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dispatcher.lists import ResponsibilityList
from models.lists.errors import ListValidationError
from models.lists.loader import load_responsibility_list
from models.lists.table_format import TEMPLATE_COLUMNS
from models.lists.table_import import DEFAULT_DIR, import_table_with_report

CJK = re.compile(r"[\u4e00-\u9fff]")
FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])

CELLS = st.one_of(
    st.sampled_from(["01", "02", "1", "", " ", "市容环境", "暴露垃圾", "店外经营",
                     "市容环卫中心、所属街办", "城市管理局", "属地行政执法部门", "跨门占道经营",
                     "清理", "取缔", "4小时", "2天", "2紧急工作时", "3个工作日", "即时",
                     "立即", "0天", "-1天", "999999工作日", "综合行政执法局", "执法",
                     "=SUM(A1:A2)", "\"", "，", "\n", "\x00"]),
    st.text(max_size=15))
HEADER = st.one_of(st.just(list(TEMPLATE_COLUMNS)),
                   st.permutations(list(TEMPLATE_COLUMNS)).map(list),
                   st.lists(st.sampled_from(list(TEMPLATE_COLUMNS)), max_size=9),
                   st.lists(CELLS, max_size=9))
TABLE = st.tuples(HEADER, st.lists(st.lists(CELLS, max_size=10), max_size=12))


def _check(load: Callable[[], ResponsibilityList]) -> None:
    """A list, or a refusal whose every reason is Chinese; any other exception fails."""
    try:
        outcome: ResponsibilityList | ListValidationError = load()
    except ListValidationError as err:
        outcome = err
    if isinstance(outcome, ListValidationError):
        assert outcome.errors
        assert all(CJK.search(error.reason) for error in outcome.errors), outcome.errors
    else:
        assert isinstance(outcome, ResponsibilityList)


def _csv(header: list[str], rows: list[list[str]]) -> str:
    def cell(value: str) -> str:
        return '"' + value.replace('"', '""') + '"'
    return "\n".join(",".join(cell(v) for v in row) for row in [header, *rows]) + "\n"


def _import(name: str, data: bytes) -> None:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / name
        path.write_bytes(data)
        _check(lambda: import_table_with_report(path).list)


@FUZZ
@given(table=TABLE, encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]))
def test_any_csv_table_imports_or_says_why_in_chinese(table: tuple[list[str], list[list[str]]],
                                                      encoding: str) -> None:
    _import("清单.csv", _csv(*table).encode(encoding))


@FUZZ
@given(data=st.binary(max_size=300), name=st.sampled_from(["x.csv", "x.xlsx", "x.txt"]))
def test_any_bytes_as_a_table_file_are_refused_in_chinese(data: bytes, name: str) -> None:
    _import(name, data)


SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
                    st.text(max_size=12))
YAML_VALUES = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=15)
ITEM_FIELDS = ["code", "name", "aliases", "department", "co_departments", "supervisor",
               "urgency", "conditions", "source"]


def _default_events() -> dict[str, Any]:
    loaded = yaml.safe_load((DEFAULT_DIR / "events.yaml").read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


@st.composite
def mutated_events(draw: st.DrawFn) -> Any:
    """The default events list with a few fields of a few items replaced by anything."""
    document = _default_events()
    for _ in range(draw(st.integers(1, 4))):
        category = draw(st.sampled_from(document["categories"]))
        item = draw(st.sampled_from(category["items"]))
        field = draw(st.sampled_from(ITEM_FIELDS))
        item[field] = draw(st.one_of(YAML_VALUES, st.sampled_from(
            ["", "nobody", "zhifa", "urgent", "1工作日", "-3天", "99999天"])))
    return document


def _load_with(events: str) -> None:
    with tempfile.TemporaryDirectory() as directory:
        target = Path(directory)
        for name in ("departments.yaml", "components.yaml"):
            shutil.copy(DEFAULT_DIR / name, target / name)
        (target / "events.yaml").write_text(events, encoding="utf-8")
        _check(lambda: load_responsibility_list(target))


@FUZZ
@given(document=st.one_of(mutated_events(), YAML_VALUES))
def test_any_yaml_list_document_loads_or_says_why_in_chinese(document: Any) -> None:
    _load_with(yaml.safe_dump(document, allow_unicode=True))


@FUZZ
@given(text=st.text(max_size=200))
def test_any_text_as_a_yaml_file_is_refused_in_chinese(text: str) -> None:
    _load_with(text)
