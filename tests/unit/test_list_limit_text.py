from __future__ import annotations

import pytest

from dispatcher.lists import TimeLimitError
from models.lists.limit_text import normalize_limit


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2紧急工作时", "2紧急工作时"),
        ("4小时", "4小时"),
        ("4工作时", "4工作时"),
        ("2天", "2工作日"),
        ("15天", "15工作日"),
        ("2紧急工作日", "2自然日"),
        ("1紧急工作时制止", "1紧急工作时"),
        ("5 工作日", "5工作日"),
        ("3个工作日", "3工作日"),
        ("30分钟", "30分钟"),
        ("7自然日", "7自然日"),
    ],
)
def test_city_wording_becomes_a_contract_unit(text: str, expected: str) -> None:
    assert normalize_limit(text) == expected


@pytest.mark.parametrize("text", ["三天", "", "尽快", "0工作日", "2周"])
def test_unreadable_limits_are_rejected(text: str) -> None:
    with pytest.raises(TimeLimitError):
        normalize_limit(text)
