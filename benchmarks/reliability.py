"""The reliability suite: every failure mode of issues 10 and 13, and the ones that already held,
run as real tests (real processes, the fake Bot API on 127.0.0.1, hostile PDFs, 1,000 generated
hostile updates), then printed as a table ``case | expected | result`` with the count, the date
and the machine.

    python benchmarks/reliability.py            # about three minutes
    python benchmarks/reliability.py --markdown # the table as in the README

A PostgreSQL case runs too when INSPIRE_TEST_DATABASE_URL is set (``.ci/run`` sets it); the real
full-disk case needs root (it mounts a small tmpfs).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks._common import machine  # noqa: E402

T = "tests/"
CASES: list[tuple[str, str, str]] = [  # (test, case, expected)
    # --- the defects of issue 10, most severe first -----------------------------------------
    (
        "index/test_knowledge_files.py::test_links_to_files_outside_knowledge_are_skipped_with_a_warning",
        "1 links in knowledge/ to /proc/self/environ, /etc/passwd; a pipe",
        "skipped with a warning, never indexed",
    ),
    (
        "index/test_knowledge_files.py::test_a_regular_file_replaced_by_a_link_disappears_from_the_index",
        "1 an indexed file replaced by a link",
        "removed from the index",
    ),
    (
        "test_bad_call_files.py::test_a_linked_calls_file_is_not_read",
        "1 a linked calls file",
        "not read",
    ),
    (
        "test_redaction.py::test_every_secret_is_masked_in_messages_arguments_and_tracebacks",
        "2 token, webhook secret, join code, API keys, DB password in logs",
        "masked in messages and tracebacks",
    ),
    (
        "test_redaction.py::test_a_rejected_token_is_not_logged_by_inspire_bot_run",
        "2 `inspire-bot run` with a revoked token",
        "InvalidToken logged without the token",
    ),
    (
        "telegram/test_job_items.py::test_one_chat_refusing_a_reminder_does_not_stop_the_others",
        "4 one chat refuses its reminder (BadRequest)",
        "the other chats reminded",
    ),
    (
        "telegram/test_job_items.py::test_a_broken_outbox_row_does_not_block_the_rows_after_it",
        "4 a broken outbox row",
        "later rows sent, it backs off",
    ),
    (
        "telegram/test_job_items.py::test_a_failing_purge_does_not_stop_the_other_purges",
        "4 one purge fails",
        "the other purges run",
    ),
    (
        "test_bad_call_files.py::test_ingest_reports_and_skips_bad_call_files",
        "5 calls file with 2025-13-45 / not a list, at ingest",
        "reported and skipped",
    ),
    (
        "test_bad_call_files.py::test_the_bot_starts_with_bad_call_files",
        "5 the same files when the bot starts",
        "reported; the bot starts",
    ),
    (
        "index/test_swaps.py::test_answers_keep_working_while_ingests_swap_the_index",
        "3 4 answering threads during 4 index swaps",
        "no answer fails",
    ),
    (
        "index/test_swaps.py::test_an_answer_caught_by_a_swap_finishes_on_its_generation",
        "3 an answer paused while the index is swapped",
        "finishes on its generation",
    ),
    (
        "index/test_swaps.py::test_a_generation_being_read_survives_later_ingests",
        "3 a generation read during 3 ingests",
        "kept while read, pruned after",
    ),
    (
        "index/test_swaps.py::test_a_snapshot_whose_only_change_is_its_date_causes_no_swap",
        "3 a snapshot whose only change is its date",
        "no new generation",
    ),
    (
        "test_outbox_claims.py::test_a_message_is_claimed_by_one_sender_only",
        "8 two senders on one outbox message",
        "one claims it, one backs off",
    ),
    (
        "test_outbox_claims.py::test_a_dossier_whose_sender_died_is_sent_again_after_the_lease",
        "8 sender killed while sending a dossier",
        "sent again after the lease (never lost)",
    ),
    (
        "test_outbox_claims.py::test_the_delivered_notice_is_never_sent_twice",
        "8 SIGTERM/SIGKILL after the 'delivered' notice",
        "notice not repeated",
    ),
    (
        "telegram/test_database_trouble.py::test_concurrent_counts_are_all_recorded[sqlite]",
        "7 120 concurrent counts (SQLite)",
        "120 counted, no IntegrityError",
    ),
    (
        "telegram/test_database_trouble.py::test_concurrent_counts_are_all_recorded[postgresql]",
        "7 120 concurrent counts (PostgreSQL)",
        "120 counted, no IntegrityError",
    ),
    (
        "telegram/test_database_trouble.py::test_with_the_database_gone_questions_are_answered",
        "7 database gone",
        "questions answered; alerts say 'temporarily unavailable'",
    ),
    (
        "telegram/test_database_trouble.py::test_a_frozen_database_does_not_hold_answers",
        "7 database locked by another client",
        "answer at once; alerts fail fast",
    ),
    (
        "telegram/test_flood.py::test_a_flooding_user_gets_one_slow_down_notice",
        "9 30 messages at once from one user (limit 3)",
        "3 answers and 1 'slow down'",
    ),
    (
        "telegram/test_flood.py::test_no_second_holds_more_calls_than_configured",
        "9 25 chats at once, 5 calls/s configured",
        "never more than 5 calls in a second",
    ),
    (
        "test_memory_bounds.py::test_rate_limiter_keys_expire_after_a_quiet_window",
        "11 5,000 users, then a quiet minute",
        "limiter keys forgotten",
    ),
    (
        "test_memory_bounds.py::test_rate_limiter_keeps_at_most_max_keys_and_still_limits",
        "11 more users than the key cap",
        "capped, still limiting",
    ),
    (
        "test_memory_bounds.py::test_recent_exchanges_are_bounded_per_chat_and_in_number_of_chats",
        "11 10,500 chats' recent exchanges",
        "at most 10,000 chats × 5 exchanges",
    ),
    (
        "index/test_parse_limits.py::test_a_pdf_with_too_many_pages_is_skipped_quickly",
        "6 a 3,000-page PDF",
        "skipped: page cap",
    ),
    (
        "index/test_parse_limits.py::test_a_file_over_the_size_cap_is_not_read",
        "6 a text file over the size cap",
        "skipped unread",
    ),
    (
        "index/test_parse_limits.py::test_a_slow_file_is_stopped_and_the_next_files_still_read",
        "6 a file slower than the time limit",
        "worker killed, next files read",
    ),
    (
        "index/test_parse_limits.py::test_a_file_needing_too_much_memory_is_skipped",
        "6 a file over the memory limit",
        "skipped: memory limit",
    ),
    (
        "telegram/test_event_loop.py::test_the_gazetteer_is_built_when_the_router_is_created",
        "10 gazetteer",
        "built at start",
    ),
    (
        "telegram/test_event_loop.py::test_a_slow_place_lookup_does_not_hold_other_chats",
        "10 a 1.5 s place look-up",
        "other chats answered meanwhile",
    ),
    (
        "index/test_disk_full.py::test_a_full_disk_is_named_and_the_live_index_kept[cause0]",
        "12 ENOSPC while writing the index",
        "'no space left on device in <folder>'",
    ),
    (
        "reliability/test_processes.py::test_a_really_full_device_is_named",
        "12 a real full device (tmpfs)",
        "same message; live index kept",
    ),
    # --- what already held ------------------------------------------------------------------
    (
        "reliability/test_processes.py::test_kill_9_at_every_phase_of_an_ingest_keeps_the_index_serving",
        "kill -9 at 8 points of an ingest (real process), then a restart",
        "an index always serving, no lock left; the restart finishes the ingest",
    ),
    (
        "index/test_builder.py::test_a_second_concurrent_ingest_is_refused",
        "a second concurrent ingest",
        "refused",
    ),
    (
        "index/test_sources.py::test_broken_pdf_is_skipped_with_a_reason",
        "a damaged PDF",
        "skipped with a reason",
    ),
    ("index/test_sources.py::test_truncated_pdf_is_skipped", "a truncated PDF", "skipped"),
    ("index/test_sources.py::test_encrypted_pdf_is_skipped", "an encrypted PDF", "skipped"),
    (
        "index/test_hostile_pdfs.py::test_a_zero_byte_pdf_is_skipped_as_empty",
        "a zero-byte PDF",
        "skipped: 'Cannot read an empty file'",
    ),
    (
        "index/test_hostile_pdfs.py::test_a_decompression_bomb_is_skipped_at_the_decompression_limit",
        "a decompression bomb (1 KB PDF, page inflating to 200 MB)",
        "skipped: decompression limit",
    ),
    (
        "index/test_hostile_pdfs.py::test_a_page_tree_containing_itself_is_skipped",
        "a PDF page tree containing itself",
        "skipped: 'cyclic page references'",
    ),
    (
        "index/test_hostile_pdfs.py::test_an_xref_whose_prev_points_at_itself_is_read_once",
        "a PDF whose xref /Prev points at itself",
        "read once, indexed",
    ),
    (
        "index/test_hostile_pdfs.py::test_a_pdf_of_as_many_pages_as_the_cap_is_indexed_page_by_page",
        "a 500-page PDF (the default page cap)",
        "indexed, every page, within the default limits",
    ),
    (
        "index/test_hostile_pdfs.py::test_the_ingest_goes_on_past_every_hostile_pdf",
        "the five PDFs above in one ingest",
        "the ingest finishes, the other files indexed",
    ),
    (
        "telegram/test_faults.py::test_429_is_waited_out_and_the_message_delivered_once",
        "Bot API 429",
        "waited out, delivered once",
    ),
    (
        "telegram/test_faults.py::test_a_burst_of_429_as_long_as_the_retries_is_waited_out",
        "Bot API 429 three times in a row",
        "waited out, delivered once",
    ),
    (
        "telegram/test_faults.py::test_polling_survives_server_errors",
        "Bot API 502/500/409 on polling",
        "polling goes on",
    ),
    (
        "telegram/test_faults.py::test_polling_survives_a_request_that_times_out",
        "Bot API getUpdates hanging past the read timeout",
        "polling goes on, the question answered",
    ),
    (
        "telegram/test_observability.py::test_a_409_conflict_is_shown_by_healthz",
        "Bot API 409 (another instance polling)",
        "/healthz 503 'telegram_conflict', counted in /metrics, answers go on",
    ),
    (
        "telegram/test_faults.py::test_a_blocked_bot_marks_the_chat_inactive_without_retrying",
        "Bot API 403 (blocked)",
        "chat marked inactive, no retry",
    ),
    (
        "telegram/test_handoff.py::test_a_crash_between_commit_and_send_is_made_good_at_start",
        "crash between a dossier's commit and its sending",
        "sent at restart, once (dossier and 'delivered' notice)",
    ),
    (
        "telegram/test_handoff.py::test_a_referent_of_another_network_can_neither_see_nor_act",
        "forged callbacks on another network's dossier",
        "refused and audited",
    ),
    (
        "telegram/test_faults.py::test_webhook_rejects_requests_without_the_secret",
        "webhook request without the secret",
        "refused",
    ),
    (
        "reliability/test_hostile_messages.py::test_a_thousand_hostile_updates",
        "1,000 hostile updates (hypothesis): text, commands, forged buttons",
        "bot up; every reply valid HTML ≤ 4096 UTF-16 units",
    ),
]


class Results:
    """A pytest plugin keeping each test's outcome, duration and detail."""

    def __init__(self) -> None:
        self.outcomes: dict[str, tuple[str, float, str]] = {}

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        node = report.nodeid
        detail = dict(report.user_properties).get("detail", "")
        if report.when == "call" or report.outcome != "passed":
            if report.skipped:
                reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else ""
                self.outcomes[node] = ("skipped", report.duration, str(reason))
            elif node not in self.outcomes or report.failed:
                self.outcomes[node] = (report.outcome, report.duration, str(detail))


