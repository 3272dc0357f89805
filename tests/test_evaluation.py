"""The gold set and the evaluation through the whole conversation."""

from pathlib import Path

import pytest
import yaml

from bot.assistant import Assistant
from bot.quality import Evaluator, GoldItem, format_tables, load_gold, tables

REPO = Path(__file__).resolve().parent.parent


def test_gold_set_is_large_multilingual_and_split():
    gold = load_gold(REPO / "benchmarks" / "gold.yaml")
    assert len(gold) >= 150
    count = {lang: sum(g.lang == lang for g in gold) for lang in ("fr", "en", "uk", "pl")}
    assert count["fr"] >= 60 and min(count["en"], count["uk"], count["pl"]) >= 30
    test = [g for g in gold if g.split == "test"]
    assert len(test) >= 100 and {g.lang for g in test} == {"fr", "en", "uk", "pl"}
    intents = {g.intent for g in test}
    assert intents >= {"question", "contact", "funding", "smalltalk", "off_topic", "injection"}
    assert any(g.context for g in test)  # follow-ups
    questions = [g for g in gold if g.intent == "question"]
    assert all(g.facts for g in questions)
    # a question the brochure cannot answer has referral words for facts and no page
    assert sum(not g.source for g in questions) < len(questions) // 10


def test_evaluator_scores_each_path_and_the_baseline(built_corpus, e5, tmp_path):
    settings = built_corpus.model_copy(
        update={"referents_file": REPO / "knowledge" / "referents.yaml"}
    )
    path = tmp_path / "gold.yaml"
    items = [
        {
            "q": "Comment adhérer au réseau Horizon ?",
            "source": "programme/guide.pdf",
            "page": 1,
            "facts": ["lettre d'engagement"],
        },
        {
            "q": "et avant quelle date ?",
            "context": "Comment adhérer au réseau Horizon ?",
            "source": "programme/guide.pdf",
            "page": 1,
            "facts": ["15 mars 2027"],
        },
        {"q": "Quelle est la recette de la tarte aux pommes ?", "intent": "off_topic"},
        {"q": "Merci beaucoup !", "intent": "smalltalk"},
        {"q": "44150", "intent": "contact", "network": "pdlci"},
        {
            "q": "How to join Horizon?",
            "lang": "en",
            "source": "programme/guide.pdf",
            "page": 1,
            "facts": ["lettre"],
        },
        {
            "q": "I would like to talk to an adviser, we are in 44150",
            "lang": "en",
            "intent": "contact",
            "network": "pdlci",
        },
        # unanswerable on-topic questions: a referral is right, even as an "I don't know"…
        {"q": "Quelle est la recette de la tarte aux pommes ?", "facts": ["référent"]},
        # …but not where the documents answer (a source is given)
        {
            "q": "Quelle est la recette de la tarte aux pommes ?",
            "facts": ["référent"],
            "source": "programme/guide.pdf",
            "page": 1,
        },
    ]
    path.write_text(yaml.safe_dump(items, allow_unicode=True), encoding="utf-8")
    assistant = Assistant(settings, e5)
    assistant.initialize()
    evaluator = Evaluator(assistant)
    try:
        outcomes = evaluator.run(load_gold(path))
    finally:
        evaluator.close()
        assistant.shutdown()
    assert [o.correct for o in outcomes[:5]] == [True, True, True, True, True]
    assert [o.path for o in outcomes[2:5]] == ["abstain", "smalltalk", "contact"]
    english = outcomes[5]
    assert english.path == "extractive" and not english.in_language  # a French quote
    routed = outcomes[6]  # the network's page, written in English
    assert routed.path == "contact" and routed.correct and routed.in_language
    referral, answerable = outcomes[7], outcomes[8]
    assert referral.abstained and referral.correct
    assert answerable.abstained and not answerable.correct
    assert outcomes[0].baseline_correct and not outcomes[2].baseline_correct
    rows = tables(outcomes)
    assert [r.name for r in rows] == ["fr", "en", "all"]
    assert rows[-1].abstain_recall == 1.0 and rows[-1].paths["abstain"] == 3
    assert "baseline" in format_tables("test", rows)


def test_shipped_knowledge_answers_the_founding_questions(shipped_index, e5):
    assistant = Assistant(shipped_index, e5)
    assistant.initialize()
    try:
        join = assistant.answer("Comment ma commune peut-elle rejoindre INSPIRE ?")
        assert join.path == "card" and "référent" in join.answer
        assert join.sources[0].path == "programme/inspire-programme.pdf"
        assert join.sources[0].page == 4
        rate = assistant.answer("Скільки відсотків співфінансування отримують дії громад?")
        assert rate.path == "card" and rate.language == "uk" and "30 %" in rate.answer
        # a follow-up that stands on its own gets its own card, not the previous topic's
        cost = assistant.answer("et combien ça coûte ?", context="C'est quoi un RRMA ?")
        assert cost.card == "join-cost"
        cost = assistant.answer(
            "і скільки це коштує?", context="Як наша громада може приєднатися до INSPIRE?"
        )
        assert cost.card == "join-cost" and cost.language == "uk"
    finally:
        assistant.shutdown()


def test_no_context_leaks_from_one_run_of_the_evaluator_to_the_next(built_corpus, e5):
    settings = built_corpus.model_copy(
        update={"referents_file": REPO / "knowledge" / "referents.yaml"}
    )
    assistant = Assistant(settings, e5)
    assistant.initialize()
    evaluator = Evaluator(assistant)
    try:
        evaluator.run([GoldItem(q="Comment adhérer au réseau Horizon ?", split="dev")])
        [later] = evaluator.run([GoldItem(q="et avant quelle date ?", facts=["15 mars 2027"])])
        follow_up = GoldItem(
            q="et avant quelle date ?",
            context="Comment adhérer au réseau Horizon ?",
            facts=["15 mars 2027"],
        )
        [paired] = evaluator.run([follow_up])  # the control: with its question, it is answered
    finally:
        evaluator.close()
        assistant.shutdown()
    assert not later.correct  # read alone, as a new user would send it
    assert paired.correct


@pytest.mark.parametrize(
    ("facts", "reply", "expected"),
    [
        (["październik 2022"], "potwierdzenie w październiku 2022 r.", True),
        (["wojna w Ukrainie"], "powstał w odpowiedzi na wojnę w Ukrainie", True),
        (["partenariat existant"], "pour des partenariats existants", True),
        (["30 %"], "cofinancées à hauteur de 30%", True),
        (["30%"], "à hauteur de 300 %", False),  # figures are never stretched
        (["ewolucyjn"], "program ewoluujący", False),  # another word, not another ending
        (["Tchernihiv"], "la région de Kharkiv", False),
    ],
)
def test_a_fact_is_found_whatever_the_endings_of_its_words(facts, reply, expected):
    assert GoldItem(q="…", facts=facts).has_fact(reply) is expected
