"""A fake OpenAI-compatible chat server on 127.0.0.1: canned completions you enqueue, with or
without streaming, errors and delays; every request is kept so tests can read what was sent."""

from __future__ import annotations

import json
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from typing import Any

from tests.fakes.loopback import LoopbackServer


@dataclass
class Canned:
    content: str | Callable[[dict[str, Any]], str] = ""  # a text, or made from the request
    status: int = 200
    delay: float = 0.0


class FakeOpenAI(LoopbackServer):
    """``with FakeOpenAI() as server: server.enqueue("…")``; ``server.url`` ends with ``/v1``."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self._queue: deque[Canned] = deque()
        self.serve(self._handler())

    @property
    def url(self) -> str:
        return f"{self.address}/v1"

    def enqueue(
        self,
        content: str | Callable[[dict[str, Any]], str] = "",
        status: int = 200,
        delay: float = 0.0,
    ) -> None:
        self._queue.append(Canned(content, status, delay))

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # quiet
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                fake.requests.append(body)
                if not self.path.endswith("/chat/completions"):
                    self._json(404, {"error": {"message": "not found"}})
                    return
                canned = fake._queue.popleft() if fake._queue else Canned("")
                if canned.delay:
                    time.sleep(canned.delay)
                if canned.status != 200:
                    self._json(canned.status, {"error": {"message": "injected failure"}})
                    return
                content = canned.content(body) if callable(canned.content) else canned.content
                try:
                    if body.get("stream"):
                        self._stream(body, content)
                    else:
                        self._json(200, _completion(body, content))
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout under test)

            def _json(self, status: int, data: dict[str, Any]) -> None:
                raw = json.dumps(data).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def _stream(self, body: dict[str, Any], content: str) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                words = content.split(" ")
                for i, word in enumerate(words):
                    piece = word if i == 0 else f" {word}"
                    chunk = _chunk(body, {"content": piece}, None)
                    self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                done = _chunk(body, {}, "stop")
                self.wfile.write(f"data: {json.dumps(done)}\n\ndata: [DONE]\n\n".encode())

        return Handler


def _completion(body: dict[str, Any], content: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body.get("model", "fake"),
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


def _chunk(body: dict[str, Any], delta: dict[str, Any], finish: str | None) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": body.get("model", "fake"),
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
