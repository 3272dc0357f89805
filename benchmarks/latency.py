"""Speed and memory of the embedded default, on the knowledge shipped with the project.

Prints: warm ask latency (in-process), cold `inspire-bot ask` wall time with an existing index,
full ingest time, unchanged re-ingest time, and peak memory. Targets from the foundation issue.

    python benchmarks/latency.py [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._common import machine, peak_rss_mb, percentile, table
from bot.assistant import Assistant
from bot.config import Settings

REPO = Path(__file__).resolve().parent.parent
QUESTION = "Comment ma commune peut-elle rejoindre INSPIRE ?"


def _run(args: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="passes over the gold questions")
    args = parser.parse_args()

    root = Path(tempfile.mkdtemp(prefix="inspire-bench-"))
    try:
        shutil.copytree(REPO / "knowledge", root / "knowledge")
        env = dict(os.environ)
        env.update(
            INSPIRE_KNOWLEDGE_DIR=str(root / "knowledge"), INSPIRE_DATA_DIR=str(root / "var")
        )

        full_ingest = _run(["ingest", "--rebuild"], env)
        reingest = sorted(_run(["ingest"], env) for _ in range(3))[1]
        cold = [_run(["ask", QUESTION, "--json"], env) for _ in range(5)]
        child_rss = peak_rss_mb(children=True)

        gold = yaml.safe_load((REPO / "benchmarks" / "gold.yaml").read_text(encoding="utf-8"))
        questions = [item["q"] for item in gold]
        settings = Settings(knowledge_dir=root / "knowledge", data_dir=root / "var", _env_file=None)  # type: ignore[call-arg]
        assistant = Assistant(settings)
        assistant.initialize()
        for question in questions[:3]:
            assistant.answer(question)
        latencies = []
        started = time.perf_counter()
        for _ in range(args.rounds):
            for question in questions:
                t0 = time.perf_counter()
                assistant.answer(question)
                latencies.append((time.perf_counter() - t0) * 1000)
        elapsed = time.perf_counter() - started
        assistant.shutdown()
        own_rss = peak_rss_mb()
    finally:
        shutil.rmtree(root, ignore_errors=True)

    def mark(ok: bool) -> str:
        return "✓" if ok else "✗"

    p50, p95 = percentile(latencies, 50), percentile(latencies, 95)
    cold_median = sorted(cold)[len(cold) // 2]
    rss = max(own_rss, child_rss)
    print(f"machine: {machine()}")
    print(f"warm asks: {len(latencies)} ({len(questions)} gold questions × {args.rounds})\n")
    print(
        table(
            [
                ("warm ask p50 (in-process)", f"{p50:.1f} ms", ""),
                ("warm ask p95 (in-process)", f"{p95:.1f} ms {mark(p95 <= 50)}", "<= 50 ms"),
                ("warm throughput", f"{len(latencies) / elapsed:.0f} answers/s", ""),
                (
                    "cold CLI ask (median of 5)",
                    f"{cold_median:.2f} s {mark(cold_median <= 3)}",
                    "<= 3 s",
                ),
                ("cold CLI ask (worst of 5)", f"{max(cold):.2f} s", ""),
                (
                    "full ingest (CLI, --rebuild)",
                    f"{full_ingest:.1f} s {mark(full_ingest <= 60)}",
                    "<= 60 s",
                ),
                ("unchanged re-ingest (CLI)", f"{reingest:.2f} s {mark(reingest <= 3)}", "<= 3 s"),
                (
                    "peak RSS (CLI runs / in-process)",
                    f"{child_rss:.0f} / {own_rss:.0f} MB {mark(rss <= 600)}",
                    "<= 600 MB",
                ),
            ]
        )
    )
    print(
        "\n"
        + json.dumps(
            {
                "p50_ms": p50,
                "p95_ms": p95,
                "cold_s": cold_median,
                "ingest_s": full_ingest,
                "reingest_s": reingest,
                "rss_mb": rss,
            }
        )
    )


if __name__ == "__main__":
    main()
