"""Redacted log records still format with the formatter they were made for (uvicorn's access
formatter unpacks ``record.args``), and what they show is masked."""

from __future__ import annotations

import logging

from uvicorn.logging import AccessFormatter

from bot import logredact

ACCESS = '%s - "%s %s HTTP/%s" %d'


def _access_record(path: str) -> logging.LogRecord:
    record = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1, ACCESS,
                               ("127.0.0.1:5000", "POST", path, "1.1", 200), None)
    logredact._redact_record(record)
    return record


def test_an_access_line_without_secrets_keeps_its_arguments_and_formats() -> None:
    record = _access_record("/channels/generic/bridge")
    line = AccessFormatter('%(client_addr)s "%(request_line)s" %(status_code)s').format(record)
    assert line == '127.0.0.1:5000 "POST /channels/generic/bridge HTTP/1.1" 200 OK'


def test_an_access_line_with_a_phone_and_a_key_is_masked_and_still_formats() -> None:
    record = _access_record("/hook?key=abcdef123&to=13812345678")
    line = AccessFormatter('%(request_line)s').format(record)
    assert "abcdef123" not in line and "13812345678" not in line
    assert line.startswith("POST /hook?key=***")


def test_a_message_masked_only_as_a_whole_falls_back_to_the_text() -> None:
    # the phone number is split across two arguments: only the formatted text shows it
    record = logging.LogRecord("bot", logging.INFO, __file__, 1, "call %s%s",
                               ("138123", "45678"), None)
    logredact._redact_record(record)
    assert record.args is None and "13812345678" not in record.getMessage()
