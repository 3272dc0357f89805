"""Answer cards: validation (by file, card and field), matching on the real model, the CLI."""

from __future__ import annotations

import copy
from pathlib import Path
from types import SimpleNamespace

import pytest

from bot.answering import Answerer, CardMatch
from bot.assistant import Assistant
from bot.cards import Card, load_cards
from bot.cli import main
from bot.config import Settings
from bot.index.store import CardScores
from tests.corpus import CARDS, write_cards, write_corpus

REPO = Path(__file__).resolve().parent.parent


def _cards_with(change) -> list[dict]:
    cards = copy.deepcopy(CARDS)
    change(cards[0])
    return cards


@pytest.fixture
def knowledge(tmp_path: Path) -> Path:
    return write_corpus(tmp_path / "knowledge")


def test_valid_cards_load(knowledge):
    write_cards(knowledge)
    loaded = load_cards(knowledge)
    assert sorted(loaded.cards) == ["horizon-cofinancing", "horizon-join"]
    assert loaded.problems == []
    assert loaded.cards["horizon-join"].text("uk").startswith("Громада")


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda c: c["answer"].__setitem__("pl", c["answer"]["pl"] + " Koszt: 45 %."), "45%"),
        (lambda c: c["answer"].__setitem__("en", "Write to x@evil.example."), "x@evil.example"),
        (lambda c: c["answer"].__setitem__("fr", "Voir https://evil.example/x"), "evil.example"),
        (lambda c: c["answer"].pop("uk"), "missing translation: uk"),
        (lambda c: c["sources"][0].__setitem__("passage", "Phrase absente du PDF."), "not found"),
        (lambda c: c["sources"][0].__setitem__("page", 2), "not found in programme/guide.pdf"),
        (lambda c: c["sources"][0].__setitem__("file", "../../etc/passwd"), "does not exist"),
        (lambda c: c.__setitem__("id", "Bad Id!"), "id"),
    ],
)
def test_a_bad_card_is_rejected_with_file_card_and_field_and_the_others_load(
    knowledge, change, expected
):
    write_cards(knowledge, _cards_with(change))
    loaded = load_cards(knowledge)
    assert list(loaded.cards) == ["horizon-cofinancing"]
    assert any(expected in p and p.startswith("answers/cards.yaml: card") for p in loaded.problems)


def test_figures_are_compared_by_value_not_by_spelling(knowledge):
    def spaced(card):
        card["answer"]["fr"] = "Signature avant le 15 mars 2027 (cofinancement : 40%)."
        card["sources"].append(
            {"file": "programme/guide.pdf", "page": 2, "passage": "à hauteur de 40 %"}
        )

    write_cards(knowledge, _cards_with(spaced))
    assert "horizon-join" in load_cards(knowledge).cards


def test_duplicate_ids_unknown_related_and_a_file_that_is_not_a_list(knowledge):
    write_cards(knowledge, [*CARDS, CARDS[1]])
    (knowledge / "answers" / "broken.yaml").write_text("id: not-a-list\n", encoding="utf-8")
    unknown = copy.deepcopy(CARDS[1]) | {"id": "other", "related": ["nowhere"]}
    write_cards(knowledge, [unknown], name="more.yaml")
    loaded = load_cards(knowledge)
    assert sorted(loaded.cards) == ["horizon-cofinancing", "horizon-join", "other"]
    assert loaded.cards["other"].related == []
    problems = "\n".join(loaded.problems)
    assert "already used" in problems
    assert "answers/broken.yaml: the file must hold a list of cards" in problems
    assert "related: unknown card nowhere" in problems


def test_the_shipped_cards_all_pass_their_checks():
    loaded = load_cards(REPO / "knowledge")
    assert loaded.problems == []
    assert len(loaded.cards) >= 40
    for card in loaded.cards.values():
        assert set(card.answer) == {"fr", "en", "uk", "pl"}


def test_cards_check_command_exits_1_on_a_bad_card(knowledge, monkeypatch, capsys):
    monkeypatch.setenv("INSPIRE_KNOWLEDGE_DIR", str(knowledge))
    write_cards(knowledge)
    assert main(["cards", "check"]) == 0
    write_cards(knowledge, _cards_with(lambda c: c["answer"].__setitem__("en", "At 99 %.")))
    assert main(["cards", "check"]) == 1
    out = capsys.readouterr().out
    assert "answer.en: not in the cited passages: 99%" in out
    assert "1 valid cards, 1 problems." in out


@pytest.fixture(scope="module")
def carded(tmp_path_factory, e5):
    root = tmp_path_factory.mktemp("carded")
    write_cards(write_corpus(root / "knowledge"))
    settings = Settings(knowledge_dir=root / "knowledge", data_dir=root / "var", _env_file=None)  # type: ignore[call-arg]
    service = Assistant(settings, e5)
    service.initialize()
    yield service
    service.shutdown()


@pytest.mark.parametrize(
    ("question", "lang", "card", "words"),
    [
        ("Як наша громада може долучитися до Horizon?", "uk", "horizon-join", "березня 2027"),
        ("Jak przystąpić do sieci Horizon?", "pl", "horizon-join", "marca 2027"),
        ("How much of our actions does the ministry pay for?", "en", "horizon-cofinancing", "40 %"),
    ],
)
def test_a_card_answers_in_the_users_language_with_its_citation(
    carded, question, lang, card, words
):
    answer = carded.answer(question)
    assert (answer.path, answer.card, answer.language) == ("card", card, lang)
    assert words in answer.answer and answer.answer.endswith("[1]")
    assert answer.sources[0].path == "programme/guide.pdf" and answer.sources[0].page in (1, 2)


