from __future__ import annotations

from dispatcher.lists import Department
from models.lists.unit_mapping import UnitMapper

REGISTRY = {
    d.id: d
    for d in (
        Department("zhifa", "综合行政执法局", ("城管", "执法")),
        Department("shuiwu", "水务集团", ("自来水", "供水")),
        Department("jiedao", "街道办事处", ("街道",)),
        Department("gongan", "公安派出所", ("派出所", "公安")),
        Department("jiaojing", "公安交警大队", ("交警",)),
        Department("yuanlin", "园林绿化管理所", ("园林",)),
    )
}


def test_a_city_cell_maps_fragment_by_fragment_and_skips_property_owners() -> None:
    match = UnitMapper(REGISTRY).match("运城市城市节约用水中心、园林绿化服务中心、各产权单位")
    assert match.ids == ["shuiwu", "yuanlin"]
    assert match.unmapped == []


def test_specific_wording_wins_over_a_shorter_name() -> None:
    assert UnitMapper(REGISTRY).match("公安交通管理部门").ids == ["jiaojing"]
    assert UnitMapper(REGISTRY).match("各派出所").ids == ["gongan"]


def test_unknown_fragments_are_reported_and_repeats_collapse() -> None:
    match = UnitMapper(REGISTRY).match("所属街办、属地行政执法部门、盐湖区 政府，线缆部门")
    assert match.ids == ["jiedao", "zhifa"]
    assert match.unmapped == ["线缆部门"]


def test_exact_names_resolve_by_id_name_or_short_name() -> None:
    mapper = UnitMapper(REGISTRY)
    assert mapper.exact("综合行政执法局") == "zhifa"
    assert mapper.exact("城管") == "zhifa"
    assert mapper.exact("zhifa") == "zhifa"
    assert mapper.exact("市容环卫中心") is None
