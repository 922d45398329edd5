"""Nothing secret and no full phone number ever reaches a log.

Redaction happens where log records are created (a log-record factory), so it covers every
logger — ours, uvicorn's, httpx's (which logs request URLs, robot ``key=`` included, at INFO)
— and every handler, also ones added later. Three rules:

- the values of every secret the settings name by environment variable (any ``*_env`` field)
  are replaced by ``***``;
- credentials in URLs (``key=``, ``access_token=``, ``corpsecret=``, ``secret=``) are masked,
  which also covers tokens obtained at run time;
- phone numbers are masked with ``dispatcher.privacy.mask_phones``.
"""

from __future__ import annotations

import logging
import os
import re
import threading
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import BaseModel

from dispatcher.privacy import mask_phones

MASK = "***"
_URL_CREDENTIAL = re.compile(
    r"(?i)\b(key|access_token|corpsecret|secret|token|password)=([^&\s\"'<>]+)")
_MIN_SECRET = 4  # shorter values would mask ordinary words
_secrets: set[str] = set()
_lock = threading.Lock()
_installed: list[Any] = []


def redact(text: str) -> str:
    for secret in sorted(_secrets, key=len, reverse=True):
        text = text.replace(secret, MASK)
    text = _URL_CREDENTIAL.sub(lambda m: f"{m[1]}={MASK}", text)
    return mask_phones(text)


def add_secrets(values: Iterable[str]) -> None:
    with _lock:
        _secrets.update(v for v in values if v and len(v) >= _MIN_SECRET)


def secrets_named_by(settings: BaseModel, environ: Mapping[str, str] = os.environ) -> set[str]:
    """The values of every environment variable a ``*_env`` field of ``settings`` names."""
    found: set[str] = set()
    _walk(settings, environ, found)
    return found


def _walk(value: Any, environ: Mapping[str, str], found: set[str]) -> None:
    if isinstance(value, BaseModel):
        for name in type(value).model_fields:
            field = getattr(value, name)
            if name.endswith("_env") and isinstance(field, str) and environ.get(field):
                found.add(environ[field])
            else:
                _walk(field, environ, found)
    elif isinstance(value, Mapping):
        for item in value.values():
            _walk(item, environ, found)
    elif isinstance(value, list | tuple):
        for item in value:
            _walk(item, environ, found)


def install(settings: BaseModel, environ: Mapping[str, str] = os.environ) -> None:
    """Redact this service's secrets (and every phone number) from all log records."""
    add_secrets(secrets_named_by(settings, environ))
    with _lock:
        if _installed:
            return
        previous = logging.getLogRecordFactory()

        def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
            record = previous(*args, **kwargs)
            _redact_record(record)
            return record

        logging.setLogRecordFactory(factory)
        _installed.append(factory)


def _redact_record(record: logging.LogRecord) -> None:
    try:
        message = record.getMessage()
    except Exception:  # a bad format string: let logging report it as it always does
        return
    redacted = redact(message)
    if redacted != message:
        _replace_message(record, redacted)
    if record.exc_info and not record.exc_text:
        # Formatted now, so a secret in an exception message is masked in the traceback too.
        record.exc_text = redact(logging.Formatter().formatException(record.exc_info))


def _replace_message(record: logging.LogRecord, redacted: str) -> None:
    """Redact the arguments one by one when that masks the same; else the formatted text.

    Formatters such as uvicorn's access formatter unpack ``record.args``; a record without
    them fails to format (a "Logging error" with a stack print per request), so the
    arguments are kept whenever masking them separately gives the same message.
    """
    if isinstance(record.args, tuple) and isinstance(record.msg, str):
        args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        try:
            if redact(record.msg) % args == redacted:
                record.msg, record.args = redact(record.msg), args
                return
        except Exception:  # a format the arguments no longer fit: fall back to the text
            pass
    record.msg, record.args = redacted, None
