"""Compact notation for writing the default list; ``build.py`` expands it into the YAML files.

The committed product is the YAML under responsibility_lists/default; this notation only saves
typing and keeps repeated 立案条件 (e.g. the four manhole-cover conditions of 运城) identical.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class I:  # noqa: E742 - one-letter constructor keeps the data tables readable
    code: str  # 2-digit 小类 number; the full code is list prefix + 大类 + 小类
    name: str
    aliases: str  # space-separated
    depts: str  # "main co1 co2"
    sup: str | None
    urgency: str  # "u" | "n"
    conds: list[str]  # "立案条件|处置时限|结案条件"
    source: str = ""


@dataclass(frozen=True)
class Cat:
    code: str
    name: str
    items: list[I] = field(default_factory=list)


MANHOLE = [
    "井盖缺失、移位、开裂，存在安全隐患|2紧急工作时|恢复（先设警示围护）",
    "井盖破损超过25平方厘米|4工作时|更换或修复",
    "井盖弹跳产生声响，翻盖明显影响安全|2工作日|更换或修复",
    "井盖周边路面150cm×150cm范围内深陷、凸起或破损，井框与路面高差大于2cm|5工作日|修复",
]
POLE = [
    "杆体倾斜、倒伏或基础松动，存在安全隐患|2紧急工作时|扶正、加固或拆除，消除隐患",
    "杆体破损、锈蚀、部件缺失|3工作日|修复",
    "杆体乱贴乱画、乱挂乱拉|1工作日|清理干净",
]
BOX = [
    "箱门缺失、箱体破损导致线缆外露，存在触电等安全隐患|2紧急工作时|围护并消除隐患",
    "箱体破损、倾斜、锈蚀|3工作日|修复或更换",
    "箱体乱贴乱画、污损|1工作日|清洁",
]
FACILITY = [
    "设施倒伏、倾斜、松动，存在安全隐患|2紧急工作时|围护并消除隐患",
    "设施破损、缺失、功能不全|3工作日|修复或更换",
    "设施污损、乱贴乱画|1工作日|清洁",
]
SIGN = [
    "标牌缺失、倒伏或被遮挡|2工作日|恢复",
    "标牌破损、字迹不清、内容错误|5工作日|修复或更换",
    "标牌污损、乱贴乱画|1工作日|清洁",
]
LAMP = [
    "连续3盏以上或整段路灯不亮|1工作日|恢复照明",
    "单盏灯不亮或白天常亮|2工作日|修复",
    "灯杆倾斜、灯具松动坠落风险、检修门缺失电线外露|2紧急工作时|围护并消除隐患",
    "灯杆灯具破损、污损、乱贴|3工作日|修复或清洁",
]
STRUCTURE = [
    "结构开裂、塌陷、护栏断缺，存在安全隐患|2紧急工作时|围护警示并消除隐患",
    "面层破损、附属设施缺损|5工作日|修复",
    "积水、积存垃圾、乱贴乱画|1工作日|清理",
]
GREEN = [
    "设施倒伏、断裂，存在安全隐患|2紧急工作时|清除或加固，消除隐患",
    "设施破损、缺失|3工作日|修复或补齐",
    "设施污损、周边脏乱|1工作日|清洁",
]
