"""Ingest: scan → plan → load → split → embed → write a new generation → publish it atomically.

Only files whose content changed are read and embedded again; the rest is carried over from the
live generation. Whatever goes wrong before :func:`publish`, the live index keeps serving.
"""

from __future__ import annotations

import datetime as dt
import errno
import logging
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from langchain_core.embeddings import Embeddings

from ..background import background_version
from ..cards import CardSet, load_cards
from ..config import Settings
from ..embeddings import embedding_id
from ..errors import InspireError
from .chunking import Chunk, split_sections
from .generations import (
    READERS,
    current_generation,
    ingest_lock,
    new_generation,
    prune,
    publish,
)
from .manifest import FORMAT, MANIFEST, FileEntry, FileState, Manifest, scan
from .parsing import content_digest, load_files
from .sources import Loaded, SkippedFile
from .store import IndexWriter, copy_collections, drop_orphans, store_id

log = logging.getLogger(__name__)
_NOT_COPIED = shutil.ignore_patterns(MANIFEST, "*.tmp", READERS)


@dataclass
class IngestReport:
    """What an ingest did, for the command line and the tests."""

    rebuilt: bool = False
    up_to_date: bool = False
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    chunks: int = 0
    seconds: float = 0.0
    generation: Path | None = None
    cards_changed: bool = False  # the checked answer cards differ from the live generation's

    def summary(self) -> str:
        if self.up_to_date:
            return f"Index up to date ({len(self.unchanged)} files, {self.chunks} chunks)."
        cards = "; answer cards changed" if self.cards_changed else ""
        return (
            f"Index {'rebuilt' if self.rebuilt else 'updated'} in {self.seconds:.1f} s: "
            f"{len(self.added)} added, {len(self.updated)} updated, {len(self.removed)} removed, "
            f"{len(self.unchanged)} unchanged{cards}; {self.chunks} chunks."
        )


def ingest(
    settings: Settings,
    embeddings: Embeddings,
    *,
    rebuild: bool = False,
    progress: bool = False,
) -> IngestReport:
    """Bring the index in line with ``settings.knowledge_dir``; see the module docstring."""
    started = time.perf_counter()
    index_dir = settings.index_dir
    with ingest_lock(index_dir):
        live = current_generation(index_dir)
        previous = Manifest.load(live) if live else None
        refused: list[str] = []
        states = scan(settings.knowledge_dir, previous, refused)
        embedding = f"{embedding_id(settings)}|background:{background_version()}"
        embedding += store_id(settings)  # a Chroma server: its URL and prefix
        full = rebuild or previous is None or not _compatible(previous, settings, embedding)
        old_files = {} if full or previous is None else previous.files
        report = IngestReport(rebuilt=full)
        changed = [
            rel for rel, st in states.items() if rel in old_files and _differs(old_files[rel], st)
        ]
        report.added = [rel for rel in states if rel not in old_files]
        report.updated = changed
        report.removed = [rel for rel in old_files if rel not in states]
        report.unchanged = [rel for rel in states if rel in old_files and rel not in changed]
        report.warnings = refused + _carried_warnings(old_files, report.unchanged)
        loaded = load_files(settings, report.added + report.updated)
        same = [rel for rel in changed if _same_text(old_files[rel], loaded[rel])]
        if same:  # new bytes, same text (a snapshot whose only change is its date): no swap
            report.updated = [rel for rel in changed if rel not in same]
            report.unchanged += same
            report.warnings += _carried_warnings(old_files, same)

        cards = load_cards(settings.knowledge_dir)  # checked against every file, each ingest
        report.warnings.extend(cards.problems)
        report.cards_changed = live is not None and _live_cards(live) != cards.records()
        nothing_changed = not (full or report.added or report.updated or report.removed)
        if live and previous and nothing_changed and not report.cards_changed:
            _refresh_stat(live, previous, states)
            report.up_to_date = True
            report.chunks = sum(entry.chunks for entry in previous.files.values())
            report.generation = live
            prune(index_dir)
            drop_orphans(settings)
            return report

        try:
            staging = new_generation(index_dir)
        except OSError as exc:
            raise _disk_full(exc, index_dir) or exc from None
        try:
            if live and not full:
                shutil.copytree(live, staging, dirs_exist_ok=True, ignore=_NOT_COPIED)
                copy_collections(settings, live, staging)
            files = _build(
                settings, embeddings, staging, states, old_files, loaded, report, progress
            )
            cards.save(staging)  # a card's sources or related cards may change alone
            manifest = Manifest(
                embedding=embedding,
                chunk_size=settings.chunk_size,
                chunk_overlap=settings.chunk_overlap,
                built_at=dt.datetime.now(dt.UTC),
                files=files,
            )
            manifest.save(staging)
        except BaseException as exc:
            shutil.rmtree(staging, ignore_errors=True)
            drop_orphans(settings)  # a Chroma server's half-built collections
            full_disk = _disk_full(exc, index_dir)
            if full_disk is None:
                raise
            log.debug("Ingest stopped by a full disk", exc_info=True)
            raise full_disk from None
        publish(index_dir, staging)
        drop_orphans(settings)  # the collections of the generations publish pruned
        report.chunks = sum(entry.chunks for entry in files.values())
        report.generation = staging
        report.seconds = time.perf_counter() - started
        return report


