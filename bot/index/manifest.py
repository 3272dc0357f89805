"""What a generation was built from: a hash per knowledge file, and the embedding model used."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from pathlib import Path
from stat import S_ISLNK, S_ISREG

from pydantic import BaseModel, Field

from .sources import is_indexable

log = logging.getLogger(__name__)
MANIFEST = "manifest.json"
FORMAT = 2  # bump when loading or splitting changes what gets indexed: forces a rebuild


class FileState(BaseModel):
    """A knowledge file as seen on disk."""

    sha256: str
    size: int
    mtime_ns: int


class FileEntry(FileState):
    """A knowledge file as indexed: how many chunks it gave, or why it was skipped."""

    chunks: int = 0
    content: str = ""  # digest of the text it gave (see :func:`bot.index.parsing.content_digest`)
    skipped: str = ""
    problems: list[str] = Field(default_factory=list)


class Manifest(BaseModel):
    format: int = FORMAT
    embedding: str
    chunk_size: int
    chunk_overlap: int
    built_at: dt.datetime
    files: dict[str, FileEntry]

    def save(self, generation: Path) -> None:
        (generation / MANIFEST).write_text(self.model_dump_json(indent=1), encoding="utf-8")

    @classmethod
    def load(cls, generation: Path) -> Manifest | None:
        path = generation / MANIFEST
        try:
            return cls.model_validate_json(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def list_knowledge(root: Path, refused: list[str] | None = None) -> list[str]:
    """Relative paths (forward slashes) of the files under ``root`` that are indexed.

    Only regular files whose real path stays inside ``root`` count: a symbolic link (to
    ``/proc/self/environ``, ``/etc/passwd``…), a device or a pipe is left out with a warning,
    appended to ``refused`` when given.
    """
    if not root.is_dir():
        return []
    found = []
    for path in root.rglob("*"):
        rel = path.relative_to(root).as_posix()
        if (path.is_dir() and not path.is_symlink()) or not is_indexable(rel):
            continue
        reason = outside_reason(root, path)
        if reason:
            if refused is not None:  # the caller reports it
                refused.append(f"skipped {rel}: {reason}")
            else:
                log.warning("Not indexed: %s (%s)", rel, reason)
            continue
        found.append(rel)
    return sorted(found)


def outside_reason(root: Path, path: Path) -> str:
    """Why ``path`` may not be read as knowledge, or "" for a regular file inside ``root``."""
    try:
        mode = path.lstat().st_mode
        inside = path.resolve(strict=True).is_relative_to(root.resolve(strict=True))
    except (OSError, RuntimeError):
        return "cannot be read"
    if S_ISLNK(mode):
        return "a symbolic link; only regular files inside the knowledge folder are indexed"
    if not S_ISREG(mode):
        return "not a regular file"
    if not inside:
        return "outside the knowledge folder"
    return ""


def scan(
    root: Path, previous: Manifest | None = None, refused: list[str] | None = None
) -> dict[str, FileState]:
    """Hash the knowledge files; a file whose size and mtime did not move is not re-read."""
    states = {}
    for rel in list_knowledge(root, refused):
        stat = (root / rel).stat()
        known = previous.files.get(rel) if previous else None
        if known and known.size == stat.st_size and known.mtime_ns == stat.st_mtime_ns:
            digest = known.sha256
        else:
            digest = _sha256(root / rel)
        states[rel] = FileState(sha256=digest, size=stat.st_size, mtime_ns=stat.st_mtime_ns)
    return states


def is_stale(root: Path, manifest: Manifest) -> bool:
    """Cheap check (names, sizes, mtimes): did knowledge/ change since this manifest?"""
    files = list_knowledge(root)
    if set(files) != set(manifest.files):
        return True
    for rel in files:
        stat = (root / rel).stat()
        entry = manifest.files[rel]
        if stat.st_size != entry.size or stat.st_mtime_ns != entry.mtime_ns:
            return True
    return False
