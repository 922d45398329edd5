"""The report/chatter line on unseen wording: problem words by kind, negation, frames."""

from __future__ import annotations

import pytest

from dispatcher.classification import Intent
from dispatcher.classify.signals import problem_word
from tests.unit.test_grid_classifier import classifier


@pytest.mark.parametrize(
    "text",
    [
        "邮政的信报箱被人砸了",  # a passive act on an object, no place named
        "行道树被人剥了一圈皮，快死了",
        "小区大门的道闸抬不起来",  # cannot work
        "有个社区矫正人员好几天联系不上",  # cannot be reached
        "物业收了钱不干活，楼道半个月没人打扫",  # will not act
        "公交车站没有站牌，老人不知道在哪等车",  # absent where it should be
        "那家理发店的灯箱广告立在人行道中间",  # standing in the way
        "楼顶上新装了个信号塔，居民担心辐射",  # fear of harm
        "网吧里看到几个穿校服的学生在上网",  # a premises is a where
        "电梯按钮没反应",
        "垃圾车收垃圾的时候洒了一路",
    ],
)
def test_reports_in_unseen_wording_are_reports(text: str) -> None:
    assert classifier().classify(text).intent is Intent.REPORT


@pytest.mark.parametrize(
    "text",
    [
        "下雨天路滑，大家骑车慢点",  # a road-safety reminder
        "路上结冰了，大家骑车慢一点注意安全",
        "我手机快没电了",  # the worker's own day
        "车子坏在半路了，我晚点到岗",
        "我刚到单位，路上堵车了",
        "文明城市迎检，大家把各自网格的垃圾桶、小广告再看一遍",
        "上次那个占道经营的处理结果出来了吗",  # asking after an earlier case
        "今天小区巡查了一圈，没有发现垃圾桶满溢",
        "冷死了，今天零下了吧",  # 死了 as an intensifier, 吧 as a particle
        "路灯没坏，是我看错了",
    ],
)
def test_talk_that_names_problems_stays_chatter(text: str) -> None:
    assert classifier().classify(text).intent is Intent.CHATTER


@pytest.mark.parametrize(
    ("text", "word"),
    [("路灯没坏", None), ("也没有积水", None), ("井盖没破损", None), ("井盖没了", "没了"),
     ("不少乱停的车", "乱"), ("灯不亮", "不亮")],
)
def test_negated_states_are_not_problems(text: str, word: str | None) -> None:
    assert problem_word(text) == word


def test_an_extra_problem_reads_its_owner_in_its_own_clause() -> None:
    result = classifier().classify("夏岭村那个路灯不亮，旁边的井盖也没了，晚上老人出门很危险")
    assert [m.item.name for m in result.items] == ["路灯", "污水井盖"]


def test_a_bare_thing_is_not_a_second_problem() -> None:
    result = classifier().classify("丰山路有个流动摊贩卖臭豆腐，摊子上用的还是煤气罐，离加油站很近")
    assert "加油加气站" not in [m.item.name for m in result.items]


def test_a_denied_owner_does_not_own_the_cover() -> None:
    result = classifier().classify("后巷有个井盖，问了燃气电信水务都说不是他们的")
    assert result.candidates[0].item.name != "燃气井盖"
    assert result.candidates[0].department == "jiedao"


def test_a_surely_named_problem_is_its_own_clause_even_without_a_state_word() -> None:
    """Contract §5's example: "跨门营业" names the problem itself."""
    result = classifier().classify("跨门营业还开着大喇叭招揽")
    assert sorted(m.department for m in result.items) == ["gongan", "zhifa"]
