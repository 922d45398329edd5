"""Duty fallback: a report about a matter the item list has no item for is triaged with the
department whose 职责 words it uses suggested first; it is never dispatched without an item."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest

from dispatcher.classification import Decision, Intent
from dispatcher.classify.classifier import GridClassifier
from dispatcher.classify.duties import DutyIndex
from dispatcher.lists import Department, ResponsibilityList
from models.lists import load_responsibility_list

LIST_DIR = Path(__file__).resolve().parents[2] / "responsibility_lists" / "default"


@cache
def default_list() -> ResponsibilityList:
    return load_responsibility_list(LIST_DIR)


@cache
def classifier() -> GridClassifier:
    return GridClassifier(responsibility_list=default_list())


@pytest.mark.parametrize(
    ("text", "department", "word"),
    [
        ("城中村有个人在家里给人打点滴，也没挂牌", "weijian", "打点滴"),
        ("丰山路一家药店在卖处方药不要处方", "shijian", "药店"),
        ("城东路网吧里好几个初中生在打游戏", "wenlv", "网吧"),
        ("有个社区矫正人员好几天联系不上", "sifa", "社区矫正"),
        ("菜场里有人现场杀活鸡", "nongye", "杀活鸡"),
        ("有人在兰江街道路边搭灵棚办丧事，吹吹打打占了半条路", "minzheng", "灵棚"),
        ("有点担心，最近晚上总有两个陌生人在车棚附近转悠拉车门", "gongan", "陌生人"),
    ],
)
def test_matter_without_item_is_triaged_to_the_department_owning_it(
    text: str, department: str, word: str
) -> None:
    result = classifier().classify(text)
    assert result.intent is Intent.REPORT
    assert result.decision is Decision.TRIAGE
    assert result.items == ()
    first = result.candidates[0]
    assert first.duty and first.department == department
    assert word in first.evidence


def test_duty_candidate_json_has_no_item_code() -> None:
    result = classifier().classify("村里有个人在家给人打针挂盐水，不是医生")
    data = json.loads(json.dumps(result.as_json(), ensure_ascii=False))
    first = data["candidates"][0]
    assert first["code"] is None and first["list"] is None
    assert first["department"] == "weijian"
    assert first["name"] in first["evidence"]
    assert set(first) == set(data["candidates"][-1])  # same keys as an item candidate


def test_an_item_that_fits_still_dispatches_despite_duty_words() -> None:
    # KTV is a 文旅 duty word, but the fan noise is 设备噪声 on the list.
    result = classifier().classify("南门菜场边那家KTV的排风机声音很大，居民反映好多次了")
    assert result.decision is Decision.DISPATCH
    assert result.items[0].department == "huanbao"
    assert not any(m.duty for m in result.items)


def test_duty_words_in_chatter_do_not_make_a_report() -> None:
    result = classifier().classify("下午社区矫正工作培训，请大家准时参加")
    assert result.intent is not Intent.REPORT


def test_duty_index_prefers_longest_words_and_heaviest_department() -> None:
    departments = {
        "a": Department("a", "甲局", duties=("农药",)),
        "b": Department("b", "乙局", duties=("剧毒农药", "许可证")),
    }
    index = DutyIndex(ResponsibilityList(label="t", departments=departments, items=()))
    hit = index.match("有人卖剧毒农药没有许可证")
    assert hit is not None
    assert hit.department == "b" and hit.words == ("剧毒农药", "许可证")
    assert index.match("今天天气很好") is None


def test_eval_counts_the_suggested_department_and_skips_it_for_item_top1() -> None:
    from dispatcher.evaluation import LabelledMessage, evaluate

    rows = [
        LabelledMessage(text="有个社区矫正人员好几天联系不上", intent=Intent.REPORT,
                        departments=("sifa",), items=("社区矫正",)),
        LabelledMessage(text="城中村有个人在家里给人打点滴，也没挂牌", intent=Intent.REPORT,
                        departments=("weijian",), items=("非法行医",)),
    ]
    report = evaluate(classifier(), rows)
    assert report["department_top1"] == 1.0
    assert report["triage_rate"] == 1.0
    # The duty word 社区矫正 equals the first label, but a duty suggestion is no list item.
    assert report["item_top1"] == 0.0
