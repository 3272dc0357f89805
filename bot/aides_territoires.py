"""Aides-territoires (the French state's catalogue of aid for local authorities): exchange the
API key for a 24-hour bearer, search aids for international, European, youth and culture
themes, turn them into :class:`~bot.calls.Call` records, write them as a snapshot.

The data are under the Licence Ouverte 2.0 (Etalab): the snapshot and the cards credit
Aides-territoires with a link and the date of the fetch.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import time
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urljoin

import httpx
from pydantic import ValidationError

from .calls import Authority, Call
from .config import Settings
from .errors import InspireError
from .portal import implausible, strip_html, write_snapshot

log = logging.getLogger(__name__)

SNAPSHOT = "aides-territoires.yaml"
SITE = "https://aides-territoires.beta.gouv.fr"
LICENCE = "Licence Ouverte 2.0 (Etalab)"
CREDIT = f"data: Aides-territoires, {SITE}, {LICENCE}"
TOKEN_LIFETIME = 24 * 3600.0  # seconds, as the API issues it
TOKEN_MARGIN = 600.0  # renew this long before it expires
PAGE_SIZE = 100  # the API's maximum
MAX_PAGES = 20
AUDIENCES = ["commune", "epci", "department", "region"]
QUERIES: list[dict[str, Any]] = [  # the themes of decentralised cooperation
    {"keyword": "coopération décentralisée"},
    {"keyword": "coopération internationale"},
    {"keyword": "solidarité internationale"},
    {"keyword": "jumelage"},
    {"keyword": "Europe", "european_aid_slug": "european"},
    {"keyword": "jeunesse international"},
    {"keyword": "culture international"},
]
SUMMARY_CHARS = 600
AUDIENCE_PREFIXES: list[tuple[str, Authority]] = [
    ("commune", "commune"),
    ("intercommunalit", "intercommunalite"),
    ("epci", "intercommunalite"),
    ("départ", "departement"),
    ("région", "region"),
    ("association", "association"),
]


class AidesTerritoiresError(InspireError):
    """The API could not be read; the previous snapshot stays in place."""


class AidesTerritoiresClient:
    """Token exchange, bearer reuse for 24 hours, paging; ``monotonic`` is injectable."""

    def __init__(
        self,
        settings: Settings,
        transport: httpx.BaseTransport | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.base = settings.aides_territoires_url.rstrip("/") + "/"
        self._key = settings.aides_territoires_token.get_secret_value()
        self._monotonic = monotonic
        self._bearer = ""
        self._expires = 0.0
        self._client = httpx.Client(timeout=settings.portal_timeout, transport=transport)

    def close(self) -> None:
        self._client.close()

    def bearer(self) -> str:
        """A valid bearer token, exchanged for the API key when missing or about to expire."""
        if self._bearer and self._monotonic() < self._expires - TOKEN_MARGIN:
            return self._bearer
        if not self._key:
            raise AidesTerritoiresError("no Aides-territoires API key is configured")
        try:
            response = self._client.post(
                urljoin(self.base, "connexion/"), headers={"X-AUTH-TOKEN": self._key}
            )
        except httpx.TransportError as exc:
            raise AidesTerritoiresError(f"Aides-territoires could not be reached ({exc})") from exc
        if response.status_code in (401, 403):
            raise AidesTerritoiresError("Aides-territoires refused the API key")
        token = _json(response).get("token")
        if not isinstance(token, str) or not token:
            raise AidesTerritoiresError("Aides-territoires gave no token for the API key")
        self._bearer, self._expires = token, self._monotonic() + TOKEN_LIFETIME
        return token

    def search(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        """Every aid of every page of one search (up to ``MAX_PAGES`` pages)."""
        aids: list[dict[str, Any]] = []
        for page in range(1, MAX_PAGES + 1):
            data = self._get("aids/", {**params, "page": page, "itemsPerPage": PAGE_SIZE})
            results = data.get("results")
            if not isinstance(results, list):
                raise AidesTerritoiresError("Aides-territoires answered without a results list")
            aids += [a for a in results if isinstance(a, dict)]
            if not results or not data.get("next"):
                return aids
        log.warning("Aides-territoires search %s stopped after %d pages", params, MAX_PAGES)
        return aids

    def _get(self, path: str, params: dict[str, Any]) -> dict[str, Any]:
        for attempt in (1, 2):  # a bearer refused once is renewed once
            headers = {"Authorization": f"Bearer {self.bearer()}", "Accept": "application/json"}
            try:
                response = self._client.get(
                    urljoin(self.base, path), params=params, headers=headers
                )
            except httpx.TransportError as exc:
                raise AidesTerritoiresError(
                    f"Aides-territoires could not be read ({exc}); the previous snapshot is kept"
                ) from exc
            if response.status_code == 401 and attempt == 1:
                self._bearer = ""
                continue
            if response.status_code >= 400:
                raise AidesTerritoiresError(
                    f"Aides-territoires answered {response.status_code}; the previous snapshot "
                    "is kept"
                )
            return _json(response)
        raise AidesTerritoiresError("Aides-territoires refused the renewed bearer token")

    def fetch(self, queries: Iterable[dict[str, Any]] = QUERIES) -> list[dict[str, Any]]:
        """The aids of all the theme searches, for local authorities, each aid once."""
        seen: dict[Any, dict[str, Any]] = {}
        for query in queries:
            for aid in self.search({**query, "organization_type_slugs": AUDIENCES}):
                seen.setdefault(aid.get("id") or aid.get("slug"), aid)
        return list(seen.values())


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError as exc:
        raise AidesTerritoiresError(
            "Aides-territoires answered something that is not JSON"
        ) from exc
    if not isinstance(data, dict):
        raise AidesTerritoiresError("Aides-territoires answered an unexpected JSON document")
    return data


# --- aids -> calls ------------------------------------------------------------------------------


def to_calls(aids: Iterable[dict[str, Any]], fetched: dt.datetime) -> tuple[list[Call], list[str]]:
    """Aids → calls (closed ones left out); an aid that does not validate is a problem line."""
    today = fetched.date()
    calls, problems = [], []
    for aid in aids:
        try:
            call = _to_call(aid, fetched)
        except (ValidationError, ValueError, TypeError, KeyError) as exc:
            problems.append(f"Aides-territoires aid {aid.get('id', '?')}: {exc}")
            continue
        if call.deadlines and max(d.date for d in call.deadlines) < today:
            continue
        calls.append(call)
    return calls, problems


def _to_call(aid: dict[str, Any], fetched: dt.datetime) -> Call:
    name = _text(aid.get("name")) or _text(aid.get("name_initial"))
    page = urljoin(SITE, _text(aid.get("url")) or f"/aides/{aid['slug']}/")
    summary = " ".join(strip_html(_text(aid.get("description"))).split("\n"))
    if len(summary) > SUMMARY_CHARS:
        cut = summary.rfind(". ", 0, SUMMARY_CHARS)
        summary = summary[: cut + 1] if cut > 100 else summary[:SUMMARY_CHARS].rsplit(" ", 1)[0]
    if len(summary) < 20:
        summary = f"{name} : aide publiée sur Aides-territoires."
    funders = [_text(f) for f in aid.get("financers") or [] if _text(f)]
    programmes = [_text(p) for p in aid.get("programs") or [] if _text(p)]
    deadline = _date(aid.get("submission_deadline"))
    recurrence = _text(aid.get("recurrence"))
    return Call.model_validate(
        {
            "id": "at-" + _slug(f"{aid['id']}-{aid.get('slug') or name}")[:77],
            "programme": (programmes or funders or ["Aides-territoires"])[0],
            "title": name,
            "summary": summary,
            "themes": _themes(aid),
            "eligible_applicants": ", ".join(_labels(aid.get("targeted_audiences"))),
            "eligible_countries": _text(aid.get("perimeter")),
            "amounts": _amounts(aid),
            "cofinancing_rate": _rate(aid),
            "deadlines": [{"date": deadline}] if deadline else [],
            "opens": _date(aid.get("start_date")),
            "rolling": deadline is None and recurrence == "Permanente",
            "recurrence": recurrence if recurrence == "Récurrente" else "",
            "applicants": _authorities(aid.get("targeted_audiences")),
            "status_note": f"Aides-territoires, {LICENCE}, données du {fetched.date()}"
            + (f" ; financeurs : {', '.join(funders)}" if funders else ""),
            "url": _text(aid.get("origin_url")) or page,
            "sources": [page],
            "checked": fetched.date(),
            "origin": "aides-territoires",
        }
    )


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _labels(values: Any) -> list[str]:
    return [_text(v) for v in values or [] if _text(v)] if isinstance(values, list) else []


def _slug(value: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")


def _date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _themes(aid: dict[str, Any]) -> list[str]:
    """Categories come as "Theme / Category": both parts, each once."""
    parts = [p.strip() for label in _labels(aid.get("categories")) for p in label.split("/")]
    return list(dict.fromkeys(p for p in parts if p))[:12]


def _authorities(values: Any) -> list[Authority]:
    found: list[Authority] = []
    for label in _labels(values):
        folded = label.casefold()
        for prefix, authority in AUDIENCE_PREFIXES:
            if folded.startswith(prefix) and authority not in found:
                found.append(authority)
    return found


def _rate(aid: dict[str, Any]) -> str:
    low, high = aid.get("subvention_rate_lower_bound"), aid.get("subvention_rate_upper_bound")
    if isinstance(low, int) and isinstance(high, int) and low != high:
        return f"de {low} à {high} %"
    if isinstance(high, int) or isinstance(low, int):
        return f"jusqu'à {high if isinstance(high, int) else low} %"
    return ""


def _amounts(aid: dict[str, Any]) -> str:
    parts = [_text(aid.get("subvention_comment"))]
    if isinstance(aid.get("loan_amount"), int):
        parts.append(f"prêt jusqu'à {aid['loan_amount']:,} €".replace(",", " "))
    return " ; ".join(p for p in parts if p)


def snapshot_header(fetched: dt.datetime) -> str:
    """The credit the Licence Ouverte asks for: source, link, date of the data."""
    return (
        f"# Snapshot of Aides-territoires ({SITE}), fetched at {fetched.isoformat()}.\n"
        f"# Data: Aides-territoires, {LICENCE}, https://www.etalab.gouv.fr/licence-ouverte-open-licence/\n"
        "# Written by `inspire-bot calls refresh`: edits here are lost at the next refresh.\n"
    )


def refresh_snapshot(
    settings: Settings,
    client: AidesTerritoiresClient | None = None,
    now: dt.datetime | None = None,
) -> tuple[list[Call], list[str]]:
    """Fetch, parse and write the snapshot; on failure or an empty answer the previous stays."""
    fetched = now or dt.datetime.now(dt.UTC)
    own = client is None
    client = client or AidesTerritoiresClient(settings)
    try:
        aids = client.fetch()
    finally:
        if own:
            client.close()
    calls, problems = to_calls(aids, fetched)
    folder = settings.knowledge_dir / "calls"
    problem = implausible(calls, folder / SNAPSHOT)
    if problem:
        raise AidesTerritoiresError(f"Aides-territoires gave {problem}")
    write_snapshot(calls, folder, fetched, SNAPSHOT, snapshot_header(fetched))
    return calls, problems
