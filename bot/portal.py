"""The EU Funding & Tenders portal search API ("SEDIA"): fetch forthcoming and open calls, turn
its rows into :class:`~bot.calls.Call` records, write them as a snapshot in ``knowledge/calls/``.

The API is undocumented; what this follows (multipart JSON parts, codes, pitfalls) is what the
portal's own front end sends. Real rows are untidy: every metadata value is a list, ``actions``
and ``budgetOverview`` are JSON inside strings (sometimes cut short), the same topic comes back
several times, and ``status`` may still say "open" after the deadline.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import logging
import math
import os
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import httpx
import yaml
from pydantic import ValidationError

from .assistant import Assistant
from .calls import Call
from .config import Settings
from .errors import InspireError
from .index.builder import IngestReport

log = logging.getLogger(__name__)

SNAPSHOT = "portal.yaml"
TYPES = ["1", "2", "8"]  # call topic, call for proposals, cascade funding
FORTHCOMING, OPEN = "31094501", "31094502"
STATUS_WORDS = {FORTHCOMING: "Forthcoming", OPEN: "Open for submission", "31094503": "Closed"}
PROGRAMMES = {  # frameworkProgramme id -> name
    "43251589": "CERV – Citizens, Equality, Rights and Values",
    "43251814": "Creative Europe",
    "43353764": "Erasmus+",
    "43254037": "European Solidarity Corps",
    "43298203": "Union Civil Protection Mechanism",
    "43252405": "LIFE",
    "43251447": "AMIF – Asylum, Migration and Integration Fund",
    "43108390": "Horizon Europe",
    "43152860": "Digital Europe",
    "43332642": "EU4Health",
    "45876777": "NDICI-Global Europe",
}
HORIZON = "43108390"
EDITIONS_OF = [  # (frameworkProgramme, topic pattern, programme record its topics are editions of)
    ("43252405", r"", "life-programme"),
    ("43298203", r"", "ucpm-kapp"),
    ("43251447", r"", "amif-union-actions"),
    ("43254037", r"", "european-solidarity-corps"),
    (HORIZON, r"^HORIZON-MISS-\d{4}-\d+-(CIT|CLIMA)", "horizon-europe-missions-cities-adaptation"),
    ("43251589", r"^CERV-\d{4}-CITIZENS-TOWN-TT", "cerv-town-twinning"),
    ("43251589", r"^CERV-\d{4}-CITIZENS-TOWN-NT", "cerv-networks-of-towns"),
    ("43251589", r"^CERV-\d{4}-CITIZENS-REM", "cerv-european-remembrance"),
    ("43251589", r"^CERV-\d{4}-CITIZENS-CIV", "cerv-citizens-engagement"),
    ("43251814", r"^CREA-CULT-\d{4}-COOP", "creative-europe-cooperation"),
    ("43353764", r"^ERASMUS-YOUTH-\d{4}-CB", "erasmus-youth-capacity-building"),
]
TOPIC_PAGE = (
    "https://ec.europa.eu/info/funding-tenders/opportunities/portal/screen/opportunities/"
    "topic-details/{identifier}"
)
SUMMARY_CHARS = 600
STABLE_SORT = [  # unique per record, so that pages never swap tied rows
    {"field": "identifier", "order": "ASC"},
    {"field": "DATASOURCE", "order": "ASC"},
    {"field": "esDA_IngestDate", "order": "ASC"},
]


class PortalError(InspireError):
    """The portal could not be read; the previous snapshot stays in place."""


def build_query(programmes: Iterable[str]) -> dict[str, Any]:
    """Forthcoming and open topics and calls of the given framework programmes."""
    return {
        "bool": {
            "must": [
                {"terms": {"type": TYPES}},
                {"terms": {"status": [FORTHCOMING, OPEN]}},
                {"terms": {"frameworkProgramme": list(programmes)}},
            ]
        }
    }


class PortalClient:
    """Pages through the search API with a time-out and retries on 5xx and network errors."""

    def __init__(
        self,
        settings: Settings,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings = settings
        self._sleep = sleep
        self._monotonic = monotonic
        self._client = httpx.Client(timeout=settings.portal_timeout, transport=transport)
        self._deadline = math.inf
        self.problems: list[str] = []  # what the last fetch noticed (rows missing, pages cut)

    def close(self) -> None:
        self._client.close()

    def fetch(self) -> list[dict[str, Any]]:
        """Every result row of every page, in a stable order, within ``portal_deadline``."""
        self.problems = []
        self._deadline = self._monotonic() + self.settings.portal_deadline
        rows: list[dict[str, Any]] = []
        page, pages, total, cut = 1, 1, 0, False
        while page <= pages:
            data = self._page(page)
            results = data.get("results") or []
            rows.extend(r for r in results if isinstance(r, dict))
            total = int(data.get("totalResults") or 0)
            pages = math.ceil(total / self.settings.portal_page_size)
            if pages > self.settings.portal_max_pages:
                self.problems.append(
                    f"the portal has {total} results, more than {self.settings.portal_max_pages} "
                    "pages: only the first pages were read (raise INSPIRE_PORTAL_MAX_PAGES)"
                )
                pages, cut = self.settings.portal_max_pages, True
            if not results:
                break
            page += 1
        if total and len(rows) != total and not cut:
            self.problems.append(f"the portal announced {total} results but {len(rows)} were read")
        self.problems += self._unknown_programmes()
        return rows

    def _unknown_programmes(self) -> list[str]:
        """The configured programme ids that the portal's facet endpoint does not list (an id
        that changed would silently fetch nothing)."""
        url = re.sub(r"/search$", "/facet", self.settings.portal_url)
        params = {"apiKey": self.settings.portal_api_key, "text": "***"}
        query = {"bool": {"must": [{"terms": {"type": TYPES}}]}}
        files = {
            "query": ("blob", json.dumps(query), "application/json"),
            "languages": ("blob", json.dumps(["en"]), "application/json"),
        }
        try:
            data = self._post(params, files, url)
        except (httpx.HTTPError, PortalError, ValueError) as exc:
            return [f"the programme ids could not be checked with the facet endpoint ({exc})"]
        known = {
            str(value.get("rawValue"))
            for facet in data.get("facets") or []
            if isinstance(facet, dict) and facet.get("name") == "frameworkProgramme"
            for value in facet.get("values") or []
            if isinstance(value, dict)
        }
        return [
            f"frameworkProgramme {pid} is not listed by the portal's facet endpoint: check its id"
            for pid in self.settings.portal_programmes
            if known and pid not in known
        ]

    def _page(self, number: int) -> dict[str, Any]:
        params = {
            "apiKey": self.settings.portal_api_key,
            "text": "***",
            "pageSize": str(self.settings.portal_page_size),
            "pageNumber": str(number),
        }
        files = {
            "query": (
                "blob",
                json.dumps(build_query(self.settings.portal_programmes)),
                "application/json",
            ),
            "languages": ("blob", json.dumps(["en"]), "application/json"),
            "sort": ("blob", json.dumps(STABLE_SORT), "application/json"),
        }
        delay = 1.0
        for attempt in range(1, self.settings.portal_retries + 1):
            try:
                return self._post(params, files)
            except (httpx.TransportError, PortalError) as exc:
                if attempt == self.settings.portal_retries or isinstance(exc, _TooLong):
                    raise PortalError(
                        f"the EU portal could not be read ({exc}); the previous snapshot is kept"
                    ) from exc
                log.warning("Portal page %d, attempt %d failed: %s", number, attempt, exc)
                self._sleep(delay)
                delay *= 2
            except (httpx.HTTPStatusError, ValueError) as exc:
                raise PortalError(
                    f"the EU portal refused the request ({exc}); the previous snapshot is kept"
                ) from exc
        raise PortalError("unreachable")  # pragma: no cover

    def _post(self, params: dict[str, str], files: dict[str, Any], url: str = "") -> dict[str, Any]:
        """One request, read in chunks: a server dripping bytes cannot outlast the deadline."""
        url = url or self.settings.portal_url
        with self._client.stream("POST", url, params=params, files=files) as response:
            if response.status_code >= 500:
                raise PortalError(f"the portal answered {response.status_code}")
            response.raise_for_status()
            body = bytearray()
            for chunk in response.iter_bytes():
                body += chunk
                if self._monotonic() > self._deadline:
                    raise _TooLong(f"no full answer within {self.settings.portal_deadline:g} s")
        if self._monotonic() > self._deadline:
            raise _TooLong(f"no full answer within {self.settings.portal_deadline:g} s")
        data = json.loads(body)
        if not isinstance(data, dict):
            raise ValueError("the answer is not a JSON object")
        return data


class _TooLong(PortalError):
    """The whole fetch ran past its deadline (not retried)."""


# --- rows -> calls ---------------------------------------------------------------------------


def _values(metadata: dict[str, Any], key: str) -> list[str]:
    value = metadata.get(key)
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    return [str(v) for v in items if v not in (None, "")]


def _first(metadata: dict[str, Any], key: str) -> str:
    values = _values(metadata, key)
    return values[0] if values else ""


def _json(metadata: dict[str, Any], key: str) -> Any:
    """A JSON document stored inside a string; cut-short or broken JSON gives ``None``."""
    raw = _first(metadata, key)
    try:
        return json.loads(raw) if raw else None
    except json.JSONDecodeError:
        return None


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("p", "br", "li", "div", "h1", "h2", "h3", "h4"):
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def strip_html(markup: str) -> str:
    """Plain text of an HTML fragment, one paragraph per line."""
    parser = _Text()
    parser.feed(markup)
    parser.close()
    lines = (
        re.sub(r"\s+", " ", html.unescape(line)).strip()
        for line in "".join(parser.parts).split("\n")
    )
    return "\n".join(line for line in lines if line)


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value[:10])
    except (ValueError, TypeError):
        return None


def _summary(metadata: dict[str, Any]) -> str:
    text = strip_html(_first(metadata, "descriptionByte") or _first(metadata, "description"))
    text = " ".join(text.split("\n"))
    if len(text) > SUMMARY_CHARS:
        cut = text.rfind(". ", 0, SUMMARY_CHARS)
        text = text[: cut + 1] if cut > 100 else text[:SUMMARY_CHARS].rsplit(" ", 1)[0] + " …"
    return text


def _budget_items(metadata: dict[str, Any]) -> list[Any]:
    """The topic-action entries of ``budgetOverview``; from a string cut short, what each
    entry says before the cut (a topic keeps its own figures, never another topic's)."""
    overview = _json(metadata, "budgetOverview")
    if isinstance(overview, dict):
        items = []
        for entries in (overview.get("budgetTopicActionMap") or {}).values():
            items += entries if isinstance(entries, list) else []
        return items
    raw = _first(metadata, "budgetOverview")
    salvaged: list[Any] = []
    for segment in raw.split('{"action":"')[1:]:
        action = segment.split('"', 1)[0]
        item: dict[str, Any] = {"action": action}
        for field_name in ("expectedGrants", "minContribution", "maxContribution"):
            found = re.search(rf'"{field_name}":(\d+)[,}}]', segment)
            if found:
                item[field_name] = int(found[1])
        years = re.search(r'"budgetYearMap":\{([^{}]*)\}', segment)  # only when complete
        if years:
            item["budgetYearMap"] = dict(re.findall(r'"(\d{4})":"?(\d+)', years[1]))
        salvaged.append(item)
    return salvaged


def _amounts(metadata: dict[str, Any], identifier: str) -> str:
    lines = []
    for item in _budget_items(metadata):
        action = str(item.get("action", "")) if isinstance(item, dict) else ""
        if not action.startswith(f"{identifier} ") and action != identifier:
            continue
        low, high = item.get("minContribution"), item.get("maxContribution")
        grants = item.get("expectedGrants")
        budget = sum(float(v) for v in (item.get("budgetYearMap") or {}).values() if _is_number(v))
        part = []
        if low and high:
            part.append(
                f"EUR {int(low):,} – {int(high):,} per grant"
                if low != high
                else f"EUR {int(low):,} per grant"
            )
        if grants:
            part.append(f"{grants} grant{'s' if grants != 1 else ''} expected")
        if budget:
            part.append(f"topic budget EUR {int(budget):,}")
        if part:
            lines.append("; ".join(part))
    return " / ".join(dict.fromkeys(lines))


def _is_number(value: Any) -> bool:
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return True


def _deadlines_and_opening(metadata: dict[str, Any]) -> tuple[list[dict[str, Any]], dt.date | None]:
    """Deadlines with their time (17:00 Brussels when the portal gives it) and, for a
    two-stage call, their stage; and the opening day."""
    actions = _json(metadata, "actions")
    dates: list[dt.date] = []
    opening = None
    two_stage = "two-stage" in _values(metadata, "deadlineModel")
    if isinstance(actions, list):
        for action in actions:
            if not isinstance(action, dict):
                continue
            dates += [d for d in map(_date, action.get("deadlineDates") or []) if d]
            opening = opening or _date(str(action.get("plannedOpeningDate") or ""))
            procedure = action.get("submissionProcedure")
            if isinstance(procedure, dict) and procedure.get("abbreviation") == "two-stage":
                two_stage = True
    times = {}
    for value in _values(metadata, "deadlineDate"):
        day, clock = _date(value), value[11:16]
        if day:
            times[day] = clock if clock and clock != "00:00" else ""
    if not dates:
        dates = list(times)
    opening = opening or _date(_first(metadata, "startDate"))
    ordered = sorted(set(dates))
    deadlines = []
    for stage, day in enumerate(ordered, 1):
        parts = [f"{times[day]} Brussels"] if times.get(day) else []
        if two_stage and len(ordered) > 1:
            parts.append(f"stage {stage} of {len(ordered)}")
        deadlines.append({"date": day, "note": ", ".join(parts)})
    return deadlines, opening


def _themes(metadata: dict[str, Any], identifier: str) -> list[str]:
    words = _values(metadata, "tags") + _values(metadata, "keywords")
    if len(words) == 1 and words[0].startswith("["):  # a JSON array inside one string
        try:
            words = [str(w) for w in json.loads(words[0])]
        except json.JSONDecodeError:
            words = []
    skip = {identifier.casefold(), _first(metadata, "callIdentifier").casefold()}
    themes = [w for w in dict.fromkeys(words) if w.casefold() not in skip]
    return themes[:12]


def _richness(row: dict[str, Any]) -> int:
    metadata = row.get("metadata") or {}
    filled = sum(1 for v in metadata.values() if v not in (None, [], "", [""]))
    return filled + (20 if _first(metadata, "DATASOURCE") == "SEDIA" else 0)


def _record_key(metadata: dict[str, Any]) -> str:
    """One record per call: a topic by its identifier, an external-action call by its call
    identifier, a cascade call by its topic and its own call id (several share a topic)."""
    identifier = _first(metadata, "identifier")
    kind = _first(metadata, "type")
    if kind == "8":
        call = _first(metadata, "callccm2Id")
        return f"{identifier}-{call}" if identifier and call else identifier
    if kind == "2":
        return _first(metadata, "callIdentifier") or identifier
    return identifier


def to_calls(
    rows: Iterable[dict[str, Any]], fetched: dt.datetime, horizon_topics: str = ""
) -> tuple[list[Call], list[str]]:
    """Portal rows → calls, one per call (the richest row wins); problems as text.

    ``horizon_topics``: a pattern the identifier of a Horizon Europe topic must match (the
    missions for cities and adaptation in the settings; empty: every topic).
    """
    kept = re.compile(horizon_topics, re.IGNORECASE) if horizon_topics else None
    best: dict[str, dict[str, Any]] = {}
    for row in rows:
        metadata: dict[str, Any] = row["metadata"] if isinstance(row.get("metadata"), dict) else {}
        key = _record_key(metadata) if metadata else ""
        horizon = _first(metadata, "frameworkProgramme") == HORIZON
        if not key or (horizon and kept and not kept.match(_first(metadata, "identifier"))):
            continue
        if key not in best or _richness(row) > _richness(best[key]):
            best[key] = row
    calls, problems = [], []
    for key, row in best.items():
        try:
            calls.append(_to_call(key, row, fetched))
        except (ValidationError, ValueError, TypeError) as exc:
            problems.append(f"portal row {key}: {exc}")
    return calls, problems


def programme_of(metadata: dict[str, Any]) -> str | None:
    """The programme record a portal topic is an edition of (so that a followed programme
    opens when the portal publishes its next call)."""
    framework, identifier = _first(metadata, "frameworkProgramme"), _first(metadata, "identifier")
    for programme, pattern, record in EDITIONS_OF:
        if framework == programme and re.match(pattern, identifier, re.IGNORECASE):
            return record
    return None


def _to_call(key: str, row: dict[str, Any], fetched: dt.datetime) -> Call:
    metadata: dict[str, Any] = row["metadata"]
    identifier = _first(metadata, "identifier") or key
    deadlines, opening = _deadlines_and_opening(metadata)
    url = _first(metadata, "url") or str(row.get("url") or "")
    if not url or "topicDetails" in url or not url.startswith("http"):
        url = TOPIC_PAGE.format(identifier=identifier)
    status = STATUS_WORDS.get(_first(metadata, "status"), "unknown")
    cascade = _first(metadata, "type") == "8"
    title = (
        (_first(metadata, "callTitle") if cascade else "")
        or _first(metadata, "title")
        or str(row.get("summary") or key)
    )
    summary = _summary(metadata)
    if len(summary) < 20:  # a short or missing description: the title says what it is
        summary = f"{title} — {summary or 'a call of the EU Funding & Tenders portal'}."
    return Call.model_validate(
        {
            "id": "eu-" + re.sub(r"[^a-z0-9]+", "-", key.lower()).strip("-")[:76],
            "programme": PROGRAMMES.get(_first(metadata, "frameworkProgramme"), "EU programme"),
            "programme_id": programme_of(metadata),
            "title": title,
            "call_identifier": _first(metadata, "callIdentifier") or identifier,
            "summary": summary,
            "themes": _themes(metadata, identifier),
            "amounts": _amounts(metadata, identifier),
            "deadlines": deadlines,
            "opens": opening,
            "status_note": f"Portal status when fetched: {status} (re-derived from the dates).",
            "url": url,
            "sources": [url],
            "checked": fetched.date(),
            "origin": "portal",
        }
    )


def write_snapshot(
    calls: list[Call],
    folder: Path,
    fetched: dt.datetime,
    name: str = SNAPSHOT,
    header: str | None = None,
) -> Path:
    """Replace ``folder/name`` (the portal's snapshot by default) atomically with the calls."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    header = header or (
        f"# Snapshot of the EU Funding & Tenders portal, fetched at {fetched.isoformat()}.\n"
        "# Written by `inspire-bot calls refresh`: edits here are lost at the next refresh.\n"
    )
    records = [c.model_dump(mode="json", exclude_defaults=True) for c in calls]
    temporary = path.with_suffix(".yaml.tmp")
    temporary.write_text(
        header + yaml.safe_dump(records, allow_unicode=True, sort_keys=False, width=100),
        encoding="utf-8",
    )
    os.replace(temporary, path)
    return path


def refresh_snapshot(
    settings: Settings, client: PortalClient | None = None, now: dt.datetime | None = None
) -> tuple[list[Call], list[str]]:
    """Fetch, parse and write the snapshot; on any failure the previous one stays."""
    fetched = now or dt.datetime.now(dt.UTC)
    own = client is None
    client = client or PortalClient(settings)
    try:
        rows = client.fetch()
    finally:
        if own:
            client.close()
    calls, problems = to_calls(rows, fetched, settings.portal_horizon_topics)
    folder = settings.knowledge_dir / "calls"
    problem = implausible(calls, folder / SNAPSHOT)
    if problem:
        raise PortalError(f"the EU portal gave {problem}")
    write_snapshot(calls, folder, fetched)
    return calls, [*client.problems, *problems]


def implausible(calls: list[Call], path: Path) -> str | None:
    """Why a fresh fetch must not replace the snapshot at ``path`` (none, or fewer than half
    its calls: a source that answers little is broken, not emptied), or ``None``."""
    previous = _snapshot_size(path)
    if not calls or (previous and len(calls) < previous / 2):
        return (
            f"{len(calls)} usable calls (the snapshot has {previous}): implausibly few, "
            "the previous snapshot is kept"
        )
    return None


def _snapshot_size(path: Path) -> int:
    """How many records the current snapshot holds (0 when there is none or it is unreadable)."""
    try:
        records = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return 0
    return len(records) if isinstance(records, list) else 0


@dataclass
class Refresh:
    """What a refresh did: each source's calls, the rows that could not be used, the ingest."""

    calls: list[Call]
    problems: list[str]
    report: IngestReport
    aides: list[Call] = field(default_factory=list)  # Aides-territoires (with an API key)


def refresh_calls(settings: Settings, assistant: Assistant, progress: bool = False) -> Refresh:
    """Portal and Aides-territoires → snapshots → index: what ``inspire-bot calls refresh`` and
    the bot's job run. A source that fails keeps its previous snapshot; both failing raises."""
    from .aides_territoires import AidesTerritoiresError
    from .aides_territoires import refresh_snapshot as refresh_aides

    problems: list[str] = []
    calls: list[Call] = []
    aides: list[Call] = []
    try:
        calls, found = refresh_snapshot(settings)
        problems += found
    except PortalError as exc:
        if not settings.aides_territoires_token.get_secret_value():
            raise
        problems.append(str(exc))
    if settings.aides_territoires_token.get_secret_value():
        try:
            aides, found = refresh_aides(settings)
            problems += found
        except AidesTerritoiresError as exc:
            if not calls:
                raise
            problems.append(str(exc))
    report = assistant.ingest(progress=progress)
    return Refresh(calls, problems, report, aides)
