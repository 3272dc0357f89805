"""A bad calls file is reported and skipped, at ingest and when the bot starts."""

import logging
from pathlib import Path

import pytest

from bot.config import Settings
from bot.index.builder import ingest
from bot.matching import load_call_folder
from bot.services import Services
from tests.fakes.hashing import HashingEmbeddings

REPO = Path(__file__).resolve().parent.parent
BAD_DATE = """- id: impossible-date
  programme: Test
  title: A call with an impossible date
  summary: A call whose deadline is the 45th day of the 13th month.
  deadlines:
    - date: 2025-13-45
  sources: [https://example.org]
  checked: 2026-01-01
"""
NOT_A_LIST = "id: lonely\ntitle: one record, not a list\n"


@pytest.fixture
def broken(settings: Settings) -> Settings:
    calls = settings.knowledge_dir / "calls"
    (calls / "bad-date.yaml").write_text(BAD_DATE, encoding="utf-8")
    (calls / "not-a-list.yaml").write_text(NOT_A_LIST, encoding="utf-8")
    return settings.model_copy(update={"referents_file": REPO / "knowledge" / "referents.yaml"})


def test_ingest_reports_and_skips_bad_call_files(broken: Settings):
    report = ingest(broken, HashingEmbeddings())
    warnings = "\n".join(report.warnings)
    assert "skipped calls/bad-date.yaml" in warnings and "month must be in 1..12" in warnings
    assert "skipped calls/not-a-list.yaml" in warnings and "expected a list" in warnings
    assert "calls/calls.yaml" in report.added and report.chunks > 0


def test_the_bot_starts_with_bad_call_files(broken: Settings, caplog):
    services = Services(broken, HashingEmbeddings())
    with caplog.at_level(logging.WARNING):
        services.initialize()
    try:
        assert services.matcher.calls  # the good file's calls are there
        assert not {"impossible-date", "lonely"} & set(services.matcher.calls)
        logged = caplog.text
        assert "bad-date.yaml" in logged and "not-a-list.yaml" in logged
    finally:
        services.shutdown()


def test_a_linked_calls_file_is_not_read(tmp_path: Path):
    folder = tmp_path / "calls"
    folder.mkdir()
    outside = tmp_path / "secret.yaml"
    outside.write_text(BAD_DATE.replace("2025-13-45", "2027-01-01"), encoding="utf-8")
    (folder / "linked.yaml").symlink_to(outside)
    assert load_call_folder(folder) == {}