def _build(
    settings: Settings,
    embeddings: Embeddings,
    staging: Path,
    states: dict[str, FileState],
    old_files: dict[str, FileEntry],
    loaded: dict[str, Loaded | SkippedFile],
    report: IngestReport,
    progress: bool = False,
) -> dict[str, FileEntry]:
    writer = IndexWriter(staging, embeddings, settings)
    try:
        writer.remove_sources(report.removed + report.updated)
        files = {rel: _carried(old_files[rel], states[rel]) for rel in report.unchanged}
        new_chunks: list[Chunk] = []
        for rel in report.added + report.updated:
            entry = FileEntry(**states[rel].model_dump())
            got = loaded[rel]
            if isinstance(got, SkippedFile):
                entry.skipped = str(got)
                report.warnings.append(f"skipped {rel}: {got}")
            else:
                chunks = split_sections(got.sections, settings.chunk_size, settings.chunk_overlap)
                entry.chunks = len(chunks)
                entry.problems = got.problems
                entry.content = content_digest(got)
                report.warnings.extend(got.problems)
                new_chunks.extend(chunks)
            files[rel] = entry
        writer.add(new_chunks, progress=progress)
        writer.finish()
    finally:
        writer.close()
    return files


def _live_cards(generation: Path) -> list[dict[str, Any]] | None:
    """The cards a generation serves; ``None`` when its card file cannot be read (rewritten)."""
    try:
        return CardSet.load(generation).records()
    except (OSError, ValueError):  # unreadable JSON, or a record that no longer validates
        log.warning("The answer cards of %s cannot be read: they are written again", generation)
        return None


def _same_text(entry: FileEntry, loaded: Loaded | SkippedFile) -> bool:
    """A changed file that gives exactly the text it gave before."""
    return bool(entry.content) and entry.content == content_digest(loaded)


def _carried(entry: FileEntry, state: FileState) -> FileEntry:
    """An unchanged file's entry, with what the disk says now (bytes may differ, text not)."""
    return entry.model_copy(update=state.model_dump())


class DiskFullError(InspireError):
    """The index could not be written: the device is full."""


def _disk_full(exc: BaseException, index_dir: Path) -> DiskFullError | None:
    """A clear error when ``exc`` (or what caused it, e.g. inside Chroma) is a full disk."""
    seen: BaseException | None = exc
    while seen is not None:
        text = str(seen).lower()
        if (isinstance(seen, OSError) and seen.errno == errno.ENOSPC) or any(
            words in text for words in ("no space left on device", "disk is full")
        ):
            return DiskFullError(
                f"no space left on device in {index_dir.resolve()}: the new index could not be "
                "written and the previous one keeps serving. Free some space there (or set "
                "INSPIRE_DATA_DIR elsewhere) and run the ingest again."
            )
        seen = seen.__cause__ or seen.__context__
    return None


def _compatible(manifest: Manifest, settings: Settings, embedding: str) -> bool:
    return (
        manifest.format == FORMAT
        and manifest.embedding == embedding
        and manifest.chunk_size == settings.chunk_size
        and manifest.chunk_overlap == settings.chunk_overlap
    )


def _differs(entry: FileEntry, state: FileState) -> bool:
    return entry.sha256 != state.sha256


def _carried_warnings(files: dict[str, FileEntry], unchanged: list[str]) -> list[str]:
    """Files still skipped, or still with bad records, are reported again on every ingest."""
    warnings = []
    for rel in unchanged:
        entry = files[rel]
        if entry.skipped:
            warnings.append(f"skipped {rel}: {entry.skipped}")
        warnings.extend(entry.problems)
    return warnings


def _refresh_stat(live: Path, manifest: Manifest, states: dict[str, FileState]) -> None:
    """Content unchanged but files touched: record the new mtimes so staleness checks stay quiet."""
    moved = {
        rel
        for rel, st in states.items()
        if manifest.files[rel] != _carried(manifest.files[rel], st)
    }
    if not moved:
        return
    for rel in moved:
        manifest.files[rel] = _carried(manifest.files[rel], states[rel])
    temporary = live / f"{MANIFEST}.tmp"
    temporary.write_text(manifest.model_dump_json(indent=1), encoding="utf-8")
    temporary.replace(live / MANIFEST)
