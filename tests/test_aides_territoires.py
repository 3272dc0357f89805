"""The Aides-territoires connector against a local fake API built from a real aid."""

import datetime as dt

import pytest

from bot.aides_territoires import (
    QUERIES,
    SNAPSHOT,
    TOKEN_LIFETIME,
    AidesTerritoiresClient,
    AidesTerritoiresError,
    refresh_snapshot,
    to_calls,
)
from bot.calls import load_calls
from bot.config import Settings
from bot.matching import load_call_folder
from tests.fakes.aides_territoires import KEY, FakeAidesTerritoires, aid

FETCHED = dt.datetime(2026, 11, 27, 9, 0, tzinfo=dt.UTC)


def _settings(tmp_path, url, key=KEY):
    return Settings(
        knowledge_dir=tmp_path / "knowledge",
        data_dir=tmp_path / "var",
        aides_territoires_url=url,
        aides_territoires_token=key,
        portal_timeout=2.0,
        _env_file=None,
    )


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_one_token_exchange_then_pages_with_the_bearer(tmp_path):
    aids = [aid(n) for n in range(5)]
    with FakeAidesTerritoires(aids, page_size=2) as api:
        client = AidesTerritoiresClient(_settings(tmp_path, api.url))
        found = client.search({"keyword": "jumelage", "organization_type_slugs": ["commune"]})
        client.close()
    assert [a["id"] for a in found] == [a["id"] for a in aids]  # three pages, nothing lost
    assert api.exchanges == 1
    assert [r["params"]["page"] for r in api.requests] == [["1"], ["2"], ["3"]]
    first = api.requests[0]
    assert first["bearer"] == "jwt-1" and first["params"]["keyword"] == ["jumelage"]
    assert first["params"]["itemsPerPage"] == ["100"]
    assert first["params"]["organization_type_slugs"] == ["commune"]


def test_the_bearer_is_renewed_after_24_hours_or_when_refused(tmp_path):
    clock = Clock()
    with FakeAidesTerritoires([aid(1)]) as api:
        client = AidesTerritoiresClient(_settings(tmp_path, api.url), monotonic=clock)
        client.search({"keyword": "a"})
        clock.now += TOKEN_LIFETIME / 2
        client.search({"keyword": "b"})
        assert api.exchanges == 1
        clock.now += TOKEN_LIFETIME / 2  # a day later
        client.search({"keyword": "c"})
        assert api.exchanges == 2 and api.requests[-1]["bearer"] == "jwt-2"
        api.revoked.add("jwt-2")  # the server drops it early: one renewal, then it works
        client.search({"keyword": "d"})
        client.close()
    assert api.exchanges == 3 and api.requests[-1]["bearer"] == "jwt-3"


def test_a_wrong_key_is_an_error_that_keeps_the_previous_snapshot(tmp_path):
    folder = tmp_path / "knowledge" / "calls"
    folder.mkdir(parents=True)
    (folder / SNAPSHOT).write_text("[]\n# previous\n", encoding="utf-8")
    with FakeAidesTerritoires([aid(1)]) as api:
        settings = _settings(tmp_path, api.url, key="wrong")
        with pytest.raises(AidesTerritoiresError, match="refused the API key"):
            refresh_snapshot(settings, now=FETCHED)
        assert api.requests == []
    assert (folder / SNAPSHOT).read_text(encoding="utf-8").endswith("# previous\n")


