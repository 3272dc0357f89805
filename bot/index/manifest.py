"""What a generation was built from: a hash per knowledge file, and the embedding model used."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

from pydantic import BaseModel, Field

from .sources import is_indexable

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


def list_knowledge(root: Path) -> list[str]:
    """Relative paths (forward slashes) of the files under ``root`` that are indexed."""
    if not root.is_dir():
        return []
    found = (p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
    return sorted(rel for rel in found if is_indexable(rel))


def scan(root: Path, previous: Manifest | None = None) -> dict[str, FileState]:
    """Hash the knowledge files; a file whose size and mtime did not move is not re-read."""
    states = {}
    for rel in list_knowledge(root):
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
