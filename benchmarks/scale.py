"""How retrieval cost grows with the corpus: synthetic corpora of 1,000 to 100,000 chunks.

The texts are random words drawn with a Zipf law; the vectors come from a hashing embedder (a
unit vector seeded by the text), so the figures measure the index (Chroma HNSW + BM25 + fusion +
sentence look-up), not the embedding model, whose query cost is in latency.py.

    python benchmarks/scale.py [--sizes 1000 10000 100000] [--queries 200]
"""

from __future__ import annotations

import argparse
import hashlib
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._common import machine, peak_rss_mb, percentile
from bot.answering import Answerer
from bot.config import Settings
from bot.index.chunking import Chunk
from bot.index.generations import new_generation
from bot.index.store import IndexWriter, KnowledgeIndex
from bot.retrieval import Retriever

DIM = 384


class HashingEmbeddings(Embeddings):
    """A deterministic unit vector per text: fast, and as hard for HNSW as real vectors."""

    def _vector(self, text: str) -> list[float]:
        seed = int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "little")
        vector = np.random.default_rng(seed).standard_normal(DIM).astype(np.float32)
        return (vector / np.linalg.norm(vector)).tolist()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [self._vector(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._vector(text)


def vocabulary(size: int, rng: random.Random) -> list[str]:
    syllables = ["ba", "co", "di", "fu", "ga", "li", "mo", "ne", "pa", "ri", "so", "tu", "ve", "zo"]
    words = {"".join(rng.choices(syllables, k=rng.randint(2, 4))) for _ in range(size * 2)}
    return sorted(words)[:size]


def corpus(n: int, words: list[str], rng: random.Random) -> list[Chunk]:
    weights = [1 / (rank + 1) for rank in range(len(words))]
    chunks = []
    for i in range(n):
        text = " ".join(rng.choices(words, weights, k=14)).capitalize() + "."
        kind = "call" if i % 5 == 0 else "programme"
        chunks.append(
            Chunk(
                f"synthetic/{i // 50}.md:0:{i % 50}",
                text,
                f"synthetic/{i // 50}.md",
                "Synthetic",
                "",
                0,
                "",
                kind,
                "2026-11-26",
            )
        )
    return chunks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()

    rng = random.Random(7)
    words = vocabulary(5000, rng)
    embeddings = HashingEmbeddings()
    # abstention off: measure the full path (sentence look-up and selection) on every query
    settings = Settings(abstain_margin=-1.0, abstain_floor=0.0, _env_file=None)  # type: ignore[call-arg]
    print(f"machine: {machine()}")
    print(f"{args.queries} queries per size; times in ms\n")
    header = (
        f"{'chunks':>8}  {'build s':>8}  {'hybrid p50':>10}  {'hybrid p95':>10}  "
        f"{'dense p95':>9}  {'bm25 p95':>8}  {'answer p95':>10}  {'RSS MB':>7}"
    )
    print(header)
    print("-" * len(header))
    for size in args.sizes:
        root = Path(tempfile.mkdtemp(prefix="inspire-scale-"))
        try:
            started = time.perf_counter()
            generation = new_generation(root)
            writer = IndexWriter(generation, embeddings)
            writer.add(corpus(size, words, rng))
            writer.finish()
            build = time.perf_counter() - started
            index = KnowledgeIndex(generation, embeddings)
            retriever = Retriever(index, embeddings)
            answerer = Answerer(retriever, settings)
            queries = [" ".join(rng.choices(words[:2000], k=6)) for _ in range(args.queries)]
            timings: dict[str, list[float]] = {"hybrid": [], "dense": [], "bm25": [], "answer": []}
            for query in queries[:5]:
                retriever.search(query)
            for query in queries:
                vector = embeddings.embed_query(query)
                for mode in ("hybrid", "dense", "bm25"):
                    t0 = time.perf_counter()
                    retriever.search(query, mode=mode, vector=vector)  # type: ignore[arg-type]
                    timings[mode].append((time.perf_counter() - t0) * 1000)
                t0 = time.perf_counter()
                answerer.answer(query)
                timings["answer"].append((time.perf_counter() - t0) * 1000)
            index.close()
        finally:
            shutil.rmtree(root, ignore_errors=True)
        p95 = {mode: percentile(values, 95) for mode, values in timings.items()}
        print(
            f"{size:>8}  {build:>8.1f}  {percentile(timings['hybrid'], 50):>10.1f}  "
            f"{p95['hybrid']:>10.1f}  {p95['dense']:>9.1f}  {p95['bm25']:>8.1f}  "
            f"{p95['answer']:>10.1f}  {peak_rss_mb():>7.0f}"
        )
    print("\ntarget: hybrid retrieval p95 <= 100 ms at 100,000 chunks")


if __name__ == "__main__":
    main()
