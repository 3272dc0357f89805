"""Secrets never reach the logs: a logging filter that masks them in messages and tracebacks."""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Iterable
from types import TracebackType

from pydantic import SecretStr
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from .config import Settings

MASK = "[redacted]"
MIN_LENGTH = 4  # shorter values would mask ordinary words


def secrets_of(settings: Settings) -> list[str]:
    """The values to hide: bot token, webhook secret, join codes, API keys, database password.

    Every secret setting counts (a ``SecretStr``, alone or in a dict), so a key added later is
    masked too.
    """
    values: list[str] = []
    for name in type(settings).model_fields:
        value = getattr(settings, name)
        items = value.values() if isinstance(value, dict) else [value]
        values += [v.get_secret_value() for v in items if isinstance(v, SecretStr)]
    token = settings.telegram_token.get_secret_value()
    if ":" in token:
        values.append(token.split(":", 1)[1])  # the secret half, should it be logged alone
    if settings.portal_api_key != "SEDIA":  # the portal's own public key is no secret
        values.append(settings.portal_api_key)
    try:
        password = make_url(settings.database).password
    except ArgumentError:
        password = None
    if password:
        values.append(str(password))
    return values


class RedactSecrets(logging.Filter):
    """Replaces every secret in a record's message, arguments and exception text."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        unique = {s for s in secrets if len(s) >= MIN_LENGTH}
        self.secrets = sorted(unique, key=len, reverse=True)  # longest first

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            if secret in text:
                text = text.replace(secret, MASK)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: keep its raw text
            message = str(record.msg)
        record.msg, record.args = self.redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


def install_redaction(settings: Settings) -> RedactSecrets:
    """Put the filter on every handler of the root logger and on uncaught exceptions."""
    redactor = RedactSecrets(secrets_of(settings))
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig()
    for handler in root.handlers:
        for old in [f for f in handler.filters if isinstance(f, RedactSecrets)]:
            handler.removeFilter(old)
        handler.addFilter(redactor)

    def excepthook(
        kind: type[BaseException], value: BaseException, tb: TracebackType | None
    ) -> None:
        sys.stderr.write(redactor.redact("".join(traceback.format_exception(kind, value, tb))))

    sys.excepthook = excepthook
    return redactor
