"""Programme records: the shipped data, and the status of a programme derived from a clock."""

import datetime as dt
import json
from pathlib import Path

import pytest
import yaml

from bot.calls import BRUSSELS, Call
from bot.matching import load_call_folder
from bot.programmes import Programme, load_programme_folder, load_programmes, standing

REPO = Path(__file__).resolve().parent.parent
FOLDER = REPO / "knowledge" / "calls"
RESEARCH_IDS = {  # the 26 programmes of the 2026 research notes
    "afd-ficol",
    "meae-dctciv-calls-2026-2027",
    "meae-dctciv-jeunesse",
    "fonjep-jsi-vvvsi",
    "fr-1pct-eau-oudin-santini",
    "fr-1pct-energie-pintat",
    "fr-1pct-dechets",
    "agences-eau-solidarite-internationale",
    "ofaj-trinational-eastern-partnership",
    "eui-innovative-actions",
    "eui-city-to-city-exchanges",
    "urbact-iv",
    "urbact-accelerator-ukraine-moldova",
    "interreg-europe",
    "interreg-next-ua-md-ge",
    "horizon-europe-missions-cities-adaptation",
    "culture-moves-europe",
    "erasmus-plus-fr-national-agencies",
    "european-solidarity-corps",
    "life-programme",
    "ucpm-kapp",
    "amif-union-actions",
    "ndici-ukraine-eu-delegation-calls",
    "u-lead-bridges-of-trust",
    "coe-congress-ukraine",
    "platforma",
}
TODAY = dt.datetime(2026, 11, 27, 12, tzinfo=BRUSSELS)


def _at(year, month, day):
    return dt.datetime(year, month, day, 12, tzinfo=BRUSSELS)


def test_shipped_programmes_are_valid_and_every_curated_call_has_one():
    loaded = load_programmes(FOLDER / "programmes.yaml")
    assert loaded.problems == []
    programmes = {p.id: p for p in loaded.programmes}
    assert programmes.keys() >= RESEARCH_IDS
    curated = yaml.safe_load((FOLDER / "curated.yaml").read_text(encoding="utf-8"))
    for record in curated:
        assert record.get("programme_id") in programmes, record["id"]


def test_french_texts_are_french_and_english_ones_english():
    for programme in load_programme_folder(FOLDER).values():
        texts = [programme.name, programme.funder, programme.summary, programme.rhythm_note]
        texts += [t for t in (programme.amounts, programme.cofinancing_rate) if t]
        for text in texts:
            assert text.fr != text.en
            assert "Not stated" not in text.fr and "not found" not in text.fr.lower()


def test_recurring_programmes_have_their_rhythm_and_the_one_percent_laws_are_permanent():
    programmes = load_programme_folder(FOLDER)
    for programme in programmes.values():
        if programme.rhythm in ("yearly", "biennial"):
            assert programme.opening_month is not None
    for pid in ("fr-1pct-eau-oudin-santini", "fr-1pct-energie-pintat", "fr-1pct-dechets"):
        assert standing(programmes[pid], [], TODAY).status == "permanent"
    with pytest.raises(ValueError, match="opening_month"):
        Programme.model_validate(
            json.loads(programmes["life-programme"].model_dump_json()) | {"opening_month": None}
        )


def test_research_notes_agree_on_the_ids_when_they_are_at_hand():
    notes = REPO.parent / "shared" / "research" / "programmes-2026.json"
    if not notes.exists():
        pytest.skip("research notes not available here")
    ids = {r["id"] for r in json.loads(notes.read_text(encoding="utf-8"))}
    assert ids == RESEARCH_IDS


def _programme(**changes) -> Programme:
    record = {
        "id": "test-programme",
        "name": {"fr": "Programme test", "en": "Test programme"},
        "funder": {"fr": "Financeur test", "en": "Test funder"},
        "summary": {"fr": "Finance des projets test.", "en": "Funds test projects."},
        "rhythm": "yearly",
        "opening_month": 4,
        "closing_month": 9,
        "rhythm_note": {"fr": "Appel annuel.", "en": "Yearly call."},
        "url": "https://example.org/programme",
        "sources": ["https://example.org/programme"],
        "checked": "2026-11-20",
    }
    return Programme.model_validate(record | changes)


def _edition(opens: str | None, deadline: str, **changes) -> Call:
    record = {
        "id": f"test-{deadline}",
        "programme": "Test",
        "programme_id": "test-programme",
        "title": f"Test {deadline[:4]}",
        "summary": "Une édition de test du programme test.",
        "opens": opens,
        "deadlines": [{"date": deadline}],
        "sources": ["https://example.org/call"],
        "checked": "2026-11-20",
    }
    return Call.model_validate(record | changes)


def test_status_follows_the_clock_never_the_sources():
    programme = _programme()
    editions = [_edition("2026-04-21", "2026-09-22"), _edition("2027-04-20", "2027-09-21")]
    assert standing(programme, editions[:1], _at(2026, 5, 1)).status == "open"
    assert standing(programme, editions[:1], _at(2026, 5, 1)).edition == editions[0]
    coming = standing(programme, editions, TODAY)
    assert coming.status == "forthcoming" and coming.edition == editions[1]
    expected = standing(programme, editions[:1], TODAY)
    assert expected.status == "expected" and expected.expected == dt.date(2027, 4, 1)
    assert standing(programme, [], _at(2026, 3, 10)).expected == dt.date(2026, 4, 1)
    # this year's edition is known and closed: the next cycle, not this month
    assert standing(programme, editions[:1], _at(2026, 4, 25)).status == "open"
    assert standing(programme, editions[:1], _at(2026, 10, 1)).expected == dt.date(2027, 4, 1)


def test_biennial_one_off_and_ended_programmes():
    biennial = _programme(rhythm="biennial")
    edition = _edition("2026-04-21", "2026-09-22")
    assert standing(biennial, [edition], TODAY).expected == dt.date(2028, 4, 1)
    one_off = _programme(rhythm="one-off", opening_month=None)
    assert standing(one_off, [edition], TODAY).status == "ended"
    assert standing(one_off, [edition], _at(2026, 6, 1)).status == "open"
    ended = _programme(rhythm="ended", opening_month=None)
    assert standing(ended, [], TODAY).status == "ended"
    rolling = _programme(rhythm="rolling", opening_month=None)
    assert standing(rolling, [], TODAY).status == "permanent"


def test_shipped_data_today_nothing_closed_without_a_next_step():
    programmes = load_programme_folder(FOLDER)
    calls = load_call_folder(FOLDER)
    statuses = {}
    for pid, programme in programmes.items():
        editions = [c for c in calls.values() if c.programme_id == pid]
        here = standing(programme, editions, TODAY)
        statuses[pid] = here.status
        assert here.status != "expected" or here.expected is not None
    assert statuses["horizon-europe-missions-cities-adaptation"] == "forthcoming"
    assert statuses["interreg-europe"] == "ended"
    assert statuses["cerv-networks-of-towns"] == "expected"
    assert statuses["fonjep-jsi-vvvsi"] == "permanent"


def test_partner_and_applicant_countries():
    programme = _programme(partner_countries=["EU", "UA"], applicant_countries=["EU"])
    assert programme.lists_partner("PL") and programme.lists_partner("UA")
    assert not programme.lists_partner("GE")
    assert programme.applicant_from("FR") and not programme.applicant_from("UA")
    assert _programme(partner_countries=["*"]).lists_partner("SN")
