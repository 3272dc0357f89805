"""Real processes: kill -9 at every phase of an ingest, a full disk on a real (tmpfs) device."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.assistant import Assistant
from bot.config import Settings
from bot.index.builder import DiskFullError, ingest
from bot.index.generations import current_generation
from bot.index.store import read_chunks
from tests.fakes.hashing import HashingEmbeddings

REPO = Path(__file__).resolve().parents[2]
KILL_POINTS = 8
SCRIPT = """
import sys
from pathlib import Path
from bot.config import Settings
from bot.index.builder import ingest
from tests.fakes.hashing import HashingEmbeddings
root = Path(sys.argv[1])
settings = Settings(knowledge_dir=root / "knowledge", data_dir=root / "var", _env_file=None)
print("ready", flush=True)
ingest(settings, HashingEmbeddings(), rebuild=True)
print("done", flush=True)
"""


def _grow(settings: Settings) -> None:
    """Enough text for an ingest to last a couple of seconds."""
    programme = settings.knowledge_dir / "programme"
    for n in range(20):
        body = "\n\n".join(
            f"## Partie {n}.{k}\n\nLe réseau Horizon accompagne la commune {n} dans son projet "
            f"numéro {k} de coopération décentralisée avec une commune partenaire."
            for k in range(40)
        )
        (programme / f"annexe-{n:02d}.md").write_text(f"# Annexe {n}\n\n{body}\n")


def _ingest_process(root: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", SCRIPT, str(root)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )


def test_kill_9_at_every_phase_of_an_ingest_keeps_the_index_serving(
    settings, tmp_path, record_property
):
    _grow(settings)
    embeddings = HashingEmbeddings()
    ingest(settings, embeddings)
    root = settings.knowledge_dir.parent
    process = _ingest_process(root)
    assert process.stdout is not None and process.stdout.readline().strip() == "ready"
    started = time.perf_counter()
    assert process.wait(120) == 0
    process.stdout.close()
    duration = time.perf_counter() - started
    live = current_generation(settings.index_dir)  # what that full run published
    outcomes = []
    for point in range(KILL_POINTS):
        process = _ingest_process(root)
        assert process.stdout is not None and process.stdout.readline().strip() == "ready"
        time.sleep(duration * (point + 0.5) / KILL_POINTS)
        process.send_signal(signal.SIGKILL)
        process.wait(30)
        process.stdout.close()
        now = current_generation(settings.index_dir)
        assert now is not None and (now / "manifest.json").exists()
        assistant = Assistant(settings, embeddings)
        assistant.initialize()
        assert assistant.search("réseau Horizon")
        assistant.shutdown()
        outcomes.append(now == live)
    assert any(outcomes)  # some kills landed before the swap
    kept = sum(outcomes)
    # a new file, an ingest killed early while it reads it, then the restart finishes the ingest
    (settings.knowledge_dir / "programme" / "annexe-finale.md").write_text(
        "# Annexe finale\n\nLe réseau Horizon ouvre une antenne à Tulle.\n"
    )
    process = _ingest_process(root)
    assert process.stdout is not None and process.stdout.readline().strip() == "ready"
    time.sleep(duration / (2 * KILL_POINTS))
    process.send_signal(signal.SIGKILL)
    process.wait(30)
    process.stdout.close()
    assert current_generation(settings.index_dir) is not None
    restart = ingest(settings, embeddings)  # no lock left behind, no debris in the way
    generation = current_generation(settings.index_dir)
    assert generation is not None
    chunks = read_chunks(generation)
    knowledge = {
        str(p.relative_to(settings.knowledge_dir))
        for p in settings.knowledge_dir.rglob("*")
        if p.is_file()
    }
    assert {c.source for c in chunks.values()} == knowledge
    assert any("antenne à Tulle" in c.text for c in chunks.values())
    finished = "added the new file" if restart.added else "found it already published"
    record_property(
        "detail",
        f"{KILL_POINTS}/{KILL_POINTS} kills: an index serving "
        f"({kept} the previous, {KILL_POINTS - kept} the new); "
        f"after one more kill the restart {finished}",
    )


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("mount"), reason="needs root for tmpfs")
def test_a_really_full_device_is_named(settings, tmp_path):
    embeddings = HashingEmbeddings()
    ingest(settings, embeddings)
    used = sum(p.stat().st_size for p in settings.index_dir.rglob("*") if p.is_file())
    device = tmp_path / "small"
    device.mkdir()
    size_kb = used // 1024 + 256
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs", device])
    if mounted.returncode != 0:
        pytest.skip("tmpfs cannot be mounted here")
    try:
        shutil.copytree(settings.index_dir, device / "index", symlinks=True)
        small = settings.model_copy(update={"data_dir": device})
        live = current_generation(small.index_dir)
        (settings.knowledge_dir / "programme" / "new.md").write_text("# Nouveau\n\nTexte.\n")
        with pytest.raises(DiskFullError) as raised:
            ingest(small, embeddings)
        assert str(raised.value).startswith(f"no space left on device in {device.resolve()}")
        assert current_generation(small.index_dir) == live
    finally:
        subprocess.run(["umount", str(device)])
