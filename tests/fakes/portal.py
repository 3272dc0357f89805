"""A fake EU Funding & Tenders search API on 127.0.0.1, serving a real recorded response.

It checks what the real API is picky about (the multipart parts ``query`` and ``languages``
sent as JSON files) and pages through the recorded results.
"""

from __future__ import annotations

import json
import time
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

from tests.fakes.loopback import LoopbackServer

FIXTURE = Path(__file__).resolve().parents[1] / "data" / "portal-search-page.json"
PROGRAMME_IDS = (  # frameworkProgramme ids as public code tables of the portal give them
    "43108390 43152860 45876777 43332642 43252476 43353764 43254037 43251589 43251814 "
    "43252405 43298203 43251447 43254019 43251567 44181033 43252386 43251530"
).split()


class FakePortal(LoopbackServer):
    """``with FakePortal() as portal: portal.url`` — requests land in ``portal.requests``."""

    def __init__(self, results: list[dict[str, Any]] | None = None) -> None:
        recorded = json.loads(FIXTURE.read_text(encoding="utf-8"))
        self.template = {k: v for k, v in recorded.items() if k != "results"}
        self.results = recorded["results"] if results is None else results
        self.requests: list[dict[str, Any]] = []
        self.failures: list[tuple[int, float]] = []  # (status, seconds to hang) per request
        self.extra_total = 0  # announce more results than there are
        self.drip = 0.0  # seconds between the bytes of an answer (a stalling server)
        self.raw: bytes | None = None  # answer this body instead of a page
        self.facet_requests: list[dict[str, Any]] = []
        self.known = list(PROGRAMME_IDS)  # what the facet endpoint lists
        self.serve(self._handler())

    @property
    def url(self) -> str:
        return f"{self.address}/search-api/prod/rest/search"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        portal = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                query = {k: v[0] for k, v in parse_qs(urlparse(self.path).query).items()}
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                parts = _multipart(self.headers.get("Content-Type", ""), body)
                if urlparse(self.path).path.endswith("/facet"):
                    portal.facet_requests.append({"params": query, "parts": parts})
                    values = [{"rawValue": i, "value": f"Programme {i}"} for i in portal.known]
                    return self._send(
                        200, {"facets": [{"name": "frameworkProgramme", "values": values}]}
                    )
                portal.requests.append({"params": query, "parts": parts})
                if portal.failures:
                    status, hang = portal.failures.pop(0)
                    time.sleep(hang)
                    return self._send(status, {"type": "throwable"})
                for name in ("query", "languages"):
                    if parts.get(name, {}).get("content_type") != "application/json":
                        return self._send(500, {"type": "throwable"})
                size, number = int(query["pageSize"]), int(query["pageNumber"])
                page = portal.results[(number - 1) * size : number * size]
                if portal.raw is not None:
                    return self._write(200, portal.raw)
                payload = dict(
                    portal.template,
                    totalResults=len(portal.results) + portal.extra_total,
                    pageNumber=number,
                    pageSize=size,
                    results=page,
                )
                self._send(200, payload)

            def _send(self, status: int, payload: dict[str, Any]) -> None:
                self._write(status, json.dumps(payload).encode())

            def _write(self, status: int, data: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if not portal.drip:
                    self.wfile.write(data)
                    return
                for byte in data:  # one byte at a time, slowly
                    try:
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                    except OSError:
                        return
                    time.sleep(portal.drip)

        return Handler


def _multipart(content_type: str, body: bytes) -> dict[str, dict[str, Any]]:
    message = BytesParser(policy=HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + body
    )
    parts: dict[str, dict[str, Any]] = {}
    if not message.is_multipart():
        return parts
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True) or b""
        parts[str(name)] = {
            "content_type": part.get_content_type() if part.get("Content-Type") else None,
            "filename": part.get_filename(),
            "json": json.loads(payload) if payload.strip().startswith((b"{", b"[")) else None,
        }
    return parts
