import json
import os
import subprocess
import sys

import pytest

from bot.cli import main

FIELDS = {"question", "answer", "abstained", "language", "sources", "latency_ms"}


@pytest.fixture
def env(built_corpus, monkeypatch):
    monkeypatch.setenv("INSPIRE_KNOWLEDGE_DIR", str(built_corpus.knowledge_dir))
    monkeypatch.setenv("INSPIRE_DATA_DIR", str(built_corpus.data_dir))
    return built_corpus


def test_ask_json(env, capsys):
    assert main(["ask", "Comment adhérer au réseau Horizon ?", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data.keys() >= FIELDS
    source = data["sources"][0]
    assert {"n", "title", "path", "page", "url", "score"} <= source.keys()
    assert source["path"] == "programme/guide.pdf"
    assert data["abstained"] is False


def test_ask_text_prints_sources(env, capsys):
    assert main(["ask", "Comment adhérer au réseau Horizon ?", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "Sources:" in out
    assert "[1] Guide Horizon (programme/guide.pdf, p. 1)" in out


def test_ask_batch_file(env, tmp_path, capsys):
    batch = tmp_path / "questions.txt"
    batch.write_text(
        'Comment adhérer au réseau Horizon ?\n\n{"q": "What is the capital of Australia?"}\n'
        "{not json\n",
        encoding="utf-8",
    )
    assert main(["ask", "--json", "--batch", str(batch)]) == 0
    lines = capsys.readouterr().out.splitlines()
    records = [json.loads(line) for line in lines]
    assert len(records) == 3
    assert all(r.keys() >= FIELDS for r in records)
    assert [r["abstained"] for r in records[:2]] == [False, True]
    assert records[2]["question"] == "{not json"


def test_ask_needs_a_question(env, capsys):
    assert main(["ask"]) == 2
    assert "give a QUESTION or --batch FILE" in capsys.readouterr().err


def test_missing_batch_file_is_a_clear_error(env, capsys):
    assert main(["ask", "--batch", "/nonexistent/questions.txt"]) == 2
    assert "cannot read the batch file" in capsys.readouterr().err


def test_unknown_backend_is_reported_without_traceback(env, monkeypatch, capsys):
    monkeypatch.setenv("INSPIRE_EMBEDDING_BACKEND", "nope")
    assert main(["ingest"]) == 2
    err = capsys.readouterr().err
    assert "valid backends" in err and "Traceback" not in err


def test_ingest_reports_up_to_date(env, capsys):
    assert main(["ingest"]) == 0
    assert "Index up to date" in capsys.readouterr().out


def test_console_script_batch_from_stdin(env):
    """The installed command, in its own process, reading questions from standard input."""
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "ask", "--json", "--batch", "-"],
        input="Comment adhérer au réseau Horizon ?\nQuel temps fera-t-il demain ?\n",
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        timeout=120,
        check=True,
    )
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["abstained"] for r in records] == [False, True]
    assert result.stderr == ""


def test_ingest_py_is_the_same_command(env):
    from pathlib import Path

    script = Path(__file__).resolve().parent.parent / "ingest.py"
    result = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=120, check=True
    )
    assert "Index up to date" in result.stdout


def test_ask_builds_a_missing_index_and_warns_when_knowledge_changed(settings, monkeypatch, capsys):
    monkeypatch.setenv("INSPIRE_KNOWLEDGE_DIR", str(settings.knowledge_dir))
    monkeypatch.setenv("INSPIRE_DATA_DIR", str(settings.data_dir))
    assert main(["ask", "Comment adhérer au réseau Horizon ?", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["abstained"] is False
    (settings.knowledge_dir / "programme" / "nouveau.md").write_text("# Nouveau\n\nTexte.\n")
    assert main(["ask", "Comment adhérer au réseau Horizon ?"]) == 0
    assert "note: knowledge/ changed since the last ingest" in capsys.readouterr().err


def test_run_without_a_token_explains_how_to_get_one(env, capsys):
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert "@BotFather" in err and "INSPIRE_TELEGRAM_TOKEN" in err and "inspire-bot chat" in err
