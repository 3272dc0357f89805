"""The funding screen and its bells, on a fake matcher (the ranking is tested elsewhere)."""

import datetime as dt
from types import SimpleNamespace

import pytest

from bot.alerts import NEXT, due_openings
from bot.db import Database
from bot.dialogue import Dialogue
from bot.dialogue.dialogue import call_token
from bot.matching import Profile, Proposal, Suggestion
from bot.programmes import Localized

CHAT = 77
LINKS = {
    "portal": "https://ec.europa.eu/info/funding-tenders/opportunities/portal/screen/"
    "opportunities/calls-for-proposals?keywords=jumelage",
    "aides_territoires": "https://aides-territoires.beta.gouv.fr/aides/?keyword=jumelage",
}


def _suggestion(n: int, status: str = "expected", lang: str = "fr", **changes) -> Suggestion:
    record = {
        "id": f"programme-{n}",
        "programme_id": f"programme-{n}",
        "title": f"Programme {n}",
        "programme": "Financeur",
        "status": status,
        "expected": "avril 2027" if status == "expected" else "",
        "rhythm": "Appel annuel." if lang == "fr" else "Yearly call.",
        "url": f"https://example.org/{n}",
        "checked": dt.date(2026, 11, 27),
        "score": 1.0 / n,
        "why": "Finance des rencontres.",
        "lang": lang,
    }
    if status == "open":
        record |= {"id": f"edition-{n}", "deadline": dt.date(2026, 12, 15), "days_left": 18}
    return Suggestion.model_validate(record | changes)


class FakeMatcher:
    """Gives a fixed proposal; knows the records the bells point to."""

    def __init__(self, proposal: Proposal, opened: set[str] | None = None):
        self.proposal = proposal
        self.programmes = {
            f"programme-{n}": SimpleNamespace(name=Localized(fr=f"Programme {n}", en=f"Fund {n}"))
            for n in range(1, 10)
        }
        self.calls = {
            f"edition-{n}": SimpleNamespace(title=f"Édition {n}", next_deadline=lambda now: None)
            for n in range(1, 10)
        }
        self.opened = opened or set()
        self.clock = lambda: dt.datetime(2026, 11, 27, 12, tzinfo=dt.UTC)

    def propose(self, profile, k=9, mode="hybrid", lang="fr"):
        return self.proposal

    def describe(self, record_id, query, lang="fr"):
        n = int(record_id.rsplit("-", 1)[1])
        return _suggestion(n, "open" if record_id in self.opened else "expected")


@pytest.fixture
def database(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'd.db'}")
    db.initialize()
    yield db
    db.shutdown()


def _dialogue(database, proposal, opened=None) -> Dialogue:
    return Dialogue(None, None, database, FakeMatcher(proposal, opened))  # type: ignore[arg-type]


PROFILE = Profile(description="Un jumelage avec une ville ukrainienne")


def test_three_cards_at_a_time_then_more(database):
    found = [_suggestion(n) for n in range(1, 8)]
    dialogue = _dialogue(database, Proposal(suggestions=found, links=LINKS))
    head, *cards = dialogue.suggestions(PROFILE, "fr")
    assert head.html.startswith("Aucun appel ouvert ne correspond aujourd'hui")
    assert len(cards) == 3
    more = [b for row in cards[-1].buttons for b in row if b.data.startswith("more:")]
    assert [b.label for b in more] == ["➕ Voir plus (4)"]
    outcome = dialogue.press(more[0].data, "fr", CHAT)
    pages = [outcome.reply, *outcome.more]
    assert len(pages) == 3 and "Programme 4" in pages[0].html
    last = [b for row in pages[-1].buttons for b in row if b.data.startswith("more:")]
    outcome = dialogue.press(last[0].data, "fr", CHAT)
    assert [outcome.reply, *outcome.more][0].html.count("Programme 7") == 1
    assert not outcome.more  # the last one, no further "more"


