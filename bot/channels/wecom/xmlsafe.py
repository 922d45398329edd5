"""Parse untrusted XML with defusedxml: no DTD, no entities, no external references.

WeCom never sends a DOCTYPE, so any DTD (billion laughs, external entities) is refused
outright instead of being expanded or fetched. Used on the callback envelope (before the
signature can be checked) and again on the decrypted message, before wechatpy sees it.
"""

from __future__ import annotations

from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring


class UnsafeXml(ValueError):
    """The text is not well-formed XML, or carries a DTD / entity declaration."""


def parse_xml(data: bytes | str) -> Element:
    try:
        root: Element = fromstring(data, forbid_dtd=True, forbid_entities=True,
                                   forbid_external=True)
    except (DefusedXmlException, ParseError, ValueError, RecursionError) as exc:
        raise UnsafeXml(type(exc).__name__) from exc
    return root
