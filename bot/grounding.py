"""Grounding checks: every figure, e-mail, phone number and link of a text must stand in its
sources.

Used on answer cards at ingest (and by ``inspire-bot cards check``); the same check is meant for
any generated answer. Comparison is forgiving on form ("30 %" = "30%", "1 000" = "1,000" =
"1000") and strict on substance (a number, an address or a link absent from the passages is
reported by name).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"')\]]+", re.IGNORECASE)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?<![\w])\+?\d[\d .\u00a0\u202f-]{7,}\d(?![\w])")
_NUMBER = re.compile(
    r"(?<![\w.,])(\d{1,3}(?:[ \u00a0\u202f.,]\d{3})+|\d+)(?:[.,](\d+))?(?![\d])"
    r"(\s?(?:%|€|euros?|EUR))?",
    re.IGNORECASE,
)


def _norm_url(url: str) -> str:
    url = url.rstrip(".,;:!?").lower()
    url = re.sub(r"^https?://", "", url).removeprefix("www.")
    return url.rstrip("/")


def _norm_phone(phone: str) -> str:
    digits = re.sub(r"\D", "", phone)
    return "0" + digits[2:] if phone.strip().startswith("+33") else digits


def _strip(text: str, pattern: re.Pattern[str]) -> str:
    return pattern.sub(" ", text)


def claims(text: str) -> set[str]:
    """The checkable tokens of ``text``: ``url:…``, ``email:…``, ``phone:…``, ``num:…[%]``."""
    found: set[str] = set()
    for match in _URL.finditer(text):
        found.add("url:" + _norm_url(match.group()))
    text = _strip(text, _URL)
    for match in _EMAIL.finditer(text):
        found.add("email:" + match.group().lower().rstrip("."))
    text = _strip(text, _EMAIL)
    for match in _PHONE.finditer(text):
        digits = _norm_phone(match.group())
        if len(digits) >= 9 and not re.fullmatch(r"\d{4}\D\d{4}", match.group().strip()):
            found.add("phone:" + digits)
    text = _PHONE.sub(lambda m: " " if len(re.sub(r"\D", "", m.group())) >= 9 else m.group(), text)
    for match in _NUMBER.finditer(text):
        whole, decimals, unit = match.groups()
        value = re.sub(r"[ \u00a0\u202f.,]", "", whole)
        if decimals:
            value = f"{value}.{decimals}"
        unit = (unit or "").strip().lower()
        found.add("num:" + value + ("%" if unit == "%" else ""))
    return found


def unsupported(text: str, passages: Iterable[str]) -> list[str]:
    """The claims of ``text`` that no passage supports, as readable tokens (sorted).

    A number with ``%`` needs the same percentage in a passage; a bare number is supported by the
    same number with or without a unit.
    """
    backing: set[str] = set()
    texts = []
    for passage in passages:
        backing |= claims(passage)
        texts.append(passage.lower())
    bare = {c.removesuffix("%") for c in backing if c.startswith("num:")}
    plain = "\n".join(texts)
    missing = []
    for claim in sorted(claims(text)):
        kind, value = claim.split(":", 1)
        if claim in backing or (kind == "num" and not claim.endswith("%") and claim in bare):
            continue
        if kind in ("url", "email") and value in plain:  # "rrma.fr" written without a scheme
            continue
        missing.append(value)
    return missing


def on_domains(address: str, domains: Sequence[str]) -> bool:
    """Is an e-mail address, link or host on one of ``domains`` (or a subdomain of one)?"""
    host = address.split("@", 1)[-1]
    host = re.sub(r"^[a-z]+://", "", host.lower()).split("/", 1)[0].removeprefix("www.")
    return any(host == d or host.endswith("." + d) for d in domains)
