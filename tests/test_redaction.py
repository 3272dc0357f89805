"""Secrets never reach the logs, not even inside a library's exception message."""

import io
import json
import logging
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bot.cli import main
from bot.config import Settings
from bot.redaction import MASK, RedactSecrets, install_redaction, secrets_of

TOKEN = "7123456789:AAH-very-secret-token-value_0123456789"
SECRETS = {
    "telegram_token": TOKEN,
    "webhook_secret": "webhook-secret-xyz",
    "referent_codes": {"lianes": "join-code-lianes-42"},
    "embedding_api_key": "sk-embedding-key-123",
    "llm_api_key": "sk-llm-key-456",
    "database_url": "postgresql+psycopg://inspire:db-pass-789@localhost/inspire",
    "aides_territoires_token": "aides-token-000",
}
VALUES = [TOKEN, "webhook-secret-xyz", "join-code-lianes-42", "sk-embedding-key-123"]
VALUES += ["sk-llm-key-456", "db-pass-789", "aides-token-000"]


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    root = logging.getLogger()
    root.addHandler(handler)
    yield stream
    root.removeHandler(handler)


def test_every_secret_is_masked_in_messages_arguments_and_tracebacks(captured):
    install_redaction(Settings(_env_file=None, **SECRETS))  # type: ignore[arg-type]
    log = logging.getLogger("telegram.ext.Application")
    for value in VALUES:
        log.error("rejected: %s", value)
        log.warning(f"inline {value}")
        try:
            raise RuntimeError(f"The token `{value}` was rejected by the server.")
        except RuntimeError:
            log.exception("failed")
    out = captured.getvalue()
    assert out.count(MASK) == 3 * len(VALUES)
    for value in VALUES:
        assert value not in out


def test_the_secret_half_of_the_token_is_masked_alone():
    redactor = RedactSecrets(secrets_of(Settings(_env_file=None, telegram_token=TOKEN)))  # type: ignore[call-arg]
    assert "AAH-very-secret" not in redactor.redact("secret=AAH-very-secret-token-value_0123456789")


class _Unauthorized(BaseHTTPRequestHandler):
    """A Bot API that refuses every token, as Telegram does for a revoked one."""

    def do_POST(self) -> None:
        body = json.dumps({"ok": False, "error_code": 401, "description": "Unauthorized"})
        self.send_response(401)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *args: object) -> None:
        pass


def test_a_rejected_token_is_not_logged_by_inspire_bot_run(monkeypatch, caplog, capsys):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Unauthorized)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        monkeypatch.setenv("INSPIRE_TELEGRAM_TOKEN", TOKEN)
        monkeypatch.setenv("INSPIRE_TELEGRAM_API_URL", f"http://127.0.0.1:{server.server_port}/bot")
        with caplog.at_level(logging.DEBUG):
            status = main(["run"])
    finally:
        server.shutdown()
        server.server_close()
    assert status == 1
    out = capsys.readouterr()
    logged = "\n".join(
        caplog.handler.format(r) for r in caplog.records
    )  # formatted, tracebacks included
    assert "rejected" in logged or "Unauthorized" in logged
    for text in (logged, out.err, out.out):
        assert TOKEN not in text and "AAH-very-secret" not in text
