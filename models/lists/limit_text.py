"""Normalise the 处置时限 wording found in city sheets to the units of contract §4."""

from __future__ import annotations

import re

from dispatcher.lists import TimeLimit

# 运城's muban writes 天 where its official text says 工作日; 紧急工作日 runs round the clock.
_UNIT_WORDS = (
    ("紧急工作日", "自然日"),
    ("个工作日", "工作日"),
    ("个工作时", "工作时"),
    ("个小时", "小时"),
    ("天", "工作日"),
    ("日", "工作日"),
    ("分", "分钟"),
)
_KNOWN_UNITS = ("紧急工作时", "工作时", "工作日", "自然日", "小时", "分钟")
_LEADING = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(\D+?)\s*$")


def normalize_limit(text: str) -> str:
    """Return a text TimeLimit.parse accepts; raises TimeLimitError when nothing sensible fits.

    ``"2天"`` -> ``"2工作日"``, ``"2紧急工作日"`` -> ``"2自然日"``, ``"1紧急工作时制止"`` ->
    ``"1紧急工作时"`` (a trailing action word is dropped).
    """
    match = _LEADING.match(text or "")
    if match is None:
        return str(TimeLimit.parse(text))  # raises with the standard message
    amount, rest = match.group(1), match.group(2).strip()
    unit = next((u for u in _KNOWN_UNITS if rest.startswith(u)), None)
    if unit is None:
        unit = next((new for old, new in _UNIT_WORDS if rest.startswith(old)), None)
    if unit is None:
        return str(TimeLimit.parse(text))
    return str(TimeLimit.parse(f"{amount}{unit}"))
