import datetime as dt
import json

import pytest
import yaml

from bot.calls import BRUSSELS, load_calls
from bot.config import Settings
from bot.portal import (
    SNAPSHOT,
    STABLE_SORT,
    PortalClient,
    PortalError,
    build_query,
    refresh_snapshot,
    strip_html,
    to_calls,
)
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
        **({"portal_horizon_topics": ""} | extra),  # the recorded page holds other topics
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
        monkeypatch.setenv("INSPIRE_PORTAL_HORIZON_TOPICS", "")  # the page holds other topics
        assert main(["calls", "refresh"]) == 0
    out = capsys.readouterr().out
    assert "8 calls from the EU portal" in out and "1 added" in out
    snapshot = yaml.safe_load((tmp_path / "knowledge" / "calls" / SNAPSHOT).read_text())
    assert len(snapshot) == 8


def test_strip_html():
    assert strip_html("<p>a &amp; b</p><p>c <i>d</i></p>") == "a & b\nc d"
    assert strip_html("<h2>Titre</h2><p>Texte</p>") == "Titre\nTexte"


def _rows():
    return json.loads(FIXTURE.read_text(encoding="utf-8"))["results"]


def _row(identifier: str, **metadata):
    """A recorded row (the Horizon cyber-security topic) under another identifier."""
    row = json.loads(json.dumps(next(r for r in _rows() if "ECCC-01" in str(r))))
    row["metadata"]["identifier"] = [identifier]
    row["metadata"].update(metadata)
    return row


def test_a_short_title_without_description_still_makes_a_record():
    row = _row("SHORT-1", title=["Ukraine city twins"], descriptionByte=[], callTitle=["Short"])
    [call], problems = to_calls([row], FETCHED)
    assert problems == []
    assert call.title == "Ukraine city twins" and call.summary.startswith("Ukraine city twins — ")


def test_cascade_calls_sharing_a_topic_are_two_records_with_their_own_titles():
    metu = _row("HORIZON-CASCADE-01", type=["8"], callccm2Id=["111"], callTitle=["METU call"])
    gnomon = _row("HORIZON-CASCADE-01", type=["8"], callccm2Id=["222"], callTitle=["Gnomon call"])
    calls, _ = to_calls([metu, gnomon], FETCHED)
    assert sorted(c.title for c in calls) == ["Gnomon call", "METU call"]
    assert len({c.id for c in calls}) == 2


def test_a_cut_budget_overview_keeps_the_topics_own_figures_only():
    calls = {c.id: c for c in to_calls(_rows(), FETCHED)[0]}
    eccc = calls["eu-horizon-cl3-2026-02-cs-eccc-01"]  # its entry is cut after the amounts
    assert eccc.amounts.startswith("EUR 3,000,000 – 4,000,000 per grant; 5 grants expected")
    assert calls["eu-horizon-cl6-2026-04-governance-01"].amounts  # a complete overview
    # the cut overview of the soil topic only holds other topics: no borrowed amount
    assert calls["eu-horizon-miss-2027-05-soil-01-two-stage"].amounts == ""


def test_deadline_times_and_the_stages_of_two_stage_calls_are_kept():
    calls = {c.id: c for c in to_calls(_rows(), FETCHED)[0]}
    soil = calls["eu-horizon-miss-2027-05-soil-01-two-stage"].deadlines
    assert [d.note for d in soil] == ["stage 1 of 2", "stage 2 of 2"]
    [culture] = calls["eu-horizon-cl2-2024-transformations-01-08"].deadlines
    assert culture.note == "17:00 Brussels" and culture.moment().hour == 17
    summary = calls["eu-horizon-cl3-2026-02-cs-eccc-01"].summary
    assert "<" not in summary and "&nbsp;" not in summary


def test_horizon_is_read_for_the_missions_of_cities_and_adaptation_only(tmp_path):
    mission = _row("HORIZON-MISS-2027-04-CIT-01", title=["Microgrids for climate-neutral cities"])
    with FakePortal(results=[*_rows(), mission]) as portal:
        settings = _settings(
            tmp_path,
            portal.url,
            portal_horizon_topics=Settings(_env_file=None).portal_horizon_topics,
        )
        calls, _ = refresh_snapshot(settings, _client(settings), now=FETCHED)
    assert [c.id for c in calls] == ["eu-horizon-miss-2027-04-cit-01"]
    programmes = build_query(Settings(_env_file=None).portal_programmes)["bool"]["must"][2]
    assert {"43108390", "43152860", "45876777"} <= set(programmes["terms"]["frameworkProgramme"])