def test_no_card_for_an_off_topic_question_nor_for_what_cards_do_not_cover(carded):
    assert carded.answer("Quelle est la recette de la tarte aux pommes ?").path == "abstain"
    covered_elsewhere = carded.answer("Où se réserve l'exposition sur les volcans ?")
    assert covered_elsewhere.path == "extractive" and "volcans" in covered_elsewhere.answer


def test_a_question_about_another_funding_scheme_is_not_answered_by_a_card(carded):
    own = carded.answer("What share of our actions does the ministry co-finance?")
    assert own.path == "card"
    other = carded.answer("What share of CERV town twinning actions does the ministry co-finance?")
    assert other.path != "card" and other.card is None
    # a word that only begins like a scheme's name ("interregional") names none
    near = carded.answer("What share of our interregional actions does the ministry co-finance?")
    assert near.path == "card"
    # the programme itself, named beside another scheme, is still answered by its cards
    ours = carded.answer("Beside CERV, what share of our actions does the programme co-finance?")
    assert ours.path == "card"
    theirs = carded.answer("What share of our actions does the CERV programme co-finance?")
    assert theirs.path != "card"
    quoted = carded.answer('What share of our actions does the programme "CERV" co-finance?')
    assert quoted.path != "card"


def test_a_card_the_reader_already_has_can_be_left_out(carded):
    question = "Jak przystąpić do sieci Horizon?"
    assert carded.answer(question).card == "horizon-join"
    assert carded.answer(question, besides="horizon-join").card != "horizon-join"


def test_a_related_card_is_offered_and_answers_on_its_own(carded):
    answer = carded.answer("Comment adhérer au réseau Horizon ?")
    assert answer.related == ["horizon-cofinancing"]
    related = carded.card_answer("horizon-cofinancing", "pl")
    assert related is not None and "40 %" in related.answer and related.language == "pl"
    assert carded.card_label("horizon-cofinancing", "en") == (
        "What share of our actions does the ministry co-finance?"
    )


def test_a_near_card_answers_a_foreign_reader_rather_than_french_quotes(carded, e5):
    def assistant(**changes: object) -> Assistant:
        service = Assistant(carded.settings.model_copy(update={"card_floor": 9.0, **changes}), e5)
        service.initialize()
        return service

    rescuing, plain = assistant(card_rescue_floor=1.0), assistant(card_rescue_floor=0.0)
    # a card no closer to the question than the off-topic background does not rescue either
    wary = assistant(card_rescue_floor=1.0, card_rescue_background_margin=0.5)
    try:
        polish = rescuing.answer("Jak przystąpić do sieci Horizon?")
        assert (polish.path, polish.card, polish.language) == ("card", "horizon-join", "pl")
        assert plain.answer("Jak przystąpić do sieci Horizon?").path == "extractive"
        assert wary.answer("Jak przystąpić do sieci Horizon?").path == "extractive"
        french = rescuing.answer("Comment adhérer au réseau Horizon ?")  # quotes are its own
        assert french.path == "extractive"
        assert rescuing.answer("Quelle est la recette de la tarte aux pommes ?").abstained
    finally:
        rescuing.shutdown()
        plain.shutdown()
        wary.shutdown()


class _ScoredIndex:
    """An index whose card scores are given (the matcher's arithmetic, without a model)."""

    def __init__(self, cards: dict[str, Card], scores: dict[str, CardScores]) -> None:
        self.cards, self._scores = cards, scores

    def card_scores(self, query: str, vector: object) -> dict[str, CardScores]:
        return self._scores

    def background_similarity(self, vector: object) -> float:
        return 0.5


@pytest.mark.parametrize(("related", "sibling"), [(["b"], True), ([], False)])
def test_the_runner_up_is_a_sibling_only_when_the_winner_offers_it(related, sibling):
    def card(card_id: str, offers: list[str]) -> Card:
        return Card.model_validate({**CARDS[0], "id": card_id, "related": offers})

    cards = {"a": card("a", related), "b": card("b", ["a"])}
    close = {"a": CardScores(0.930, 0.9, 1.0), "b": CardScores(0.928, 0.9, 1.0)}
    retriever = SimpleNamespace(index=_ScoredIndex(cards, close))
    match = Answerer(retriever, Settings()).best_card("q", [1.0])  # type: ignore[arg-type]
    assert match is not None and match.card.id == "a" and match.sibling is sibling
    assert match.decisive(Settings()) is sibling  # the lead is below the margin


def test_a_near_tie_answers_only_between_related_cards():
    def match(second: float, sibling: bool) -> CardMatch:
        card = Card.model_validate(CARDS[0])
        return CardMatch(card, score=1.40, second=second, over_background=0.1, sibling=sibling)

    settings = Settings()
    assert match(second=1.30, sibling=False).decisive(settings)
    assert not match(second=1.395, sibling=False).decisive(settings)  # which one? quote instead
    assert match(second=1.395, sibling=True).decisive(settings)  # the other one is a button