def test_refresh_writes_a_credited_snapshot_of_valid_calls(tmp_path):
    aids = [
        aid(1),
        aid(2, submission_deadline=None, recurrence="Permanente"),
        aid(3, submission_deadline="2026-01-31"),  # closed: left out
        aid(4, description=None, subvention_rate_lower_bound=20),
    ]
    with FakeAidesTerritoires(aids, page_size=3) as api:
        calls, problems = refresh_snapshot(_settings(tmp_path, api.url), now=FETCHED)
    assert problems == []
    assert api.exchanges == 1  # one bearer for every theme search
    keywords = {r["params"]["keyword"][0] for r in api.requests if r["params"].get("page") == ["1"]}
    assert keywords == {q["keyword"] for q in QUERIES}
    assert {c.id.split("-")[1] for c in calls} == {"156169", "156170", "156172"}  # each once
    first = next(c for c in calls if c.id.startswith("at-156169"))
    assert first.title == "S'adapter au recul du trait de côte"
    assert first.programme == "Fonds vert - Édition 2024"
    assert first.summary.startswith("Ambition écologique du projet financé")
    assert "<" not in first.summary and first.eligible_countries == "Communes littorales"
    assert first.applicants == ["commune", "intercommunalite"]
    assert first.cofinancing_rate == "jusqu'à 80 %"
    assert first.deadlines[0].date == dt.date(2027, 3, 31) and first.opens == dt.date(2026, 1, 15)
    assert "Risques naturels" in first.themes and "Littoral" in first.themes
    assert (
        first.link
        == "https://aides-territoires.beta.gouv.fr/aides/1-32cf-sadapter-au-recul-du-trait-de-cote/"
    )
    assert first.origin == "aides-territoires" and "Licence Ouverte 2.0" in first.status_note
    permanent = next(c for c in calls if c.id.startswith("at-156170"))
    assert permanent.rolling and permanent.deadlines == []
    bare = next(c for c in calls if c.id.startswith("at-156172"))
    assert "aide publiée sur Aides-territoires" in bare.summary
    assert bare.cofinancing_rate == "de 20 à 80 %"
    path = tmp_path / "knowledge" / "calls" / SNAPSHOT
    header = path.read_text(encoding="utf-8")
    assert "Licence Ouverte 2.0" in header and "https://aides-territoires.beta.gouv.fr" in header
    assert FETCHED.isoformat() in header
    reloaded = load_calls(path)
    assert reloaded.problems == [] and len(reloaded.calls) == 3
    assert set(load_call_folder(path.parent)) == {c.id for c in calls}


def test_an_empty_answer_never_replaces_the_snapshot(tmp_path):
    folder = tmp_path / "knowledge" / "calls"
    folder.mkdir(parents=True)
    (folder / SNAPSHOT).write_text("[]\n# previous\n", encoding="utf-8")
    with (
        FakeAidesTerritoires([]) as api,
        pytest.raises(AidesTerritoiresError, match="previous snapshot is kept"),
    ):
        refresh_snapshot(_settings(tmp_path, api.url), now=FETCHED)
    assert (folder / SNAPSHOT).read_text(encoding="utf-8").endswith("# previous\n")


def test_an_answer_with_far_fewer_aids_never_replaces_the_snapshot(tmp_path):
    with FakeAidesTerritoires([aid(n) for n in range(1, 5)]) as api:
        refresh_snapshot(_settings(tmp_path, api.url), now=FETCHED)
    path = tmp_path / "knowledge" / "calls" / SNAPSHOT
    before = path.read_text(encoding="utf-8")
    with (
        FakeAidesTerritoires([aid(1)]) as api,
        pytest.raises(AidesTerritoiresError, match="implausibly few"),
    ):
        refresh_snapshot(_settings(tmp_path, api.url), now=FETCHED)
    assert path.read_text(encoding="utf-8") == before


def test_a_bad_aid_is_reported_and_the_others_kept():
    calls, problems = to_calls([aid(1), {"id": 9, "name": ""}], FETCHED)
    assert len(calls) == 1
    [problem] = problems
    assert problem.startswith("Aides-territoires aid 9:")


def test_refresh_fetches_both_sources_and_skips_aides_territoires_without_a_key(
    tmp_path, monkeypatch
):
    from bot import portal

    def fake_portal(settings):
        return [], ["portal row X: bad"]

    class Assistant:
        def ingest(self, progress=False):
            return "report"

    monkeypatch.setattr(portal, "refresh_snapshot", fake_portal)
    with FakeAidesTerritoires([aid(1)]) as api:
        refresh = portal.refresh_calls(_settings(tmp_path, api.url), Assistant())
        assert [c.id.split("-")[1] for c in refresh.aides] == ["156169"]
        assert refresh.problems == ["portal row X: bad"] and refresh.report == "report"
        skipped = portal.refresh_calls(_settings(tmp_path, api.url, key=""), Assistant())
    assert skipped.aides == [] and api.exchanges == 1
