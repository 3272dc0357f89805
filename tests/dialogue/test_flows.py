"""The funding and hand-off flows on the dialogue layer: plain events in, steps out, state in the
database (no Telegram involved)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select

from bot.db import FlowState, Handoff, UserSettings
from bot.dialogue.events import Command, Contact, Tap, Text, Who
from bot.dialogue.flows import Flows
from bot.dialogue.store import FlowStore
from bot.services import Services
from tests.fakes.clock import Clock

USER = Who(chat_id=7001, user_id=7001, lang="fr", bot_username="inspire_test_bot")


@pytest.fixture
def clock() -> Clock:
    return Clock()  # starts at the real time, as the services' own store


def _flows(services: Services, clock: Clock) -> Flows:
    """The application's flows (its timeout too) over a store with a clock of the test's."""
    store = FlowStore(services.database, services.store.timeout, clock)
    return Flows(store, *services.flows.flows.values())


@pytest.fixture
def flows(services: Services, clock: Clock) -> Flows:
    return _flows(services, clock)


def _who(n: int, **changes: object) -> Who:
    values = {"chat_id": n, "user_id": n, "lang": "fr", "bot_username": "inspire_test_bot"}
    values.update(changes)
    return Who(**values)  # type: ignore[arg-type]


def _row(services: Services, who: Who) -> FlowState | None:
    with services.database.session() as session:
        return session.get(FlowState, (who.chat_id, who.user_id))


def _dossiers(services: Services, chat_id: int) -> list[Handoff]:
    with services.database.session() as session:
        return list(session.scalars(select(Handoff).where(Handoff.user_chat_id == chat_id)))


def _html(step) -> str:  # type: ignore[no-untyped-def]
    assert step is not None
    return "\n".join(reply.html for reply in step.replies)


def _to_summary(flows: Flows, who: Who) -> None:
    """Walk a hand-off up to its summary."""
    for event in (
        Command("referent"),
        Tap("net:pdlci"),
        Tap("consent:yes"),
        Text("Camille Martin"),
        Text("Maire adjointe"),
        Text("Commune de Clisson"),
        Contact("+33 6 12 34 56 78"),
        Text("Comment adhérer au niveau AMORCER ?"),
    ):
        assert flows.handle(who, event) is not None, event


def test_the_funding_flow_from_description_to_cards(flows: Flows, services: Services) -> None:
    who = _who(7101)
    assert "Décrivez votre projet" in _html(flows.handle(who, Command("financements")))
    asked = flows.handle(who, Text("Un jumelage de villes avec une commune partenaire"))
    assert "Quel type de structure" in _html(asked)
    assert "Quel type de structure" in _html(flows.handle(who, Text("euh ?")))  # asked again
    assert "Dans quel pays" in _html(flows.handle(who, Tap("auth:commune")))
    cards = flows.handle(who, Tap("partner:other"))
    assert "Jumelage de villes test 2027" in _html(cards)
    row = _row(services, who)
    assert row is not None and row.flow == "" and row.draft == "{}"
    assert flows.project(who) == "Un jumelage de villes avec une commune partenaire"
    assert flows.handle(who, Text("Et ensuite ?")) is None  # the flow is over: a question


def test_the_whole_hand_off_makes_one_dossier(flows: Flows, services: Services) -> None:
    who = _who(7102)
    where = flows.handle(who, Command("referent"))
    assert where is not None and any(
        b.data == "net:pdlci" for r in where.replies[0].buttons for b in r
    )
    consent = flows.handle(who, Tap("net:pdlci"))
    assert "Pays de la Loire" in _html(consent)
    row = _row(services, who)
    assert row is not None and json.loads(row.draft) == {"network": "pdlci"}  # nothing personal
    assert "nom" in _html(flows.handle(who, Tap("consent:yes")))
    flows.handle(who, Text("Camille Martin"))
    flows.handle(who, Text("Maire adjointe"))
    contact = flows.handle(who, Text("Commune de Clisson"))
    assert contact is not None and contact.replies[0].ask_contact  # the share-phone keyboard
    question = flows.handle(who, Contact("+33 6 12 34 56 78"))
    assert question is not None and question.replies[0].clear_keyboard
    summary = _html(flows.handle(who, Text("Comment adhérer au niveau AMORCER ?")))
    assert "Camille Martin" in summary and "+33 6 12 34 56 78" in summary
    assert "Camille Martin" in _html(flows.handle(who, Text("hein ?")))  # the summary again
    sent = flows.handle(who, Tap("confirm:yes"))
    assert sent is not None and sent.outbox
    (dossier,) = _dossiers(services, who.chat_id)
    assert (dossier.name, dossier.role, dossier.authority) == (
        "Camille Martin",
        "Maire adjointe",
        "Commune de Clisson",
    )
    assert dossier.phone == "+33 6 12 34 56 78" and dossier.network_id == "pdlci"
    assert f"n° {dossier.id}" in _html(sent)
    row = _row(services, who)
    assert row is not None and row.flow == "" and row.draft == "{}"  # the draft is gone
    again = flows.handle(who, Tap("confirm:yes"))  # a second tap on the same summary
    assert again is not None and again.toast and not again.replies
    assert len(_dossiers(services, who.chat_id)) == 1


def test_a_restart_carries_on_at_the_same_step(flows: Flows, services: Services, clock) -> None:
    who = _who(7103)
    flows.handle(who, Command("referent"))
    flows.handle(who, Tap("net:pdlci"))
    flows.handle(who, Tap("consent:yes"))
    flows.handle(who, Text("Camille Martin"))
    restarted = _flows(services, clock)
    assert _row(services, who).step == "role"  # type: ignore[union-attr]
    asked = _html(restarted.handle(who, Text("Maire adjointe")))  # the role, then the authority
    assert asked and "fonction" not in asked
    assert _row(services, who).step == "authority"  # type: ignore[union-attr]


def test_an_abandoned_flow_ends_after_the_timeout(flows: Flows, services: Services, clock) -> None:
    who = _who(7104)
    flows.handle(who, Command("referent"))
    flows.handle(who, Tap("net:pdlci"))
    flows.handle(who, Tap("consent:yes"))
    clock.now += services.store.timeout + dt.timedelta(minutes=1)
    assert flows.handle(who, Text("Quel est le calendrier du programme ?")) is None  # a question
    row = _row(services, who)
    assert row is not None and row.flow == "" and row.draft == "{}"


def test_the_purge_erases_abandoned_drafts(flows: Flows, services: Services, clock) -> None:
    who = _who(7105)
    _to_summary(flows, who)
    clock.now += dt.timedelta(hours=2)
    assert flows.store.purge(project_days=365) >= 1
    row = _row(services, who)
    assert row is not None and row.draft == "{}" and "Camille" not in row.draft


def test_commands_leave_a_flow_and_cancel_always_answers(flows: Flows, services) -> None:
    who = _who(7106)
    assert "rien à annuler" in _html(flows.handle(who, Command("cancel")))
    flows.handle(who, Command("financements"))
    assert flows.handle(who, Command("help")) is None  # handled as usual, and the flow is over
    assert flows.handle(who, Text("Qu'est-ce que le programme ?")) is None
    flows.handle(who, Command("referent"))
    cancelled = flows.handle(who, Command("cancel"))
    assert cancelled is not None and cancelled.replies[0].clear_keyboard
    assert "C'est annulé" in _html(cancelled)
    assert "rien à annuler" in _html(flows.handle(who, Command("cancel")))


def test_in_a_group_nothing_personal_is_asked(flows: Flows, services: Services) -> None:
    group = _who(-7107, user_id=7107, private=False)
    step = flows.handle(group, Command("referent"))
    (button,) = [b for row in step.replies[0].buttons for b in row]  # type: ignore[union-attr]
    assert button.url == "https://t.me/inspire_test_bot?start=referent"
    assert _row(services, group) is None or _row(services, group).flow == ""  # type: ignore[union-attr]
    assert flows.handle(group, Text("je veux parler à un conseiller")) is None
    private = _who(7107)
    assert "Où se trouve votre collectivité" in _html(
        flows.handle(private, Command("start", "referent"))
    )


def test_a_plain_request_for_a_person_starts_the_hand_off(flows: Flows) -> None:
    step = flows.handle(_who(7108), Text("Je voudrais parler à un conseiller"))
    assert step is not None and any(
        b.data == "net:other" for r in step.replies[0].buttons for b in r
    )


def test_stale_flow_buttons_answer_with_a_toast(flows: Flows) -> None:
    who = _who(7109)
    for data in ("confirm:yes", "consent:yes", "net:pdlci", "auth:commune", "partner:UA"):
        step = flows.handle(who, Tap(data))
        assert step is not None and step.toast and not step.replies, data
    assert flows.handle(who, Tap("fb:up:abc")) is None  # an answer's button: not the flows'


def test_refusing_consent_keeps_nothing(flows: Flows, services: Services) -> None:
    who = _who(7110)
    flows.handle(who, Command("referent"))
    flows.handle(who, Tap("net:pdlci"))
    refused = flows.handle(who, Tap("consent:no"))
    assert refused is not None and refused.replies
    row = _row(services, who)
    assert row is not None and row.flow == "" and row.draft == "{}"
    assert not _dossiers(services, who.chat_id)


def test_forget_in_a_flow_erases_the_state_and_the_language(flows: Flows, services) -> None:
    who = _who(7111)
    services.store.set_language(who.user_id, "pl")
    _to_summary(flows, who)
    assert flows.handle(who, Command("forget")) is None  # the desk erases it
    step = services.desk.forget(who)
    assert "conversation en cours arrêtée : 1" in _html(step)
    assert _row(services, who) is None
    with services.database.session() as session:
        assert session.get(UserSettings, who.user_id) is None
    assert flows.handle(who, Text("Qu'est-ce que le programme ?")) is None  # answered normally


def test_forget_in_a_group_erases_only_the_senders_flow(flows: Flows, services) -> None:
    first = _who(7112, chat_id=-7100, private=False)
    other = _who(7113, chat_id=-7100, private=False)
    for who in (first, other):
        flows.handle(who, Command("financements"))
        assert _row(services, who) is not None and _row(services, who).flow == "funding"
    step = services.desk.forget(first)
    assert "conversation en cours arrêtée : 1" in _html(step)
    assert _row(services, first) is None
    kept = _row(services, other)
    assert kept is not None and kept.flow == "funding"


def test_the_terminal_runs_the_hand_off(services: Services, e5) -> None:  # type: ignore[no-untyped-def]
    from bot.terminal import chat

    inputs = iter(
        [
            "/referent",
            "2",  # the second network
            "1",  # consent
            "Camille Martin",
            "Maire adjointe",
            "Commune de Clisson",
            "camille@example.org",
            "Comment adhérer au niveau AMORCER ?",
            "1",  # send
            "/quit",
        ]
    )
    out: list[str] = []
    fresh = Services(services.settings, e5)
    chat(fresh, read=lambda prompt: next(inputs), write=out.append)
    transcript = "\n".join(out)
    assert "camille@example.org" in transcript  # the summary
    dossiers = _dossiers(services, 0)
    assert dossiers and dossiers[-1].email == "camille@example.org"
