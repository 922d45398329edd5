"""Turn YAML documents into validated pydantic models, collecting every error in Chinese."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from models.lists import texts
from models.lists.errors import ListError

ModelT = TypeVar("ModelT", bound=BaseModel)


def format_location(loc: Sequence[int | str]) -> str:
    """``('categories', 3, 'items', 7, 'limit')`` -> ``categories[3].items[7].limit``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _reason(error: ErrorDetails) -> str:
    kind = error["type"]
    ctx: dict[str, Any] = dict(error.get("ctx") or {})
    if kind == "value_error" and "error" in ctx:
        return str(ctx["error"])
    simple = {
        "missing": texts.MISSING_FIELD,
        "extra_forbidden": texts.EXTRA_FIELD,
        "string_type": texts.EXPECT_TEXT,
        "string_too_short": texts.EMPTY_TEXT,
        "list_type": texts.EXPECT_LIST,
        "model_type": texts.EXPECT_MAPPING,
        "dict_type": texts.EXPECT_MAPPING,
        "model_attributes_type": texts.EXPECT_MAPPING,
        "too_short": texts.TOO_FEW,
    }
    if kind in simple:
        reason = simple[kind]
        if kind == "string_type" and isinstance(error.get("input"), int | float):
            reason += f"（读到数字 {error['input']}，代码请加引号，如 '010101'）"
        return reason
    if kind == "string_pattern_mismatch":
        return texts.BAD_CODE.format(code=error.get("input"))
    if kind == "literal_error":
        return texts.BAD_CHOICE.format(choices=ctx.get("expected", ""))
    return texts.INVALID_VALUE.format(detail=error["msg"])


def parse_document(
    model: type[ModelT], document: object, *, file: str, errors: list[ListError]
) -> ModelT | None:
    """Validate one document; on failure append one ListError per problem and return None."""
    try:
        return model.model_validate(document)
    except ValidationError as exc:
        for error in exc.errors():
            loc = ["list" if part == "kind" else part for part in error["loc"]]
            errors.append(ListError(file, format_location(loc), _reason(error)))
        return None