def test_pages_are_sorted_on_a_unique_key_and_missing_rows_are_reported(tmp_path):
    with FakePortal() as portal:
        portal.extra_total = 3  # the portal announces rows it never sends
        settings = _settings(tmp_path, portal.url)
        calls, problems = refresh_snapshot(settings, _client(settings), now=FETCHED)
    assert all(r["parts"]["sort"]["json"] == STABLE_SORT for r in portal.requests)
    assert len(calls) == 8
    assert any("announced 12 results but 9 were read" in p for p in problems)


def test_more_pages_than_allowed_is_said_not_silent(tmp_path):
    with FakePortal() as portal:
        settings = _settings(tmp_path, portal.url, portal_max_pages=2)
        _, problems = refresh_snapshot(settings, _client(settings), now=FETCHED)
    assert len(portal.requests) == 2
    assert any("more than 2 pages" in p for p in problems)


@pytest.mark.parametrize("answer", [b"{}", b'{"results": [], "totalResults": 0}'])
def test_an_empty_answer_never_replaces_the_snapshot(tmp_path, answer):
    folder = tmp_path / "knowledge" / "calls"
    folder.mkdir(parents=True)
    (folder / SNAPSHOT).write_text("# previous\n[]\n", encoding="utf-8")
    with FakePortal() as portal:
        portal.raw = answer
        settings = _settings(tmp_path, portal.url)
        with pytest.raises(PortalError, match="previous snapshot is kept"):
            refresh_snapshot(settings, _client(settings), now=FETCHED)
    assert (folder / SNAPSHOT).read_text(encoding="utf-8") == "# previous\n[]\n"


def test_an_implausibly_small_answer_never_replaces_the_snapshot(tmp_path):
    with FakePortal() as portal:
        settings = _settings(tmp_path, portal.url)
        refresh_snapshot(settings, _client(settings), now=FETCHED)  # eight calls
    snapshot = tmp_path / "knowledge" / "calls" / SNAPSHOT
    before = snapshot.read_text(encoding="utf-8")
    with FakePortal(results=_rows()[:3]) as portal:
        settings = _settings(tmp_path, portal.url)
        with pytest.raises(PortalError, match="implausibly few"):
            refresh_snapshot(settings, _client(settings), now=FETCHED)
    assert snapshot.read_text(encoding="utf-8") == before


def test_a_server_dripping_bytes_cannot_hang_the_fetch(tmp_path):
    import time

    with FakePortal() as portal:
        portal.drip = 0.05  # each byte arrives in time, the answer never does
        settings = _settings(tmp_path, portal.url, portal_deadline=1.0)
        started = time.monotonic()
        with pytest.raises(PortalError, match="within 1 s"):
            refresh_snapshot(settings, _client(settings), now=FETCHED)
    assert time.monotonic() - started < 5
    assert len(portal.requests) == 1  # a fetch past its deadline is not retried


def test_portal_topics_are_editions_of_their_programme():
    from pathlib import Path

    from bot.programmes import load_programme_folder, standing

    rows = [
        _row("LIFE-2026-SAP-CLIMA-CCA", frameworkProgramme=["43252405"]),
        _row("CERV-2026-CITIZENS-TOWN-TT", frameworkProgramme=["43251589"]),
        _row("CERV-2026-CHAR-LITI", frameworkProgramme=["43251589"]),  # another CERV strand
        _row("HORIZON-CL3-2026-02-CS-ECCC-01"),  # research outside the missions
    ]
    calls = {c.id: c for c in to_calls(rows, FETCHED)[0]}
    assert calls["eu-life-2026-sap-clima-cca"].programme_id == "life-programme"
    assert calls["eu-cerv-2026-citizens-town-tt"].programme_id == "cerv-town-twinning"
    assert calls["eu-cerv-2026-char-liti"].programme_id is None
    assert calls["eu-horizon-cl3-2026-02-cs-eccc-01"].programme_id is None
    # a followed programme opens when the portal publishes its edition (open 3 Mar - 15 Sep)
    folder = Path(__file__).resolve().parent.parent / "knowledge" / "calls"
    life = load_programme_folder(folder)["life-programme"]
    spring = dt.datetime(2026, 5, 1, 12, tzinfo=BRUSSELS)
    here = standing(life, [calls["eu-life-2026-sap-clima-cca"]], spring)
    assert here.status == "open" and here.edition is calls["eu-life-2026-sap-clima-cca"]


def test_programme_ids_are_checked_with_the_facet_endpoint(tmp_path):
    with FakePortal() as portal:
        portal.known.remove("45876777")  # an id the portal no longer knows
        settings = _settings(tmp_path, portal.url)
        _, problems = refresh_snapshot(settings, _client(settings), now=FETCHED)
    [facet] = portal.facet_requests
    assert facet["parts"]["query"]["content_type"] == "application/json"
    assert problems == [
        "frameworkProgramme 45876777 is not listed by the portal's facet endpoint: check its id"
    ]
