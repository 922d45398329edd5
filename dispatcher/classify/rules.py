"""Rules for the classic confusions (reference responsibility_lists.md §6).

Each rule reads cue words from the message and either picks a sibling item (the same
problem, a more exact item) or routes the chosen item to another department. Items are
found by name in the loaded list, so a city list without the sibling simply skips the rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dispatcher.lists import Item, ResponsibilityList

# --- manhole covers: the stated owner decides; nobody stated → the drainage company. ---
_COVER_RE = re.compile(r"井盖|盖子|盖板|井圈|箅子|篦子|井口")
# An explicit denial comes first: "问了燃气电信都说不是他们的" names owners only to rule them out.
_OWNERLESS = r"都说不是|没人认|没人管|不知道是谁|无主|找不到主"
_COVER_OWNERS: tuple[tuple[str, str], ...] = (
    (_OWNERLESS, "不明井盖"),
    (r"燃气|煤气|天然气", "燃气井盖"),
    (r"电力|供电|电缆|国家电网|高压", "电力井盖"),
    (r"电信|移动|联通|通信|通讯|铁塔|光缆", "通信井盖"),
    (r"广电|有线电视|华数", "有线电视井盖"),
    (r"路灯", "路灯井盖"),
    (r"红绿灯|信号灯", "信号灯电源井盖"),
    (r"监控|公安", "公安井盖"),
    (r"给水|供水|自来水|水表|阀门", "上水井盖"),
    (r"雨水|排水", "雨水井盖"),
    (r"化粪池", "化粪池井盖"),
    (r"绿化|喷灌", "园林井盖"),
)
# Poles likewise: whose line it carries decides ("电信的水泥杆子").
_POLE_RE = re.compile(r"杆")
_POLE_OWNERS: tuple[tuple[str, str], ...] = (
    (_OWNERLESS + r"|废弃", "不明立杆"),
    (r"电信|移动|联通|通信|通讯|铁塔|光缆|电话线|网线", "通信立杆"),
    (r"电力|供电|高压|国家电网|电线杆", "电力立杆"),
)
_GENERIC_COVER = "污水井盖"
_GRATE_RE = re.compile(r"箅子|篦子|雨水口")

# --- inside a residential compound the property company comes first. ---
_OUTSIDE = r"(?!路|街|大道)(?!.{0,2}(?:门口|门外|外面|外边|旁边|对面|边上|附近))"
COMPOUND_RE = re.compile(
    rf"(?:小区|新村|苑|花园|家园|公寓){_OUTSIDE}|楼道|楼梯间|\d+[幢栋]|\d+号楼|单元|地下车库|物业"
)
# Self-built houses and villages have no property company: the public department acts.
_NOT_COMPOUND_RE = re.compile(r"自建房|城中村|农房|(?<![新山])村(?:里|民)|老街")
_NO_PROPERTY_RE = re.compile(r"没有物业|没物业|无物业|物业撤|老小区")
# Departments whose problems inside a compound are the property company's.
_PROPERTY_FIRST = frozenset(
    {"zhifa", "shuiwu", "ludeng", "xiaofang", "jiaojing", "yuanlin", "zhujian", "jiedao", "wenlv"}
)
# Public powers that stay public even inside a compound (violations, safety, noise).
_STAYS_PUBLIC_RE = re.compile(
    r"违法|违章|违建|违规|搭建|加层|噪|拆改|危|燃气|锅炉|抛物|群租|犬|油烟|结构|裂缝|脱落"
)
# 公路 (national/provincial/county/township roads) are kept by the transport bureau, city
# streets by 住建 (市政): road surfaces and road furniture follow the road's keeper.
_HIGHWAY_RE = re.compile(r"国道|省道|县道|乡道|公路|高速")
_ROAD_KEEPER_ITEMS = frozenset({"路面塌陷", "交通标志牌", "交通护栏", "路名牌", "防撞桶", "减速带"})
_HIGHWAY_KEEPER = "jiaotong"


@dataclass(frozen=True, slots=True)
class RuleNote:
    rule: str  # shown as evidence, so a dispatcher can see why the department changed


def refine_item(item: Item, body: str, lst: ResponsibilityList) -> tuple[Item, str | None]:
    """A more exact sibling item for well-known confusions, with the cue that decided."""
    # Any cover-like item ("沟槽盖板" too) defers to the owner the message states.
    if _COVER_RE.search(body) and ("盖" in item.name or "箅子" in item.name):
        return _cover_item(item, body, lst)
    if _POLE_RE.search(body) and item.name.endswith("立杆"):
        return _owned(item, body, lst, _POLE_OWNERS)
    return item, None


def _owned(
    item: Item, body: str, lst: ResponsibilityList, owners: tuple[tuple[str, str], ...]
) -> tuple[Item, str | None]:
    for pattern, name in owners:
        match = re.search(pattern, body)
        if match:
            return _named(lst, name) or item, match.group(0)
    return item, None


def _cover_item(item: Item, body: str, lst: ResponsibilityList) -> tuple[Item, str | None]:
    for pattern, name in _COVER_OWNERS:
        match = re.search(pattern, body)
        if match:
            return _named(lst, name) or item, match.group(0)
    if _GRATE_RE.search(body):
        return _named(lst, "雨水箅子") or item, "箅子"
    if item.name == "不明井盖":
        return _named(lst, _GENERIC_COVER) or item, "井盖"
    return item, None


def route_department(item: Item, body: str) -> tuple[str, str | None]:
    """The department for this item at the place the message names."""
    highway = _HIGHWAY_RE.search(body)
    if highway and item.name in _ROAD_KEEPER_ITEMS:
        return _HIGHWAY_KEEPER, highway.group(0)
    outside = _NOT_COMPOUND_RE.search(body)
    if item.department == "wuye" and outside and item.co_departments:
        # A property-company item where there is no property company: the public co-owner.
        return item.co_departments[0], outside.group(0)
    if item.department not in _PROPERTY_FIRST or _STAYS_PUBLIC_RE.search(item.name):
        return item.department, None
    compound = COMPOUND_RE.search(body)
    if compound is None or outside:
        return item.department, None
    if _NO_PROPERTY_RE.search(body):
        return "shequ", _NO_PROPERTY_RE.search(body).group(0)  # type: ignore[union-attr]
    return "wuye", compound.group(0)


def _named(lst: ResponsibilityList, name: str) -> Item | None:
    return next((i for i in lst.items if i.name == name), None)
