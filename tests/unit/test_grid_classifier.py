"""GridClassifier on the shipped default list: intent, rules, multi-problem, precedents."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from dispatcher.classification import Decision, Intent
from dispatcher.classify.classifier import GridClassifier
from dispatcher.classify.learning import LearnedExample
from dispatcher.grammar import Verb
from dispatcher.lists import ResponsibilityList
from models.lists import load_responsibility_list

LIST_DIR = Path(__file__).resolve().parents[2] / "responsibility_lists" / "default"


@cache
def default_list() -> ResponsibilityList:
    return load_responsibility_list(LIST_DIR)


@cache
def classifier() -> GridClassifier:
    return GridClassifier(responsibility_list=default_list())


@pytest.mark.parametrize(
    "text",
    [
        "收到",
        "好的👍",
        "[图片]",
        "辛苦了🙏",
        "早上好",
        "明天下午2点在社区开会，请各位准时参加",
        "@所有人 本周五前上报走访台账",
        "上次那个井盖的事情处理得不错，谢谢城管",
    ],
)
def test_chatter_opens_nothing(text: str) -> None:
    result = classifier().classify(text)
    assert (result.intent, result.decision, result.items) == (Intent.CHATTER, Decision.IGNORE, ())


@pytest.mark.parametrize(
    ("text", "verb"),
    [
        ("A0015收到，我们马上派人过去处理", Verb.CLAIM),
        ("A0021和A0019是同一件事，合并", Verb.MERGE),
        ("#A0020 还没清，垃圾还在那", Verb.REOPEN),
        ("这个我们认领了", Verb.CLAIM),
    ],
)
def test_commands_are_recognised(text: str, verb: Verb) -> None:
    result = classifier().classify(text)
    assert result.intent is Intent.COMMAND and result.command is not None
    assert result.command.verb is verb


def test_report_cites_its_evidence() -> None:
    result = classifier().classify("文山路菜场门口有人跨门经营")
    assert result.decision is Decision.DISPATCH
    first = result.items[0]
    assert (first.item.name, first.department) == ("店外经营", "zhifa")
    assert "跨门经营" in first.evidence
    assert 0.0 < first.score <= 1.0


@pytest.mark.parametrize(
    ("text", "item", "dept"),
    [
        ("城东路40号门口电力井盖松动，踩上去晃", "电力井盖", "gongdian"),
        ("人民路与南雷路交叉口一个井该缺了，车开过去咣当咣当响", "污水井盖", "shuiwu"),
        ("3幢楼下那个盖子又没了晚上差点踩进去", "污水井盖", "wuye"),
    ],
)
def test_whose_manhole_cover(text: str, item: str, dept: str) -> None:
    top = [*classifier().classify(text).items, *classifier().classify(text).candidates][0]
    assert (top.item.name, top.department) == (item, dept)


def test_compound_goes_to_property_company_but_violations_stay_public() -> None:
    inside = classifier().classify("金色花园12幢和13幢中间草坪上一堆垃圾 物业也不管")
    assert inside.items[0].department == "wuye"
    building = classifier().classify("小区有个业主在顶楼平台上违建了一个阳光房")
    assert [*building.items, *building.candidates][0].department == "zhifa"


def test_two_problems_in_one_message() -> None:
    result = classifier().classify("菜场门口那家又把摊摆到路上了还开大喇叭")
    assert {m.department for m in result.items} == {"zhifa", "gongan"}


def test_learned_example_overrides_department_for_similar_messages() -> None:
    text = "城隍庙那边文保碑上被人刻了字"
    learned = GridClassifier(
        responsibility_list=default_list(),
        learned=[LearnedExample(id=7, text=text, department="wenlv")],
    )
    result = learned.classify("城隍庙文保碑上又被人刻了字")
    assert result.decision is Decision.DISPATCH
    assert result.items[0].department == "wenlv"
    assert "先例#7" in result.items[0].evidence
    assert classifier().classify("城隍庙文保碑上又被人刻了字").decision is not Decision.DISPATCH