def test_the_first_line_says_plainly_how_many_are_open(database):
    found = [_suggestion(1, "open"), _suggestion(2), _suggestion(3, "permanent")]
    head, *_ = _dialogue(database, Proposal(suggestions=found, links=LINKS)).suggestions(
        PROFILE, "fr"
    )
    assert head.html.startswith("Seul 1 appel ouvert ou annoncé correspond")
    found = [_suggestion(1, "open"), _suggestion(2, "open"), _suggestion(3, "open")]
    head, *_ = _dialogue(database, Proposal(suggestions=found, links=LINKS)).suggestions(
        PROFILE, "fr"
    )
    assert head.html.startswith("Les appels qui correspondent")


def test_nothing_fits_still_shows_the_closest_and_the_searches(database):
    proposal = Proposal(suggestions=[], closest=[_suggestion(1), _suggestion(2)], links=LINKS)
    head, *cards = _dialogue(database, proposal).suggestions(PROFILE, "fr")
    assert "Aides-territoires" in head.html and LINKS["aides_territoires"] in head.html
    assert "keywords=jumelage" in head.html
    assert len(cards) == 2


def test_cards_speak_one_language_and_say_the_next_step(database):
    dialogue = _dialogue(database, Proposal(suggestions=[]))
    french = dialogue.card(_suggestion(1, check_partner=True), "fr").html
    assert "🔮 Prochaine édition attendue" in french and "avril 2027" in french
    assert "vérifiez son éligibilité" in french and "Yearly" not in french
    english = dialogue.card(_suggestion(1, lang="en", expected="April 2027"), "uk").html
    assert "Expected around April 2027" in english and "Appel" not in english
    permanent = dialogue.card(_suggestion(2, "permanent"), "fr")
    assert "♾️ Toujours ouvert" in permanent.html
    assert not [b for row in permanent.buttons for b in row if b.label.startswith("🔔")]


def test_the_bell_follows_a_deadline_or_the_next_edition_and_says_which(database):
    dialogue = _dialogue(database, Proposal(suggestions=[]), opened={"programme-2"})
    open_card = dialogue.card(_suggestion(1, "open"), "fr")
    [bell] = [b for row in open_card.buttons for b in row if b.label.startswith("🔔")]
    assert bell.data == f"rm:{call_token('edition-1')}"
    said = dialogue.press(bell.data, "fr", CHAT, "jumelage").reply.html
    assert "30, 7 et 1 jours avant la date limite" in said
    expected_card = dialogue.card(_suggestion(2), "fr")
    [bell] = [b for row in expected_card.buttons for b in row if b.label.startswith("🔔")]
    assert bell.label == "🔔 Prévenez-moi à l'ouverture"
    said = dialogue.press(bell.data, "fr", CHAT, "jumelage").reply.html
    assert "quand la prochaine édition sera ouverte" in said
    assert "30, 7" not in said
    followed = {s.call_id for s in database.subscriptions(CHAT)}
    assert followed == {"edition-1", NEXT + "programme-2"}
    alerts = dialogue.alerts(CHAT, "fr").html
    assert "Programme 2 — à l'ouverture de la prochaine édition" in alerts
    assert "Édition 1 —" in alerts
    # a refresh finds the next edition open: its follower is told (then the alert ends)
    [opened] = due_openings(database.subscriptions(CHAT), dialogue.matcher)
    assert opened.subscription.call_id == NEXT + "programme-2"
    news = dialogue.opened(opened.suggestion, "fr")
    assert news.html.startswith("🆕 La nouvelle édition de <b>Programme 2</b> est ouverte.")


def test_an_aides_territoires_card_credits_its_source(database):
    dialogue = _dialogue(database, Proposal(suggestions=[]))
    card = dialogue.card(_suggestion(1, "open", origin="aides-territoires"), "fr").html
    assert 'Source : <a href="https://aides-territoires.beta.gouv.fr">' in card
    assert "Licence Ouverte 2.0" in card
    assert "Licence" not in dialogue.card(_suggestion(1, "open"), "fr").html
