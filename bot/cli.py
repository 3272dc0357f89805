"""The ``inspire-bot`` command line: ``ask``, ``ingest``, ``cards``, ``calls``, ``referent``,
``run``, ``chat``, ``eval`` and ``db``."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from .answering import Answer
from .assistant import Assistant
from .calls import AUTHORITY_TYPES
from .config import Settings, load_settings
from .errors import InspireError
from .language import SUPPORTED
from .logs import use_log_format
from .messages import message
from .redaction import install_redaction

if TYPE_CHECKING:
    from .matching import Suggestion

log = logging.getLogger("inspire-bot")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="inspire-bot", description="Assistant for the INSPIRE programme."
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log more")
    commands = parser.add_subparsers(dest="command", required=True)

    ask = commands.add_parser("ask", help="answer a question from the knowledge index")
    ask.add_argument("question", nargs="?", help="the question (omit with --batch)")
    ask.add_argument("--lang", choices=SUPPORTED, help="answer language (default: detected)")
    ask.add_argument("--json", action="store_true", help="print one JSON object per answer")
    ask.add_argument(
        "--batch", metavar="FILE", help='one question per line (plain or {"q": …}); - for stdin'
    )

    ingest = commands.add_parser("ingest", help="build or refresh the index from knowledge/")
    ingest.add_argument("--rebuild", action="store_true", help="re-embed everything")

    calls = commands.add_parser("calls", help="funding calls: suggestions and portal refresh")
    calls_commands = calls.add_subparsers(dest="calls_command", required=True)
    suggest = calls_commands.add_parser("suggest", help="calls that fit a project description")
    suggest.add_argument("description")
    suggest.add_argument("--country", help="the applicant's country (ISO code, e.g. FR)")
    suggest.add_argument("--partner-country", help="the partner's country (ISO code, e.g. UA)")
    suggest.add_argument("--authority", choices=AUTHORITY_TYPES, help="type of applicant")
    suggest.add_argument("--json", action="store_true", help="print one JSON object")
    calls_commands.add_parser("refresh", help="fetch the EU portal's open and forthcoming calls")

    cards = commands.add_parser("cards", help="answer cards: check them, find what they miss")
    cards_commands = cards.add_subparsers(dest="cards_command", required=True)
    cards_commands.add_parser("check", help="validate every card of knowledge/answers/")
    missing = cards_commands.add_parser(
        "suggest", help="gold and 👎 questions that no card answers (the staff's to-do list)"
    )
    missing.add_argument("--gold", default="benchmarks/gold.yaml", help="gold question file")

    referent = commands.add_parser("referent", help="which regional network serves a place")
    referent.add_argument("text", help="a postal code, département, region or commune")
    referent.add_argument("--json", action="store_true", help="print one JSON object")

    run = commands.add_parser("run", help="run the Telegram bot (long polling by default)")
    run.add_argument("--webhook", action="store_true", help="serve PTB's webhook instead")
    commands.add_parser("chat", help="talk to the assistant in this terminal (no Telegram)")

    db = commands.add_parser("db", help="the database schema (migrated at every start too)")
    db_commands = db.add_subparsers(dest="db_command", required=True)
    db_commands.add_parser("upgrade", help="migrate the database to the latest revision")
    db_commands.add_parser("current", help="print the revision the database is at")
    revision = db_commands.add_parser(
        "revision", help="write a new revision from the models' changes (for developers)"
    )
    revision.add_argument("message", help="what the revision changes, in a few words")

    evaluate = commands.add_parser("eval", help="retrieval and answer quality on a gold set")
    evaluate.add_argument("--gold", default="benchmarks/gold.yaml", help="gold question file")
    evaluate.add_argument("--json", action="store_true", help="print the figures as JSON")
    evaluate.add_argument(
        "--generated",
        action="store_true",
        help="measure generated answers (needs INSPIRE_LLM_PROVIDER; skipped without one)",
    )
    evaluate.add_argument(
        "--split",
        choices=("dev", "test", "both"),
        default="both",
        help="which half of the gold set (tune on dev, report test)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit status."""
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        settings = load_settings()
        install_redaction(settings)
        use_log_format(settings)
        if args.command == "ingest":
            return _ingest(settings, args.rebuild)
        if args.command == "calls":
            return _calls(settings, args)
        if args.command == "cards":
            return _cards(settings, args)
        if args.command == "referent":
            return _referent(settings, args.text, args.json)
        if args.command == "run":
            return _run(settings, args.webhook)
        if args.command == "db":
            return _db(settings, args.db_command, getattr(args, "message", ""))
        if args.command == "chat":
            from .services import Services
            from .terminal import chat

            chat(Services(settings))
            return 0
        if args.command == "eval":
            from .evaluation import run_evaluation

            if args.generated and settings.llm_provider.strip().lower() == "none":
                print(
                    "Generated mode skipped: no language model is configured "
                    "(set INSPIRE_LLM_PROVIDER, INSPIRE_LLM_MODEL and INSPIRE_LLM_API_URL)."
                )
                return 0
            splits = ("dev", "test") if args.split == "both" else (args.split,)
            return run_evaluation(settings, Path(args.gold), as_json=args.json, splits=splits)
        return _ask(settings, args)
    except InspireError as exc:
        print(f"inspire-bot: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception:  # logged through the redaction filter: no secret in the traceback
        log.critical("inspire-bot stopped on an unexpected error", exc_info=True)
        return 1


def _cards(settings: Settings, args: argparse.Namespace) -> int:
    """``cards check``: every card valid (exit 1 otherwise); ``cards suggest``: what no card
    answers, from the gold set and the 👎 votes."""
    from .cards import load_cards

    if args.cards_command == "check":
        checked = load_cards(settings.knowledge_dir)
        for problem in checked.problems:
            print(f"problem: {problem}")
        print(f"{len(checked.cards)} valid cards, {len(checked.problems)} problems.")
        return 1 if checked.problems else 0
    from .db import Database
    from .quality import load_gold

    gold = Path(args.gold)
    questions = [(g.q, g.lang, "gold") for g in load_gold(gold) if g.intent == "question"]
    database = Database(settings.database)
    database.initialize()
    try:
        questions += [(q, lang, "👎") for q, lang in database.disliked_questions()]
    finally:
        database.shutdown()
    assistant = Assistant(settings)
    assistant.initialize()
    unanswered = [(q, lang, origin) for q, lang, origin in questions if not assistant.has_card(q)]
    assistant.shutdown()
    for q, lang, origin in unanswered:
        print(f"{origin}\t{lang}\t{q}")
    print(f"{len(unanswered)} of {len(questions)} questions have no card.", file=sys.stderr)
    return 0


def _calls(settings: Settings, args: argparse.Namespace) -> int:
    from .aides_territoires import CREDIT as AIDES_CREDIT
    from .matching import Matcher, Profile, load_call_folder
    from .portal import refresh_calls

    assistant = Assistant(settings)
    if args.calls_command == "refresh":
        refresh = refresh_calls(settings, assistant, progress=sys.stderr.isatty())
        for problem in refresh.problems:
            print(f"warning: {problem}", file=sys.stderr)
        aides = (
            f", {len(refresh.aides)} from Aides-territoires ({AIDES_CREDIT})"
            if settings.aides_territoires_token.get_secret_value()
            else " (Aides-territoires skipped: no INSPIRE_AIDES_TERRITOIRES_TOKEN)"
        )
        print(f"{len(refresh.calls)} calls from the EU portal{aides}. {refresh.report.summary()}")
        assistant.shutdown()
        return 0
    assistant.initialize(progress=sys.stderr.isatty())
    matcher = Matcher(assistant, load_call_folder(settings.knowledge_dir / "calls"))
    profile = Profile(
        description=args.description,
        authority=args.authority,
        country=args.country,
        partner_country=args.partner_country,
    )
    proposal = matcher.propose(profile, lang="fr")
    assistant.shutdown()
    if args.json:
        payload = {
            "profile": profile.model_dump(),
            "calls": [s.model_dump(mode="json") for s in proposal.suggestions],
            "closest": [s.model_dump(mode="json") for s in proposal.closest],
            "searches": proposal.links,
        }
        print(json.dumps(payload, ensure_ascii=False))
        return 0
    if not proposal.suggestions:
        print("Nothing in the base fits this project well. Closest programmes, to be checked:\n")
    elif proposal.live < min(3, len(proposal.suggestions)):
        print(f"Only {proposal.live} open or forthcoming call(s) fit today.\n")
    for s in proposal.suggestions or proposal.closest:
        print(f"[{s.status}] {s.title} — {s.programme}\n  {_next_step(s)}\n  {s.why}\n  {s.url}\n")
    if not proposal.suggestions:
        print("Search also: " + " ; ".join(proposal.links.values()))
    return 0


def _next_step(s: Suggestion) -> str:
    """The next step of a suggestion, in one line."""
    if s.status == "open" and s.deadline:
        return f"deadline {s.deadline} ({s.days_left} days left)"
    if s.status == "forthcoming" and s.opens:
        return f"opens on {s.opens}"
    if s.status == "expected":
        return f"next edition expected around {s.expected} (a forecast)"
    if s.status == "permanent":
        return f"always open: {s.rhythm}"
    return "no edition announced"


def _referent(settings: Settings, text: str, as_json: bool) -> int:
    from .referents import load_directory
    from .routing import Router

    directory = load_directory(settings.referents_path)
    route = Router(directory).route(text)
    network = route.network if route and not route.ambiguous else None
    candidates = [f"{p.name} ({p.kind}, {p.region})" for p in route.candidates] if route else []
    payload = {
        "query": text,
        "region": route.region if route else None,
        "network": network.id if network else None,
        "name": network.name if network else None,
        "email": network.email if network else None,
        "matched": route.matched if route else None,
        "ambiguous": bool(route and route.ambiguous),
        "candidates": candidates,
    }
    if as_json:
        print(json.dumps(payload, ensure_ascii=False))
    elif network:
        print(f"{network.name} ({network.region_name}) — {network.contact}, {network.email}")
        print(f"matched: {payload['matched']}")
    elif route and route.ambiguous:
        print("Several places match: " + "; ".join(candidates) + ". Give the postal code.")
    else:
        names = ", ".join(n.name for n in directory.networks)
        where = f" ({route.matched})" if route else ""
        print(
            f"Not in the three INSPIRE regions{where}. INSPIRE is carried by {names}; "
            f"elsewhere: {directory.national.name}, {directory.national.website}"
        )
    return 0


def _db(settings: Settings, command: str, message: str) -> int:
    """``db upgrade`` and ``db current`` on the configured database; ``db revision`` compares the
    models with a scratch database and writes the difference as the next revision."""
    from . import migrations
    from .db import Database

    if command == "revision":
        print(f"written {migrations.revision(message)}: check it, then commit it")
        return 0
    if not settings.database_url:  # the default SQLite file, in the data folder
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    database = Database(settings.database, settings.database_timeout)
    try:
        if command == "upgrade":
            database.initialize()
        revision = database.revision()
    finally:
        database.shutdown()
    head = migrations.head()
    if revision == head:
        print(f"{revision} (head)")
        return 0
    print(f"{revision or 'none'} (the latest is {head}: run `inspire-bot db upgrade`)")
    return 1


def _run(settings: Settings, webhook: bool) -> int:
    from .services import Services
    from .telegram import run_polling, run_webhook

    # python-telegram-bot: opt in to timedelta values now (its deprecation path)
    os.environ.setdefault("PTB_TIMEDELTA", "1")
    logging.getLogger().setLevel(logging.INFO)
    logging.getLogger("alembic").setLevel(logging.WARNING)  # its plugin set-up, at each start
    (run_webhook if webhook else run_polling)(settings, Services(settings))
    return 0


def _ingest(settings: Settings, rebuild: bool) -> int:
    assistant = Assistant(settings)
    report = assistant.ingest(rebuild=rebuild, progress=sys.stderr.isatty())
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(report.summary())
    assistant.shutdown()
    return 0


def _ask(settings: Settings, args: argparse.Namespace) -> int:
    if args.batch is None and args.question is None:
        print("inspire-bot ask: give a QUESTION or --batch FILE", file=sys.stderr)
        return 2
    assistant = Assistant(settings)
    assistant.initialize(progress=sys.stderr.isatty())
    if assistant.stale:
        print(
            "note: knowledge/ changed since the last ingest; run `inspire-bot ingest` to "
            "refresh the index",
            file=sys.stderr,
        )
    if args.batch is not None:
        with _open_batch(args.batch) as lines:
            for question in _batch_questions(lines):
                _print_answer(assistant.answer(question, args.lang), True)
                sys.stdout.flush()
    else:
        answer = assistant.answer(args.question, args.lang)
        _print_answer(answer, args.json)
    assistant.shutdown()
    return 0


@contextmanager
def _open_batch(name: str) -> Iterator[TextIO]:
    """The batch input: a file, or standard input for ``-``."""
    if name == "-":
        yield sys.stdin
        return
    try:
        handle = Path(name).open(encoding="utf-8", errors="replace")  # noqa: SIM115
    except OSError as exc:
        raise InspireError(f"cannot read the batch file: {exc}") from exc
    with handle:
        yield handle


def _batch_questions(lines: TextIO) -> Iterator[str]:
    """Questions of a batch: plain text lines, or JSON objects with a ``q`` key."""
    for line in lines:
        line = line.rstrip("\n")
        if not line.strip():
            continue
        if line.lstrip().startswith("{"):
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                yield line
                continue
            yield str(record.get("q", "")) if isinstance(record, dict) else line
        else:
            yield line


def _print_answer(answer: Answer, as_json: bool) -> None:
    if as_json:
        print(json.dumps(answer.model_dump(mode="json"), ensure_ascii=False))
        return
    print(answer.answer)
    if answer.sources:
        print(f"\n{message(answer.language, 'sources')}:")
        page = message(answer.language, "page")
        for source in answer.sources:
            where = f", {page} {source.page}" if source.page else ""
            link = f" — {source.url}" if source.url else ""
            print(f"[{source.n}] {source.title} ({source.path}{where}){link}")


if __name__ == "__main__":
    raise SystemExit(main())
