"""事件 17 大类 149 项: the classics (events_a) and the 全科网格 extensions (events_b, events_c)."""

from __future__ import annotations

from tools.default_list import events_a, events_b, events_c

EVENT_CATEGORIES = [
    events_a.CITY,
    events_a.ADS,
    events_a.WORKS,
    events_a.STREET,
    events_a.EMERGENCY,
    events_b.BUILDING,
    events_b.ENVIRONMENT,
    events_b.NOISE,
    events_b.MARKET,
    events_b.FIRE,
    events_b.SAFETY,
    events_c.TRAFFIC,
    events_c.COMPOUND,
    events_c.HOUSING,
    events_c.WATER,
    events_c.GREEN,
    events_c.DISPUTES,
]
