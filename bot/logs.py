"""Log lines as text (default) or as one JSON object per line for a log collector
(``INSPIRE_LOG_FORMAT=json``). Secrets are masked before formatting (:mod:`bot.redaction`);
the program never logs what users write."""

from __future__ import annotations

import datetime as dt
import json
import logging

from .config import Settings


class JsonFormatter(logging.Formatter):
    """``{"time", "level", "logger", "message"[, "error"]}`` on one line."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["error"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False)


def use_log_format(settings: Settings) -> None:
    """Give every handler of the root logger the configured format."""
    if settings.log_format != "json":
        return
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig()
    for handler in root.handlers:
        handler.setFormatter(JsonFormatter())
