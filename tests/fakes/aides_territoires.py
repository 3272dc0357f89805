"""A fake Aides-territoires API on 127.0.0.1: token exchange, bearer check, paged searches.

Aids are built from a real answer fragment (``tests/data/aides-territoires-aid.json``),
completed with the fields the API documents (deadline, audiences, categories, rates…).
"""

from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

from tests.fakes.loopback import LoopbackServer

FIXTURE = Path(__file__).resolve().parents[1] / "data" / "aides-territoires-aid.json"
KEY = "test-api-key"


def aid(n: int, **changes: Any) -> dict[str, Any]:
    """The real aid, renumbered, with the remaining documented fields filled in."""
    record = json.loads(FIXTURE.read_text(encoding="utf-8"))
    record |= {
        "id": record["id"] + n,
        "slug": f"{n}-{record['slug']}",
        "url": f"/aides/{n}-{record['slug']}/",
        "categories": ["Nature / environnement / Risques naturels", "Urbanisme / Littoral"],
        "targeted_audiences": ["Communes", "Intercommunalités / Pays"],
        "is_call_for_project": True,
        "start_date": "2026-01-15",
        "submission_deadline": "2027-03-31",
        "subvention_rate_lower_bound": None,
        "subvention_rate_upper_bound": 80,
        "subvention_comment": None,
        "loan_amount": None,
        "origin_url": None,
        "recurrence": "Ponctuelle",
        "european_aid": None,
    }
    return record | changes


class FakeAidesTerritoires(LoopbackServer):
    """``with FakeAidesTerritoires(aids) as api: api.url`` — requests in ``api.requests``."""

    def __init__(self, aids: list[dict[str, Any]], page_size: int = 2) -> None:
        self.aids = aids
        self.page_size = page_size  # the server's own page size (it ignores a bigger one)
        self.requests: list[dict[str, Any]] = []
        self.exchanges = 0
        self.revoked: set[str] = set()  # bearers that the server no longer accepts
        self.serve(self._handler())

    @property
    def url(self) -> str:
        return f"{self.address}/api/"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _send(self, status: int, payload: dict[str, Any]) -> None:
                body = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self) -> None:
                if urlparse(self.path).path != "/api/connexion/":
                    self._send(404, {"detail": "Not Found"})
                elif self.headers.get("X-AUTH-TOKEN") != KEY:
                    self._send(401, {"message": "User not found"})
                else:
                    api.exchanges += 1
                    self._send(200, {"token": f"jwt-{api.exchanges}"})

            def do_GET(self) -> None:
                url = urlparse(self.path)
                params = parse_qs(url.query)
                bearer = self.headers.get("Authorization", "").removeprefix("Bearer ")
                api.requests.append({"path": url.path, "params": params, "bearer": bearer})
                if not bearer.startswith("jwt-") or bearer in api.revoked:
                    self._send(401, {"code": 401, "message": "JWT Token not found"})
                    return
                if url.path != "/api/aids/":
                    self._send(404, {"detail": "Not Found"})
                    return
                page = int(params.get("page", ["1"])[0])
                size = min(int(params.get("itemsPerPage", ["50"])[0]), api.page_size)
                results = api.aids[(page - 1) * size : page * size]
                more = page * size < len(api.aids)
                base = f"{api.url}aids/?page="
                self._send(
                    200,
                    {
                        "count": len(api.aids),
                        "previous": f"{base}{page - 1}" if page > 1 else None,
                        "next": f"{base}{page + 1}" if more else None,
                        "results": results,
                    },
                )

        return Handler