def run() -> tuple[list[tuple[str, str, str]], int, int, float]:
    os.environ["INSPIRE_RELIABILITY"] = "1"
    os.chdir(ROOT)
    results = Results()
    started = time.perf_counter()
    args = [T + test for test, _, _ in CASES]
    pytest.main([*args, "-q", "-p", "no:cacheprovider", "--no-header", "-rN"], plugins=[results])
    seconds = time.perf_counter() - started
    rows, passed, counted = [], 0, 0
    for test, case, expected in CASES:
        outcome, _, detail = results.outcomes.get(T + test, ("not run", 0.0, ""))
        if outcome == "passed":
            passed += 1
            counted += 1
            result = f"✓ {detail}" if detail else "✓"
        elif outcome == "skipped":
            result = f"skipped: {detail.removeprefix('Skipped: ')}"
        else:
            counted += 1
            result = f"✗ {outcome}"
        rows.append((case, expected, result))
    return rows, passed, counted, seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    args = parser.parse_args(argv)
    rows, passed, counted, seconds = run()
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    print()
    if args.markdown:
        print("| case | expected | result |\n| --- | --- | --- |")
        for row in rows:
            print("| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |")
    else:
        width = [max(len(r[i]) for r in rows) for i in range(2)]
        print(f"{'case':<{width[0]}} | {'expected':<{width[1]}} | result")
        for case, expected, result in rows:
            print(f"{case:<{width[0]}} | {expected:<{width[1]}} | {result}")
    skipped = len(rows) - counted
    print(
        f"\n{passed}/{counted} cases as expected ({skipped} skipped) in {seconds:.0f} s — "
        f"{now} — {machine()}"
    )
    return 0 if passed == counted else 1


if __name__ == "__main__":
    raise SystemExit(main())
