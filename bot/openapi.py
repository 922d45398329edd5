"""Errors as the app really answers them, and as its OpenAPI schema documents them.

Every error is ``{"detail": "<Chinese reason>"}``. Routes list the statuses they can answer
with ``error_responses``; ``document_errors`` also covers what FastAPI itself answers before
our code runs (an unreadable body → 400, a body or parameter that fails validation → 422),
translating those reasons into Chinese for every route, the ones added later included.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from starlette.exceptions import HTTPException

_REASONS = {
    400: "请求体无法解析（例如不是合法的 UTF-8 / JSON）或无法解密",
    401: "签名校验失败、缺少签名或时间戳过期（防重放）",
    404: "未知的来源、机器人、应用，或该功能未启用",
    413: "消息体过大",
    422: "消息格式错误",
    503: "服务配置不完整或数据库不可用",
}
# FastAPI's own English reason for a body it cannot even decode.
_FASTAPI_UNPARSABLE = "There was an error parsing the body"
_UNPARSABLE = "请求体无法解析：不是合法的 UTF-8 或 JSON"
_PROBLEMS = {"missing": "缺少此字段", "json_invalid": "不是合法的 JSON",
             "string_too_long": "内容过长", "string_too_short": "内容过短或为空",
             "string_type": "应为文本", "int_parsing": "应为整数", "bool_parsing": "应为布尔值",
             "model_attributes_type": "应为 JSON 对象", "dict_type": "应为 JSON 对象",
             "list_type": "应为列表", "greater_than_equal": "数值过小",
             "less_than_equal": "数值过大", "literal_error": "取值不在允许范围内"}


class ErrorBody(BaseModel):
    """Why the request was refused (FastAPI's own validation list is turned into text)."""

    detail: str


def error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    # Spelled out (not ``model=``) so a plain-text route still documents JSON errors.
    return {code: {"description": _REASONS[code], "content": _json_error()} for code in codes}


def _json_error() -> dict[str, Any]:
    return {"application/json": {"schema": ErrorBody.model_json_schema()}}


def validation_reason(exc: RequestValidationError) -> str:
    """FastAPI's validation problems as one Chinese line (field path: what is wrong)."""
    parts = []
    for error in list(exc.errors())[:5]:
        where = ".".join(str(p) for p in error.get("loc", ()) if p != "body") or "请求体"
        parts.append(f"{where}：{_PROBLEMS.get(error.get('type', ''), error.get('msg', ''))}")
    return "请求格式错误：" + "；".join(parts)


async def _on_validation_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    return JSONResponse({"detail": validation_reason(exc)}, status_code=422)


async def _on_http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 400 and exc.detail == _FASTAPI_UNPARSABLE:
        return JSONResponse({"detail": _UNPARSABLE}, status_code=400)
    return await http_exception_handler(request, exc)


def document_errors(app: FastAPI) -> None:
    """Chinese reasons for FastAPI's own 400/422, and a schema that documents them."""
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(HTTPException, _on_http_error)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version, routes=app.routes)
            for path in schema.get("paths", {}).values():
                for operation in path.values():
                    _document_framework_errors(operation)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _document_framework_errors(operation: dict[str, Any]) -> None:
    responses = operation.setdefault("responses", {})
    if "422" in responses:  # FastAPI documents its list form; we answer text
        responses["422"] = {"description": _REASONS[422], "content": _json_error()}
    if "requestBody" in operation:
        responses.setdefault("400", {"description": _REASONS[400], "content": _json_error()})
