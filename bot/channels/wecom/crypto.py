"""WeCom callback crypto (WXBizMsgCrypt scheme) on top of wechatpy 1.8.18.

Used for both callback kinds: the self-built app (encrypted XML, receive id = CorpID) and the
AI bot (``{"encrypt": ...}`` JSON, receive id ""). The signature is checked before the
ciphertext is touched; the decrypted frame is then checked strictly (padding, length field,
receive id) because wechatpy's own check cannot notice a wrong AES key when the expected
receive id is empty.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import struct
from dataclasses import dataclass
from typing import Any

from wechatpy.crypto.base import WeChatCipher
from wechatpy.crypto.pkcs7 import PKCS7Encoder
from wechatpy.enterprise.crypto import PrpCrypto
from wechatpy.utils import WeChatSigner

from bot.channels.wecom import texts
from bot.channels.wecom.xmlsafe import UnsafeXml, parse_xml

_RANDOM_PREFIX = 16
_LENGTH_FIELD = 4


class WeComCryptoError(Exception):
    """A callback that must be rejected (answered 4xx, nothing stored)."""


class WeComUnauthenticated(WeComCryptoError):
    """The callback cannot be authenticated (answered 401): bad or missing signature, a
    body with no signed ciphertext in it, or a stale timestamp."""


class WeComSignatureError(WeComUnauthenticated):
    """msg_signature does not match token + timestamp + nonce + ciphertext."""


class WeComPayloadError(WeComCryptoError):
    """The body or the decrypted frame is malformed, or meant for another receiver."""


class WeComEnvelopeError(WeComPayloadError, WeComUnauthenticated):
    """The body has no ciphertext field to check the signature against.

    WeCom signs the ``Encrypt`` field, so the envelope is the one thing read before the
    signature: with a bounded, entity-free parser, and any failure is treated as "cannot be
    authenticated" (401), never as a content error.
    """


class WeComStaleError(WeComPayloadError, WeComUnauthenticated):
    """The timestamp is missing, malformed or too far from now (a replayed callback?)."""


def sign(*, token: str, timestamp: str, nonce: str, encrypt: str) -> str:
    """SHA1 over the sorted concatenation of the four strings (WeCom's msg_signature)."""
    signer = WeChatSigner()
    signer.add_data(token, timestamp, nonce, encrypt)
    return str(signer.signature)


class _FixedRandomPrpCrypto(PrpCrypto):  # type: ignore[misc]
    """Deterministic encryption for tests (mirrors how wechatpy's own test mocks it)."""

    def __init__(self, key: bytes, random16: str) -> None:
        super().__init__(key)
        self._random16 = random16

    def get_random_string(self) -> str:
        return self._random16


@dataclass(frozen=True, slots=True)
class EncryptedReply:
    encrypt: str
    msg_signature: str
    timestamp: str
    nonce: str

    def as_json(self) -> str:
        """The AI bot's passive-reply envelope (keys per the official JSON library)."""
        return json.dumps(
            {
                "encrypt": self.encrypt,
                "msgsignature": self.msg_signature,
                "timestamp": self.timestamp,
                "nonce": self.nonce,
            }
        )

    def as_xml(self) -> str:
        """The self-built app's passive-reply envelope."""
        return (
            f"<xml><Encrypt><![CDATA[{self.encrypt}]]></Encrypt>"
            f"<MsgSignature><![CDATA[{self.msg_signature}]]></MsgSignature>"
            f"<TimeStamp>{self.timestamp}</TimeStamp>"
            f"<Nonce><![CDATA[{self.nonce}]]></Nonce></xml>"
        )


class CallbackCrypto:
    """Token + EncodingAESKey + receive id of one callback URL."""

    def __init__(self, *, token: str, encoding_aes_key: str, receive_id: str) -> None:
        try:
            key = base64.b64decode(encoding_aes_key + "=", validate=True)
        except binascii.Error as exc:
            raise ValueError(texts.BAD_AES_KEY) from exc
        if len(key) != 32:
            raise ValueError(texts.BAD_AES_KEY)
        if not token:
            raise ValueError(texts.EMPTY_TOKEN)
        self._token = token
        self._key = key
        self._receive_id = receive_id

    # -- inbound ------------------------------------------------------------------------

    def verify_url(self, *, msg_signature: str, timestamp: str, nonce: str, echostr: str) -> str:
        """URL check (GET): the plaintext the endpoint must echo back, bare."""
        return self._open(
            encrypt=echostr, msg_signature=msg_signature, timestamp=timestamp, nonce=nonce
        )

    def decrypt_xml(
        self, body: bytes | str, *, msg_signature: str, timestamp: str, nonce: str
    ) -> str:
        """Encrypted XML callback (self-built app) → decrypted XML text."""
        encrypt = _encrypt_field_from_xml(body)
        return self._open(
            encrypt=encrypt, msg_signature=msg_signature, timestamp=timestamp, nonce=nonce
        )

    def decrypt_json(
        self, body: bytes | str, *, msg_signature: str, timestamp: str, nonce: str
    ) -> str:
        """Encrypted JSON callback (AI bot, JSON-mode apps) → decrypted text."""
        encrypt = _encrypt_field_from_json(body)
        return self._open(
            encrypt=encrypt, msg_signature=msg_signature, timestamp=timestamp, nonce=nonce
        )

    # -- outbound -----------------------------------------------------------------------

    def encrypt_reply(
        self, plaintext: str, *, nonce: str, timestamp: str, random16: str | None = None
    ) -> EncryptedReply:
        """Encrypt a passive reply; ``random16`` only for deterministic tests."""
        prp = PrpCrypto(self._key) if random16 is None else _FixedRandomPrpCrypto(
            self._key, random16
        )
        encrypt = prp.encrypt(plaintext, self._receive_id).decode("ascii")
        signature = sign(token=self._token, timestamp=timestamp, nonce=nonce, encrypt=encrypt)
        return EncryptedReply(
            encrypt=encrypt, msg_signature=signature, timestamp=timestamp, nonce=nonce
        )

    # -- internals ----------------------------------------------------------------------

    def _open(self, *, encrypt: str, msg_signature: str, timestamp: str, nonce: str) -> str:
        expected = sign(token=self._token, timestamp=timestamp, nonce=nonce, encrypt=encrypt)
        if not hmac.compare_digest(expected, msg_signature.lower()):
            raise WeComSignatureError("msg_signature mismatch")
        return self._decrypt_frame(encrypt)

    def _decrypt_frame(self, encrypt: str) -> str:
        try:
            ciphertext = base64.b64decode(encrypt, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise WeComPayloadError("ciphertext is not base64") from exc
        if not ciphertext or len(ciphertext) % 16:
            raise WeComPayloadError("ciphertext length is not a multiple of the AES block")
        frame = _strip_padding(WeChatCipher(self._key).decrypt(ciphertext))
        body = frame[_RANDOM_PREFIX:]
        if len(body) < _LENGTH_FIELD:
            raise WeComPayloadError("decrypted frame too short")
        (length,) = struct.unpack(">I", body[:_LENGTH_FIELD])
        message = body[_LENGTH_FIELD : _LENGTH_FIELD + length]
        if len(message) != length:
            raise WeComPayloadError("decrypted length field exceeds the frame")
        receive_id = body[_LENGTH_FIELD + length :]
        if receive_id != self._receive_id.encode("utf-8"):
            raise WeComPayloadError("receive id does not match")
        try:
            return message.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise WeComPayloadError("decrypted message is not UTF-8") from exc


def _strip_padding(frame: bytes) -> bytes:
    """PKCS#7 with WeCom's block size 32, checked strictly (a wrong key fails here)."""
    pad = frame[-1]
    if not 1 <= pad <= PKCS7Encoder.block_size or frame[-pad:] != bytes([pad]) * pad:
        raise WeComPayloadError("bad padding (wrong EncodingAESKey?)")
    return frame[:-pad]


def _encrypt_field_from_json(body: bytes | str) -> str:
    try:
        data: Any = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:  # incl. nesting bombs
        raise WeComEnvelopeError("body is not JSON") from exc
    encrypt = data.get("encrypt") if isinstance(data, dict) else None
    if not isinstance(encrypt, str) or not encrypt:
        raise WeComEnvelopeError('body has no "encrypt" string')
    return encrypt


def _encrypt_field_from_xml(body: bytes | str) -> str:
    try:
        root = parse_xml(body)
    except UnsafeXml as exc:  # malformed, or a DTD / entity (XML bombs, XXE)
        raise WeComEnvelopeError(f"body is not acceptable XML ({exc})") from exc
    encrypt = root.findtext("Encrypt") if root.tag == "xml" else None
    if not encrypt:
        raise WeComEnvelopeError("body has no <Encrypt> element")
    return encrypt


def check_fresh(timestamp: str, *, now: float, max_skew_seconds: int = 300) -> None:
    """Reject replays: WeCom's ``timestamp`` query parameter must be near ``now`` (epoch s)."""
    try:
        sent = int(timestamp)
    except ValueError as exc:
        raise WeComStaleError("timestamp is not an integer") from exc
    if abs(now - sent) > max_skew_seconds:
        raise WeComStaleError("timestamp too far from now (replayed callback?)")
