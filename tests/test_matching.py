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


def test_twinning_project_gets_the_town_twinning_programme_first(assistant):
    suggestions = _matcher(assistant, SPRING_2025).suggest(
        Profile(description=TWINNING, authority="commune")
    )
    assert suggestions[0].programme_id == "cerv-town-twinning"
    assert suggestions[0].why
    assert len({s.programme_id or s.id for s in suggestions}) == len(suggestions) <= 5


def test_today_every_suggestion_has_a_next_step_and_is_in_one_language(assistant):
    proposal = _matcher(assistant, AUTUMN_2026).propose(Profile(description=TWINNING))
    assert proposal.suggestions, "programmes expected again are still worth showing"
    for s in proposal.suggestions:
        assert s.has_next_step and s.status != "ended"
        assert s.status != "open" or s.deadline is not None
    [twinning] = [s for s in proposal.suggestions if s.programme_id == "cerv-town-twinning"]
    assert twinning.status == "expected" and twinning.expected == "avril 2027"
    assert twinning.deadline is None and twinning.id == "cerv-town-twinning"
    assert twinning.title == "CERV – Jumelage de villes"
    assert twinning.programme == "Commission européenne (programme CERV)"
    assert "Forfait" in twinning.amounts and "Lump" not in twinning.amounts
    english = _matcher(assistant, AUTUMN_2026).propose(Profile(description=TWINNING), lang="uk")
    assert {s.lang for s in english.suggestions} == {"en"}
    [twinning] = [s for s in english.suggestions if s.programme_id == "cerv-town-twinning"]
    assert twinning.expected == "April 2027" and twinning.title == "CERV – Town Twinning"
    assert twinning.programme == "European Commission (CERV programme)"


def test_an_open_edition_carries_its_deadline_and_days_left(assistant):
    [life] = [
        s
        for s in _matcher(assistant, dt.datetime(2026, 8, 23, 12, tzinfo=BRUSSELS)).suggest(
            Profile(
                description="Adapter notre territoire aux inondations et canicules",
                authority="commune",
            )
        )
        if s.programme_id == "life-programme"
    ]
    assert life.status == "open" and life.id == "life-2026-climate-adaptation"
    assert life.deadline == dt.date(2026, 9, 22) and life.days_left == 30
    assert life.follow == "deadline"
    assert life.cofinancing_rate.startswith("60 %")


def test_permanent_mechanisms_are_always_open(assistant):
    suggestions = _matcher(assistant, AUTUMN_2026).suggest(
        Profile(
            description="Notre syndicat des eaux veut financer l'accès à l'eau potable d'une "
            "commune partenaire à l'étranger",
            authority="intercommunalite",
        )
    )
    [water] = [s for s in suggestions if s.programme_id == "fr-1pct-eau-oudin-santini"]
    assert water.status == "permanent" and water.has_next_step and water.rhythm


def test_applicant_country_excludes_and_unlisted_partner_only_asks_to_check(assistant):
    matcher = _matcher(assistant, SPRING_2025)
    cross_border = "Coopération transfrontalière avec une ville d'Ukraine"
    anywhere = matcher.propose(Profile(description=cross_border), k=10)
    assert "interreg-next-ua-md-ge" in {s.programme_id for s in anywhere.suggestions}
    from_france = matcher.propose(Profile(description=cross_border, country="FR"), k=10)
    assert "interreg-next-ua-md-ge" not in {s.programme_id for s in from_france.suggestions}
    # the applicant's country is not checked against the partner list (MEAE: partner UA)
    ukraine = "Coopération décentralisée avec une oblast ukrainienne pour la reconstruction"
    french = matcher.suggest(Profile(description=ukraine, country="FR", partner_country="UA"))
    assert "meae-dctciv-calls-2026-2027" in {s.programme_id for s in french}
    # a partner country the record does not list: still shown, with "check eligibility"
    jumelage = matcher.suggest(Profile(description=TWINNING, partner_country="GE"), k=10)
    [twinning] = [s for s in jumelage if s.programme_id == "cerv-town-twinning"]
    assert twinning.check_partner
    listed = matcher.suggest(Profile(description=TWINNING, partner_country="PL"), k=10)
    assert not next(s for s in listed if s.programme_id == "cerv-town-twinning").check_partner
    # who may apply still filters: JSI/VVV-SI is for associations
    youth = "Un groupe de jeunes du quartier part quinze jours sur un chantier solidaire"
    assert "fonjep-jsi-vvvsi" in {
        s.programme_id for s in matcher.suggest(Profile(description=youth), k=10)
    }
    assert "fonjep-jsi-vvvsi" not in {
        s.programme_id
        for s in matcher.suggest(Profile(description=youth, authority="region"), k=10)
    }


def test_off_topic_description_gets_no_suggestion_but_never_an_empty_screen(assistant):
    proposal = _matcher(assistant, AUTUMN_2026).propose(
        Profile(description="Recette de la tarte aux pommes")
    )
    assert proposal.suggestions == []
    assert proposal.closest and all(s.has_next_step for s in proposal.closest)
    assert "keyword=Recette" in proposal.links["aides_territoires"]
    assert proposal.links["portal"].startswith("https://ec.europa.eu/")


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
    assert first["status"] in ("open", "forthcoming", "expected", "permanent")
