"""Map a sheet's free-text 处置单位 / 主管部门 onto registered department ids.

A real city's cell reads like "运城市城市节约用水中心、各产权单位". Each fragment is matched by
the wording hints below (service centres, bureaus), then by the registry's own names and short
names, longest first. 产权单位-style fragments name no department and are skipped.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from dispatcher.lists import Department

_SPLIT = re.compile(r"[、,，;；/\n]+")
_SKIP = ("产权单位", "使用管理部门", "经营单位", "建设单位")
# Ordered: more specific wording first ("公安交通管理" before "公安").
HINTS: tuple[tuple[str, str], ...] = (
    ("公安交通管理", "jiaojing"),
    ("交警", "jiaojing"),
    ("派出所", "gongan"),
    ("公安", "gongan"),
    ("节约用水", "shuiwu"),
    ("供水", "shuiwu"),
    ("自来水", "shuiwu"),
    ("排水", "shuiwu"),
    ("供热供气", "ranqi"),
    ("集中供热", "ranqi"),
    ("供气", "ranqi"),
    ("燃气", "ranqi"),
    ("市政", "zhujian"),
    ("城乡建设", "zhujian"),
    ("园林", "yuanlin"),
    ("绿化", "yuanlin"),
    ("市容", "zhifa"),
    ("环卫", "zhifa"),
    ("行政执法", "zhifa"),
    ("城市管理", "zhifa"),
    ("建筑垃圾", "zhifa"),
    ("街办", "jiedao"),
    ("街道", "jiedao"),
    ("区政府", "jiedao"),
    ("开发区", "jiedao"),
    ("乡镇", "jiedao"),
    ("电力", "gongdian"),
    ("供电", "gongdian"),
    ("电网", "gongdian"),
    ("联通", "tongxin"),
    ("移动", "tongxin"),
    ("电信", "tongxin"),
    ("通信", "tongxin"),
    ("广电", "guangdian"),
    ("邮政", "youzheng"),
    ("地名", "minzheng"),
    ("民政", "minzheng"),
    ("消防", "xiaofang"),
    ("卫生", "weijian"),
    ("卫健", "weijian"),
    ("物业", "wuye"),
    ("生态环境", "huanbao"),
    ("环保", "huanbao"),
    ("河道", "shuili"),
    ("水利", "shuili"),
    ("应急管理", "yingji"),
    ("市场监", "shijian"),
    ("体育", "wenlv"),
    ("文化", "wenlv"),
    ("交通运输", "jiaotong"),
    ("公交", "gongjiao"),
    ("自然资源", "ziran"),
    ("规划", "ziran"),
)


@dataclass
class UnitMatch:
    ids: list[str] = field(default_factory=list)  # in the order written, no repeats
    unmapped: list[str] = field(default_factory=list)


class UnitMapper:
    def __init__(self, departments: Mapping[str, Department]) -> None:
        self._known = set(departments)
        names = {n.lower(): d.id for d in departments.values() for n in d.all_names}
        self._exact = names
        self._by_length = sorted(names.items(), key=lambda kv: len(kv[0]), reverse=True)

    def match(self, text: str) -> UnitMatch:
        result = UnitMatch()
        for fragment in ("".join(f.split()) for f in _SPLIT.split(text or "")):
            if not fragment or any(skip in fragment for skip in _SKIP):
                continue
            dept = self._one(fragment)
            if dept is None:
                result.unmapped.append(fragment)
            elif dept not in result.ids:
                result.ids.append(dept)
        return result

    def _one(self, fragment: str) -> str | None:
        exact = self._exact.get(fragment.lower())
        if exact:
            return exact
        for word, dept in HINTS:
            if word in fragment and dept in self._known:
                return dept
        for name, dept in self._by_length:
            if len(name) >= 2 and name in fragment.lower():
                return dept
        return None

    def exact(self, name: str) -> str | None:
        """Resolve a department written exactly by id, full name or short name (our export)."""
        return self._exact.get(name.strip().lower())
