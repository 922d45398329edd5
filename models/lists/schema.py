"""Pydantic shapes of the three YAML files of a list directory (the files' contract)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from dispatcher.lists import TimeLimit

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Code = Annotated[
    str, StringConstraints(strip_whitespace=True, pattern=r"^[0-9A-Za-z][0-9A-Za-z_-]*$")
]


class _Strict(BaseModel):
    # strict: a YAML number where text is expected (an unquoted 010101) is an error, not a guess.
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, populate_by_name=True)


class DepartmentModel(_Strict):
    id: Code
    name: Text
    short_names: list[Text] = Field(default_factory=list)
    duties: list[Text] = Field(default_factory=list)


class DepartmentsFile(_Strict):
    label: Text
    departments: list[DepartmentModel] = Field(min_length=1)


class ConditionModel(_Strict):
    filing: Text
    limit: Text
    closing: Text

    @field_validator("limit")
    @classmethod
    def _limit_is_readable(cls, value: str) -> str:
        TimeLimit.parse(value)  # TimeLimitError is a ValueError: pydantic reports its text
        return value


class ItemModel(_Strict):
    code: Code
    name: Text
    aliases: list[Text] = Field(default_factory=list)
    department: Text
    co_departments: list[Text] = Field(default_factory=list)
    supervisor: Text | None = None
    urgency: Literal["urgent", "normal"] = "normal"
    conditions: list[ConditionModel] = Field(min_length=1)
    source: str = ""


class CategoryModel(_Strict):
    code: Code
    name: Text
    items: list[ItemModel] = Field(min_length=1)


class ListFile(_Strict):
    kind: Literal["component", "event"] = Field(alias="list")
    # May be empty: a city may import only one of the two lists; build_list wants >= 1 item.
    categories: list[CategoryModel] = Field(default_factory=list)
