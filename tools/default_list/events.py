"""事件 17 大类 149 项: the classics (events_a) and the 全科网格 extensions (events_b, events_c)."""

from __future__ import annotations

from tools.default_list import events_a

EVENT_CATEGORIES = [events_a.CITY, events_a.ADS]
