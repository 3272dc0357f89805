import datetime as dt

import pytest

from bot.assistant import Assistant
from bot.calls import BRUSSELS
from bot.matching import Matcher, Profile, load_call_folder

AUTUMN_2026 = dt.datetime(2026, 11, 26, 12, tzinfo=BRUSSELS)
SPRING_2025 = dt.datetime(2025, 3, 1, 12, tzinfo=BRUSSELS)


@pytest.fixture(scope="module")
def assistant(shipped_index, e5):
    service = Assistant(shipped_index, e5)
    service.initialize()
    yield service
    service.shutdown()


def _matcher(assistant, now):
    calls = load_call_folder(assistant.settings.knowledge_dir / "calls")
    return Matcher(assistant, calls, clock=lambda: now)


TWINNING = "Accueillir une délégation de notre ville jumelle polonaise pour une rencontre citoyenne"


def test_twinning_project_gets_cerv_town_twinning_first(assistant):
    suggestions = _matcher(assistant, SPRING_2025).suggest(
        Profile(description=TWINNING, authority="commune")
    )
    assert suggestions[0].id.startswith("cerv-") and "Twinning" in suggestions[0].title
    assert suggestions[0].why
    assert len({s.id for s in suggestions}) == len(suggestions) <= 5


def test_closed_calls_are_never_open_and_recurring_ones_say_when_they_come_back(assistant):
    suggestions = _matcher(assistant, AUTUMN_2026).suggest(Profile(description=TWINNING))
    assert suggestions, "closed yearly calls are still worth showing"
    for s in suggestions:
        assert s.status == "closed" and s.deadline is None and s.days_left is None
        assert s.expected  # the usual next edition, an expectation
    twinning = [s for s in suggestions if "Twinning" in s.title]
    assert len(twinning) == 1 and twinning[0].id == "cerv-2026-town-twinning"  # latest edition


def test_open_calls_carry_deadline_and_days_left(assistant):
    [life] = [
        s
        for s in _matcher(assistant, dt.datetime(2026, 8, 23, 12, tzinfo=BRUSSELS)).suggest(
            Profile(
                description="Adapter notre territoire aux inondations et canicules",
                authority="commune",
            )
        )
        if s.id == "life-2026-climate-adaptation"
    ]
    assert life.status == "open" and life.deadline == dt.date(2026, 9, 22) and life.days_left == 30
    assert life.cofinancing_rate == "60%"


def test_filters_on_applicant_and_partner_country(assistant):
    matcher = _matcher(assistant, SPRING_2025)
    ids = {
        s.id
        for s in matcher.suggest(
            Profile(
                description="Coopération transfrontalière avec l'Ukraine", partner_country="UA"
            ),
            k=10,
        )
    }
    assert "interreg-next-romania-moldova-small-2" not in ids  # RO–MD only
    from_france = {
        s.id
        for s in matcher.suggest(
            Profile(description="Coopération transfrontalière avec l'Ukraine", country="FR"), k=10
        )
    }
    assert not any(
        i.startswith("interreg-next") for i in from_france
    )  # France is outside those areas
    association_only = {
        s.id
        for s in matcher.suggest(
            Profile(description="Mémoire des régimes totalitaires", authority="region"), k=10
        )
    }
    assert "cerv-2025-european-remembrance" not in association_only


def test_off_topic_description_gets_nothing(assistant):
    assert (
        _matcher(assistant, SPRING_2025).suggest(
            Profile(description="Recette de la tarte aux pommes")
        )
        == []
    )


def test_cli_calls_suggest_json(shipped_index, monkeypatch, capsys):
    import json

    from bot.cli import main

    monkeypatch.setenv("INSPIRE_KNOWLEDGE_DIR", str(shipped_index.knowledge_dir))
    monkeypatch.setenv("INSPIRE_DATA_DIR", str(shipped_index.data_dir))
    assert (
        main(
            [
                "calls",
                "suggest",
                TWINNING,
                "--authority",
                "commune",
                "--partner-country",
                "PL",
                "--json",
            ]
        )
        == 0
    )
    data = json.loads(capsys.readouterr().out)
    assert data["calls"]
    first = data["calls"][0]
    assert {"id", "title", "programme", "status", "deadline", "url", "score", "why"} <= first.keys()
    assert first["status"] in ("open", "forthcoming", "closed")
