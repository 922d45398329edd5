"""The shipped default list: counts, invariants, seed rulings, aliases, departments."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from dispatcher.lists import ListKind, ResponsibilityList, TimeUnit, Urgency
from models.lists import load_responsibility_list

ROOT = Path(__file__).resolve().parents[2]
DEFAULT = ROOT / "responsibility_lists" / "default"
CANONICAL_IDS = {
    "zhifa",
    "zhujian",
    "shijian",
    "gongan",
    "jiaojing",
    "huanbao",
    "ziran",
    "jiaotong",
    "shuili",
    "yingji",
    "xiaofang",
    "nongye",
    "sifa",
    "shequ",
    "gongjiao",
    "gongdian",
    "shuiwu",
    "ranqi",
    "tongxin",
    "guangdian",
    "yuanlin",
    "ludeng",
    "weijian",
    "minzheng",
    "renshe",
    "jiaoyu",
    "wenlv",
    "wuye",
    "jiedao",
    "youzheng",
}


@pytest.fixture(scope="module")
def lst() -> ResponsibilityList:
    return load_responsibility_list(DEFAULT)


def _by_name(lst: ResponsibilityList, name: str):  # type: ignore[no-untyped-def]
    found = [item for item in lst.items if item.name == name]
    assert len(found) == 1, name
    return found[0]


def test_label_and_counts_follow_the_yuyao_shape(lst: ResponsibilityList) -> None:
    assert lst.label == "示例默认清单（非余姚官方清单）"
    components, events = lst.items_of(ListKind.COMPONENT), lst.items_of(ListKind.EVENT)
    assert (len({i.category_code for i in components}), len(components)) == (6, 105)
    assert (len({i.category_code for i in events}), len(events)) == (17, 149)


def test_event_categories_cover_the_classics_and_grid_extensions(lst: ResponsibilityList) -> None:
    names = {item.category for item in lst.items_of(ListKind.EVENT)}
    for expected in (
        "市容环境",
        "宣传广告",
        "施工管理",
        "街面秩序",
        "突发事件",
        "违法建设",
        "环境保护",
        "噪声",
        "市场监管",
        "消防安全",
        "安全生产",
        "交通秩序",
        "物业与住宅小区",
        "房屋安全",
        "水务河道",
        "园林绿化",
        "矛盾纠纷与民生",
    ):
        assert expected in names


def test_registry_has_every_canonical_id_and_unique_short_names(lst: ResponsibilityList) -> None:
    assert CANONICAL_IDS <= set(lst.departments)
    owners = Counter(n.lower() for d in lst.departments.values() for n in set(d.all_names))
    assert [name for name, count in owners.items() if count > 1] == []


@pytest.mark.parametrize(
    ("typed", "dept"),
    [
        ("城管", "zhifa"),
        ("执法", "zhifa"),
        ("综合执法", "zhifa"),
        ("市监", "shijian"),
        ("市场监管", "shijian"),
        ("派出所", "gongan"),
        ("公安", "gongan"),
        ("交警", "jiaojing"),
        ("环保", "huanbao"),
        ("规划", "ziran"),
        ("自来水", "shuiwu"),
        ("供水", "shuiwu"),
        ("电力", "gongdian"),
        ("供电", "gongdian"),
        ("物业", "wuye"),
        ("居委会", "shequ"),
        ("街道", "jiedao"),
        ("安监", "yingji"),
        ("路灯", "ludeng"),
        ("综合行政执法局", "zhifa"),
    ],
)
def test_short_names_people_type_resolve(lst: ResponsibilityList, typed: str, dept: str) -> None:
    found = lst.department_named(typed)
    assert found is not None
    assert found.id == dept


def test_every_item_is_complete_and_coded_consistently(lst: ResponsibilityList) -> None:
    prefix = {ListKind.COMPONENT: "01", ListKind.EVENT: "02"}
    for item in lst.items:
        assert item.code.isdigit(), item.code
        assert len(item.code) == 6, item.code
        assert item.code.startswith(prefix[item.list] + item.category_code), item.code
        assert item.department in lst.departments
        assert set(item.co_departments) <= set(lst.departments)
        assert item.supervisor in lst.departments
        assert item.conditions
        assert item.source
        assert all(c.filing and c.closing for c in item.conditions)
    assert len({item.code for item in lst.items}) == len(lst.items)


def test_every_alias_resolves_to_exactly_one_item(lst: ResponsibilityList) -> None:
    index: dict[str, list[str]] = {}
    for item in lst.items:
        for word in {item.name, *item.aliases}:
            index.setdefault(word, []).append(item.code)
    shared = {word: codes for word, codes in index.items() if len(codes) > 1}
    assert shared == {}
    assert all(len(item.aliases) >= 2 for item in lst.items)


@pytest.mark.parametrize(
    ("word", "dept", "co"),
    [
        ("跨门营业", "zhifa", set()),
        ("出店经营", "zhifa", set()),
        ("广播喇叭招揽顾客", "gongan", set()),
        ("设备噪音扰民", "huanbao", set()),
        ("违规搭建锅炉", "yingji", {"zhifa"}),
        ("牛皮癣", "zhifa", set()),
        ("飞线充电", "xiaofang", set()),
        ("窨井盖", "jiedao", set()),
        ("路灯不亮", "ludeng", set()),
    ],
)
def test_seed_examples(lst: ResponsibilityList, word: str, dept: str, co: set[str]) -> None:
    item = next(i for i in lst.items if word == i.name or word in i.aliases)
    assert item.department == dept
    assert co <= set(item.co_departments)


def test_wall_opening_in_a_compound_is_a_documented_ruling(lst: ResponsibilityList) -> None:
    item = _by_name(lst, "小区内破墙开门开窗")
    assert "裁定" in item.source
    assert "wuye" in item.co_departments


@pytest.mark.parametrize(
    ("name", "owner"),
    [
        ("雨水井盖", "shuiwu"),
        ("污水井盖", "shuiwu"),
        ("电力井盖", "gongdian"),
        ("通信井盖", "tongxin"),
        ("燃气井盖", "ranqi"),
        ("有线电视井盖", "guangdian"),
    ],
)
def test_manhole_covers_go_to_their_owner(lst: ResponsibilityList, name: str, owner: str) -> None:
    item = _by_name(lst, name)
    assert item.department == owner
    assert item.urgency is Urgency.URGENT
    assert item.default_limit.unit is TimeUnit.URGENT_WORK_HOURS


def test_street_order_items_run_on_the_urgent_clock(lst: ResponsibilityList) -> None:
    for name in ("店外经营", "占道经营", "无照经营游商", "露天烧烤"):
        assert str(_by_name(lst, name).default_limit) == "2紧急工作时"
