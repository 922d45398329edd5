"""Text preparation shared by intent detection and ranking: folding, typos, n-grams."""

from __future__ import annotations

import re
import unicodedata

# Frequent pinyin-IME slips in grid reports, mapped to the intended word. Only pairs whose
# wrong form is not itself a word people mean are listed, so the map never changes meaning.
TYPOS: dict[str, str] = {
    "拉圾": "垃圾",
    "垃级": "垃圾",
    "辣鸡": "垃圾",
    "井该": "井盖",
    "井丐": "井盖",
    "进盖": "井盖",
    "路等": "路灯",
    "漏灯": "路灯",
    "占到": "占道",
    "站道": "占道",
    "经菅": "经营",
    "径营": "经营",
    "油炯": "油烟",
    "噪间": "噪声",
    "噪音": "噪声",
    "燥音": "噪声",
    "躁音": "噪声",
    "燥声": "噪声",
    "乱停乱放": "乱停放",
    "飞线冲电": "飞线充电",
    "冲电": "充电",
    "违建": "违法建设",
    "下水到": "下水道",
    "窨井": "井",
    "阴井": "井",
    "污水并": "污水井",
    "跨门营业": "跨门经营",
    "消访": "消防",
    "电瓶车": "电动车",
    "电驴": "电动车",
    "小电驴": "电动车",
    "摊贩": "摊贩",
}
_TYPO_RE = re.compile("|".join(sorted(map(re.escape, TYPOS), key=len, reverse=True)))
_MENTION_RE = re.compile(r"@\S+")
_MEDIA_RE = re.compile(r"\[(?:图片|语音|表情|视频|文件|链接|动画表情)\]")
_NOISE_RE = re.compile(r"[^\w\u4e00-\u9fff]+")


def fold(text: str) -> str:
    """NFKC, lower case, mentions and media placeholders dropped, white space collapsed."""
    folded = unicodedata.normalize("NFKC", text or "").lower()
    folded = _MEDIA_RE.sub(" ", _MENTION_RE.sub(" ", folded))
    return " ".join(folded.split())


def correct(text: str) -> str:
    return _TYPO_RE.sub(lambda m: TYPOS[m.group(0)], text)


def compact(text: str) -> str:
    """Only letters, digits and CJK: what the n-gram ranking reads."""
    return _NOISE_RE.sub("", text)


# Bigrams that describe where and when, not what: they would tie unrelated items together.
STOP_BIGRAMS = frozenset(
    "有人 一个 晚上 早上 白天 门口 路口 路上 路边 边上 上的 里的 了一 一堆 好几 天天 每天 "
    "一直 已经 "
    "没有 不是 居民 反映 那个 这个 那家 这家 附近 旁边 对面 村里 街道 社区 好多 很多 都是 还有 "
    "在那 我们 他们 你们 大家 麻烦 一下 看看 什么 怎么 还在 又在 不知 知道 进去 出来 下面 上面 "
    "人行 行道 道上 "
    "里面 外面 一条 一排 一家 一辆 两个 几个 的人 人家 那边 这边 东西 时候 现在 今天 昨天".split()
)


def bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)} - STOP_BIGRAMS


def clauses(text: str) -> list[str]:
    """Split a report into clauses where a second problem may start."""
    parts = re.split(
        r"[，,。；;！!？?、：:\s]+|(?:还有|另外|而且|同时|并且|此外|顺便)|还(?=[开在把乱放占堆有贴倒排挖搭])",
        text,
    )
    return [p for p in parts if p]
