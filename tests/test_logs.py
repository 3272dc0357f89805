"""JSON log lines: one object per line, secrets masked, tracebacks kept."""

from __future__ import annotations

import io
import json
import logging
import sys

from pydantic import SecretStr

from bot.config import Settings
from bot.logs import use_log_format
from bot.redaction import install_redaction

TOKEN = "123456:SECRET-token-value"


def test_json_lines_carry_level_logger_message_and_masked_secrets(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored after the test
    settings = Settings(
        data_dir=tmp_path,
        log_format="json",
        telegram_token=SecretStr(TOKEN),
        _env_file=None,  # type: ignore[call-arg]
    )
    stream = io.StringIO()
    root = logging.getLogger()
    handler = logging.StreamHandler(stream)
    saved = root.handlers[:]
    root.handlers = [handler]
    try:
        install_redaction(settings)
        use_log_format(settings)
        logging.getLogger("bot.test").warning("calling https://api.telegram.org/bot%s/x", TOKEN)
        try:
            raise RuntimeError(f"failed with {TOKEN}")
        except RuntimeError:
            logging.getLogger("bot.test").exception("it broke")
    finally:
        root.handlers = saved
    first, second = (json.loads(line) for line in stream.getvalue().splitlines())
    assert first["level"] == "WARNING" and first["logger"] == "bot.test"
    assert first["message"].startswith("calling https://api.telegram.org/bot")
    assert TOKEN not in stream.getvalue()
    assert "RuntimeError" in second["error"] and second["time"].endswith("+00:00")
