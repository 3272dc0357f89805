import numpy as np

from bot.index.lexical import LexicalIndex, tokenize


def test_tokens_are_folded_stemmed_and_stopworded():
    assert set(tokenize("financement")) & set(tokenize("Financés"))
    assert set(tokenize("COOPÉRATION")) == set(tokenize("cooperation"))
    assert "le" not in tokenize("le programme")


def test_search_ranks_filters_and_survives_a_round_trip(tmp_path):
    index = LexicalIndex.build(
        ["a", "b", "c"],
        [
            "Le ministère cofinance les actions des communes.",
            "Exposition itinérante sur les volcans.",
            "Cofinancement des délégations envoyées en Moldavie.",
        ],
    )
    assert [cid for cid, _ in index.search("cofinancement des communes", 3)][:1] == ["a"]
    assert index.search("volcan", 3)[0][0] == "b"
    masked = index.search("cofinancement", 3, np.array([0.0, 1.0, 1.0], dtype=np.float32))
    assert [cid for cid, _ in masked] == ["c"]
    assert index.search("zzzz inconnu", 3) == []
    index.save(tmp_path)
    again = LexicalIndex.load(tmp_path)
    assert again.search("volcans", 1) == index.search("volcans", 1)
