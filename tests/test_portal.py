import datetime as dt
import json

import pytest
import yaml

from bot.calls import BRUSSELS, load_calls
from bot.config import Settings
from bot.portal import SNAPSHOT, PortalClient, PortalError, refresh_snapshot, strip_html, to_calls
from tests.fakes.portal import FIXTURE, FakePortal

FETCHED = dt.datetime(2026, 11, 26, 9, 0, tzinfo=dt.UTC)


def _settings(tmp_path, url, **extra):
    return Settings(
        knowledge_dir=tmp_path / "knowledge",
        data_dir=tmp_path / "var",
        portal_url=url,
        portal_page_size=4,
        portal_timeout=1.0,
        portal_retries=2,
        _env_file=None,
        **extra,
    )


def _client(settings):
    return PortalClient(settings, sleep=lambda seconds: None)


def test_refresh_pages_through_the_api_and_writes_a_snapshot(tmp_path):
    with FakePortal() as portal:
        settings = _settings(tmp_path, portal.url)
        calls, problems = refresh_snapshot(settings, _client(settings), now=FETCHED)
    assert problems == []
    assert [r["params"]["pageNumber"] for r in portal.requests] == ["1", "2", "3"]
    first = portal.requests[0]
    assert first["params"]["apiKey"] == "SEDIA" and first["params"]["pageSize"] == "4"
    query = first["parts"]["query"]
    assert query["content_type"] == "application/json" and query["filename"]
    must = query["json"]["bool"]["must"]
    assert {"terms": {"status": ["31094501", "31094502"]}} in must
    assert first["parts"]["languages"]["json"] == ["en"]
    # nine rows, one identifier twice: eight calls, the richer row kept
    assert len(calls) == 8
    snapshot = tmp_path / "knowledge" / "calls" / SNAPSHOT
    assert "fetched at 2026-11-26T09:00:00+00:00" in snapshot.read_text(encoding="utf-8")
    loaded = load_calls(snapshot)
    assert loaded.problems == [] and len(loaded.calls) == 8
    assert all(c.origin == "portal" and c.checked == FETCHED.date() for c in loaded.calls)


def test_status_is_derived_from_the_dates_not_taken_from_the_portal():
    rows = json.loads(FIXTURE.read_text(encoding="utf-8"))["results"]
    calls = {c.call_identifier: c for c in to_calls(rows, FETCHED)[0]}
    said_open = next(c for c in calls.values() if c.id == "eu-horizon-cl3-2026-02-cs-eccc-01")
    assert "Open for submission" in said_open.status_note
    now = dt.datetime(2026, 11, 26, 12, tzinfo=BRUSSELS)
    assert said_open.status(now) == "closed"  # its deadline (2026-09-15) has passed
    soil = next(c for c in calls.values() if c.id == "eu-horizon-miss-2027-05-soil-01-two-stage")
    assert [str(d.date) for d in soil.deadlines] == ["2027-04-08", "2027-09-14"]
    assert soil.status(now) == "forthcoming" and soil.opens == dt.date(2027, 2, 4)
    assert soil.url is not None and "topic-details/HORIZON-MISS-2027-05-SOIL-01" in str(soil.url)
    legacy = next(c for c in calls.values() if c.id == "eu-horizon-infra-2024-eosc-01-03")
    assert "topicDetails" not in str(legacy.url)  # old rows point at a JSON file: use the page


def test_malformed_rows_give_missing_fields_never_a_crash():
    rows = [
        {"reference": "no-metadata"},
        {"metadata": None},
        {
            "metadata": {
                "identifier": ["BROKEN-1"],
                "title": ["Broken JSON"],
                "actions": ['[{"deadlineDates":["2027-01-0'],
                "budgetOverview": ['{"budgetTopicActionMap": {"1": [{"action": "BRO'],
                "keywords": ['["a", "b", "BROKEN-1"]'],
                "descriptionByte": [
                    "<p>Une <b>description</b> &amp; du HTML.</p><ul><li>point</li></ul>"
                ],
                "deadlineDate": ["2027-02-03T17:00:00.000+0000"],
            }
        },
        {"metadata": {"identifier": ["ONLY-ID"]}},
    ]
    calls, problems = to_calls(rows, FETCHED)
    assert problems == []
    broken, bare = calls
    assert broken.amounts == "" and [str(d.date) for d in broken.deadlines] == ["2027-02-03"]
    assert broken.themes == ["a", "b"]
    assert broken.summary == "Une description & du HTML. point"
    assert bare.title == "ONLY-ID" and bare.deadlines == []


@pytest.mark.parametrize(
    ("failures", "message"),
    [
        ([(500, 0.0), (503, 0.0)], "previous snapshot is kept"),  # server errors
        ([(200, 2.0), (200, 2.0)], "could not be read"),  # longer than the client's time-out
    ],
)
def test_a_failed_refresh_keeps_the_previous_snapshot(tmp_path, failures, message):
    folder = tmp_path / "knowledge" / "calls"
    folder.mkdir(parents=True)
    (folder / SNAPSHOT).write_text("# previous\n[]\n", encoding="utf-8")
    with FakePortal() as portal:
        portal.failures = list(failures)
        settings = _settings(tmp_path, portal.url)
        with pytest.raises(PortalError, match=message):
            refresh_snapshot(settings, _client(settings), now=FETCHED)
    assert len(portal.requests) == 2  # retried once, then gave up
    assert (folder / SNAPSHOT).read_text(encoding="utf-8") == "# previous\n[]\n"


def test_a_transient_error_is_retried(tmp_path):
    with FakePortal() as portal:
        portal.failures = [(502, 0.0)]
        settings = _settings(tmp_path, portal.url)
        calls, _ = refresh_snapshot(settings, _client(settings), now=FETCHED)
    assert len(calls) == 8


def test_refresh_command_updates_the_index(tmp_path, monkeypatch, capsys):
    from bot.cli import main

    with FakePortal() as portal:
        monkeypatch.setenv("INSPIRE_KNOWLEDGE_DIR", str(tmp_path / "knowledge"))
        monkeypatch.setenv("INSPIRE_DATA_DIR", str(tmp_path / "var"))
        monkeypatch.setenv("INSPIRE_PORTAL_URL", portal.url)
        assert main(["calls", "refresh"]) == 0
    out = capsys.readouterr().out
    assert "8 calls from the EU portal" in out and "1 added" in out
    snapshot = yaml.safe_load((tmp_path / "knowledge" / "calls" / SNAPSHOT).read_text())
    assert len(snapshot) == 8


def test_strip_html():
    assert strip_html("<p>a &amp; b</p><p>c <i>d</i></p>") == "a & b\nc d"
    assert strip_html("<h2>Titre</h2><p>Texte</p>") == "Titre\nTexte"
