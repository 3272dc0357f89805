"""BM25 over the chunks (``bm25s``), with accents folded and French + English stemming."""

from __future__ import annotations

import json
import logging
import re
from functools import lru_cache
from pathlib import Path

import bm25s
import numpy as np
import Stemmer

from ..text import fold

_TOKEN = re.compile(r"[^\W_]{2,}|\d+")
_STOPWORDS = set(
    fold(
        "au aux avec ce ces cet cette dans de des du elle en est et eux il ils je la le les leur "
        "leurs lui ma mais me mes moi mon ne nos notre nous on ou par pas pour qu que qui sa se "
        "ses son sur ta te tes toi ton tu un une vos votre vous y été être avoir sont peut comment "
        "quel quelle quels quelles quoi est-ce a an and are as at be by can do does for from how "
        "i in is it its my of on or our that the their this to was what when where which who why "
        "will with you your"
    ).split()
)
_IDS_FILE = "chunk_ids.json"


@lru_cache(maxsize=1)
def _stemmers() -> tuple[Stemmer.Stemmer, Stemmer.Stemmer]:
    return Stemmer.Stemmer("french"), Stemmer.Stemmer("english")


def tokenize(text: str) -> list[str]:
    """Folded, stop-worded tokens, each stemmed for French and for English (both kept)."""
    french, english = _stemmers()
    words = [w for w in _TOKEN.findall(fold(text)) if w not in _STOPWORDS]
    tokens: list[str] = []
    for word, fr, en in zip(words, french.stemWords(words), english.stemWords(words), strict=True):
        tokens.append(fr)
        if en != fr and not word.isdigit():
            tokens.append(en)
    return tokens


class LexicalIndex:
    """A BM25 index whose documents are chunk ids; search can be restricted to a subset."""

    def __init__(self, model: bm25s.BM25, ids: list[str]) -> None:
        self._model = model
        self.ids = ids
        self._vocab: dict[str, int] = model.vocab_dict

    @classmethod
    def build(cls, ids: list[str], texts: list[str]) -> LexicalIndex:
        logging.getLogger("bm25s").setLevel(logging.WARNING)  # it sets itself to DEBUG
        model = bm25s.BM25()
        # an empty document list or empty documents are legal: bm25s indexes a placeholder token
        model.index([tokenize(t) or [""] for t in texts] or [[""]], show_progress=False)
        return cls(model, list(ids))

    def save(self, folder: Path) -> None:
        self._model.save(str(folder), show_progress=False)
        (folder / _IDS_FILE).write_text(json.dumps(self.ids), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> LexicalIndex:
        model = bm25s.BM25.load(str(folder), show_progress=False)
        ids = json.loads((folder / _IDS_FILE).read_text(encoding="utf-8"))
        return cls(model, ids)

    def search(self, query: str, k: int, mask: np.ndarray | None = None) -> list[tuple[str, float]]:
        """Best ``k`` chunk ids with a positive score; ``mask`` (0/1 per id) filters."""
        tokens = [t for t in tokenize(query) if t in self._vocab]
        if not tokens or not self.ids:
            return []
        scores = self._model.get_scores(tokens)
        if mask is not None:
            scores = scores * mask
        k = min(k, len(self.ids))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top])]
        return [(self.ids[i], float(scores[i])) for i in top if scores[i] > 0]
