import pytest

from bot.retrieval import reciprocal_rank_fusion


def test_rrf_rewards_agreement():
    fused = reciprocal_rank_fusion([["a", "b", "c"], ["b", "d"]], k=60)
    assert [item for item, _ in fused] == ["b", "a", "d", "c"]
    assert fused[0][1] == pytest.approx(1 / 62 + 1 / 61)


@pytest.mark.parametrize("mode", ["hybrid", "dense", "bm25"])
def test_each_mode_finds_the_page(assistant, mode):
    retriever = assistant.answerer.retriever
    hits = retriever.search(
        "Quel est le taux de cofinancement des actions des communes ?", mode=mode
    )
    assert hits[0].chunk.source == "programme/guide.pdf"
    assert hits[0].chunk.page == 2


def test_hybrid_hits_carry_both_scores(assistant):
    hits = assistant.answerer.retriever.search("exposition itinérante volcans")
    assert hits[0].chunk.source == "programme/exposition.md"
    assert hits[0].similarity is not None and hits[0].bm25 is not None


def test_kind_filter(assistant):
    retriever = assistant.answerer.retriever
    calls = retriever.search("cofinancement", kind="call")
    assert calls and {h.chunk.kind for h in calls} == {"call"}
    programme = retriever.search("jumelage", kind="programme")
    assert {h.chunk.kind for h in programme} == {"programme"}


def test_unknown_mode_is_an_error(assistant):
    with pytest.raises(ValueError, match="valid modes: hybrid, dense, bm25"):
        assistant.answerer.retriever.search("x", mode="magic")  # type: ignore[arg-type]
