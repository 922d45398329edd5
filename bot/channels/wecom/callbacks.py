"""What the WeCom callback routes call: query params + raw body → plaintext or messages.

The routes stay thin: ``GET`` answers ``verify_*`` as bare text (within 1 s); ``POST`` stores
what ``*_inbound`` returns and acknowledges with an empty 200 body. Any
``WeComCryptoError`` means "reject (4xx), store nothing". The signature is checked before
the body is parsed beyond extracting the encrypted field, and stale timestamps are refused.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from datetime import UTC, datetime

from bot.channels.wecom.aibot import Ignored, parse_aibot_json, translate_aibot_callback
from bot.channels.wecom.app_inbound import translate_app_callback
from bot.channels.wecom.crypto import (
    CallbackCrypto,
    WeComPayloadError,
    WeComSignatureError,
    check_fresh,
)
from bot.channels.wecom.settings import WeComSettings
from dispatcher.messages import InboundMessage

Now = Callable[[], datetime]


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _signed(query: Mapping[str, str]) -> dict[str, str]:
    """msg_signature / timestamp / nonce (already URL-decoded by the web framework)."""
    try:
        return {name: query[name] for name in ("msg_signature", "timestamp", "nonce")}
    except KeyError as exc:  # nothing to authenticate the callback with
        raise WeComSignatureError(f"missing query parameter {exc.args[0]}") from exc


def _verify(crypto: CallbackCrypto, query: Mapping[str, str], now: Now) -> str:
    signed = _signed(query)
    check_fresh(signed["timestamp"], now=now().timestamp())
    echostr = query.get("echostr")
    if not echostr:
        raise WeComPayloadError("missing query parameter echostr")
    return crypto.verify_url(echostr=echostr, **signed)


def verify_aibot_url(
    settings: WeComSettings,
    bot: str,
    query: Mapping[str, str],
    *,
    now: Now = _utc_now,
    environ: Mapping[str, str] = os.environ,
) -> str:
    return _verify(settings.aibot_crypto(bot, environ=environ), query, now)


def verify_app_url(
    settings: WeComSettings,
    app: str,
    query: Mapping[str, str],
    *,
    now: Now = _utc_now,
    environ: Mapping[str, str] = os.environ,
) -> str:
    return _verify(settings.app_crypto(app, environ=environ), query, now)


def aibot_inbound(
    settings: WeComSettings,
    bot: str,
    query: Mapping[str, str],
    body: bytes,
    *,
    now: Now = _utc_now,
    environ: Mapping[str, str] = os.environ,
) -> InboundMessage | Ignored:
    signed = _signed(query)
    check_fresh(signed["timestamp"], now=now().timestamp())
    plaintext = settings.aibot_crypto(bot, environ=environ).decrypt_json(body, **signed)
    return translate_aibot_callback(
        parse_aibot_json(plaintext), bot=bot, bot_name=settings.aibots[bot].name,
        received_at=now(),
    )


def app_inbound(
    settings: WeComSettings,
    app: str,
    query: Mapping[str, str],
    body: bytes,
    *,
    now: Now = _utc_now,
    environ: Mapping[str, str] = os.environ,
) -> InboundMessage | Ignored:
    signed = _signed(query)
    check_fresh(signed["timestamp"], now=now().timestamp())
    xml = settings.app_crypto(app, environ=environ).decrypt_xml(body, **signed)
    return translate_app_callback(xml, app=app, agent_id=settings.app(app).agent_id)


__all__ = ["aibot_inbound", "app_inbound", "verify_aibot_url", "verify_app_url"]
