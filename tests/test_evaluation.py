from pathlib import Path

import yaml

from bot.evaluation import evaluate, format_table, load_gold

REPO = Path(__file__).resolve().parent.parent


def test_gold_set_is_large_and_multilingual():
    gold = load_gold(REPO / "benchmarks" / "gold.yaml")
    answerable = [g for g in gold if not g.abstain]
    assert len(answerable) >= 40
    assert {g.lang for g in answerable} >= {"fr", "en", "uk", "pl"}
    assert sum(g.abstain for g in gold) >= 10
    assert all(g.source and g.fact for g in answerable)


def test_evaluate_scores_a_small_gold_set(assistant, tmp_path):
    path = tmp_path / "gold.yaml"
    path.write_text(
        yaml.safe_dump(
            [
                {
                    "q": "Comment adhérer au réseau Horizon ?",
                    "source": "programme/guide.pdf",
                    "page": 1,
                    "fact": "lettre d'engagement",
                },
                {
                    "q": "Quel montant pour le jumelage de villes test 2027 ?",
                    "source": "calls/calls.yaml",
                    "call": "test-twinning-2027",
                    "fact": "12 345",
                },
                {"q": "Quelle est la recette de la tarte aux pommes ?", "abstain": True},
            ],
            allow_unicode=True,
        ),
        encoding="utf-8",
    )
    scores = evaluate(assistant, load_gold(path), "hybrid")
    assert scores.hit_at_3 == 1.0
    assert scores.fact_share == 1.0
    assert scores.abstain_recall == 1.0
    assert scores.abstain_precision == 1.0
    assert "hybrid" in format_table([scores])


def test_shipped_knowledge_answers_the_founding_questions(shipped_index, e5):
    from bot.assistant import Assistant

    assistant = Assistant(shipped_index, e5)
    assistant.initialize()
    answer = assistant.answer("Comment ma commune peut-elle rejoindre INSPIRE ?")
    assert "référent de votre RRMA" in answer.answer
    assert answer.sources[0].path == "programme/inspire-programme.pdf"
    assert answer.sources[0].page == 4
    rate = assistant.answer("Quel est le taux de cofinancement des actions des collectivités ?")
    assert "30%" in rate.answer
    assistant.shutdown()
