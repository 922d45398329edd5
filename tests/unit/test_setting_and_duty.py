"""A place named as the setting is context, not the problem; duty words stronger than the
item names found compete with them (issue 4, devset_confusions.csv)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from dispatcher.classification import Decision
from dispatcher.classify.classifier import GridClassifier
from dispatcher.classify.index import ListIndex, prepare
from dispatcher.classify.ranking import rank
from models.lists import load_responsibility_list

LIST_DIR = Path(__file__).resolve().parents[2] / "responsibility_lists" / "default"


@cache
def classifier() -> GridClassifier:
    return GridClassifier(responsibility_list=load_responsibility_list(LIST_DIR))


@cache
def index() -> ListIndex:
    return ListIndex(load_responsibility_list(LIST_DIR))


def test_setting_name_weighs_less_than_the_same_name_as_problem() -> None:
    as_setting = rank(index(), prepare("农贸市场里面有人卖东西"))
    as_problem = rank(index(), prepare("这个农贸市场太乱了"))
    setting = next(r for r in as_setting if r.item.name == "农贸市场秩序问题")
    problem = next(r for r in as_problem if r.item.name == "农贸市场秩序问题")
    assert setting.term < problem.term


@pytest.mark.parametrize(
    ("text", "department", "item"),
    [
        ("农贸市场的公厕堵了，臭得进不去", "zhifa", "公共厕所"),  # X的Y: Y is the problem
        ("路灯杆上被人绑了一条卖房的横幅", "zhifa", "违规标语横幅"),  # on the pole, not the pole
        ("口腔诊所把带血的棉球纱布直接倒在路边垃圾桶里", "weijian", "医疗废物乱丢"),
    ],
)
def test_the_problem_outweighs_the_setting(text: str, department: str, item: str) -> None:
    result = classifier().classify(text)
    top = (result.items or result.candidates)[0]
    assert (top.department, top.item.name) == (department, item)


def test_a_name_that_says_what_is_wrong_is_never_a_setting() -> None:
    """"路灯不亮，旁边的井盖…": 路灯不亮 is followed by a place word but is a problem."""
    result = classifier().classify("夏岭村那个路灯不亮，旁边的井盖也没了")
    assert result.decision is Decision.DISPATCH
    assert [m.department for m in result.items] == ["ludeng", "shuiwu"]


@pytest.mark.parametrize(
    ("text", "department"),
    [
        ("菜市场门口那家农资店在卖剧毒农药，也不登记", "nongye"),
        ("农贸市场里活鸡现场杀，鸡毛血水到处都是", "nongye"),
    ],
)
def test_strong_duty_words_beat_a_setting_name(text: str, department: str) -> None:
    result = classifier().classify(text)
    assert result.decision is Decision.TRIAGE  # a duty is a suggestion, never a dispatch
    assert result.candidates[0].duty and result.candidates[0].department == department


def test_duty_department_item_is_preferred_to_a_suggestion() -> None:
    """营业执照 (市监's duty) outweighs 招牌: 市监's own item is dispatched, not 牌匾标识."""
    result = classifier().classify("镇上新开的理发店没招牌，问了也拿不出营业执照")
    assert result.items and result.items[0].department == "shijian"
    assert not result.items[0].duty


@pytest.mark.parametrize(
    "text",
    [
        "休息日也不消停，河对面那家KTV唱到凌晨",  # KTV (文旅's duty) is only the premises
        "南雷路的配电箱门被撬开了，里面电线露着",  # 撬 → 可疑人员 is a cue's guess
    ],
)
def test_weak_or_guessed_duty_words_do_not_override(text: str) -> None:
    result = classifier().classify(text)
    top = (result.items or result.candidates)[0]
    assert not top.duty
