"""Personal data kept out of digests, reports and logs: phone numbers are masked.

Grid workers often paste a resident's phone number into a report ("联系人13812345678"); the
ticket keeps it for the department, but anything broadcast or logged shows ``138****5678``.
"""

from __future__ import annotations

import re

# A mainland mobile number not glued to other digits (so order numbers are left alone).
_MOBILE = re.compile(r"(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)")
# A fixed-line number with area code, e.g. 0574-62345678 or 057462345678.
_LANDLINE = re.compile(r"(?<!\d)(0\d{2,3})(-?)(\d{3,4})(\d{4})(?!\d)")


def mask_phones(text: str) -> str:
    """Return ``text`` with every phone number's middle digits replaced by ``*``."""
    text = _MOBILE.sub(lambda m: f"{m[1]}****{m[3]}", text)
    return _LANDLINE.sub(lambda m: f"{m[1]}{m[2]}{'*' * len(m[3])}{m[4]}", text)
