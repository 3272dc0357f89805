"""Index generations on disk: the ``current`` link, atomic swaps, clean-up, and the ingest lock.

Layout of the index folder::

    index/
      current -> gen-20261126T131500-4242   (symbolic link, replaced atomically)
      gen-…/                                 (one complete index each)
      ingest.lock

A process reading a generation holds a shared lock on its ``readers.lock`` (:func:`hold`); pruning
removes only generations nobody holds, in any process.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import IndexLockedError

CURRENT = "current"
PREFIX = "gen-"
LOCK = "ingest.lock"
READERS = "readers.lock"
KEEP = 2  # the live generation and the one before it, plus any generation still being read


def current_generation(index_dir: Path) -> Path | None:
    """The live generation's folder, or ``None`` if there is no index yet."""
    link = index_dir / CURRENT
    target = link.resolve() if link.is_symlink() else None
    return target if target is not None and target.is_dir() else None


def new_generation(index_dir: Path) -> Path:
    """A fresh, empty folder for a generation being built."""
    index_dir.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
    path = index_dir / f"{PREFIX}{stamp}-{os.getpid()}-{time.monotonic_ns() % 1_000_000:06d}"
    path.mkdir()
    return path


def publish(index_dir: Path, generation: Path) -> None:
    """Make ``generation`` the live index in one atomic rename, then drop old generations."""
    temporary = index_dir / f".{CURRENT}.{os.getpid()}"
    temporary.unlink(missing_ok=True)
    temporary.symlink_to(generation.name)
    os.replace(temporary, index_dir / CURRENT)
    prune(index_dir)


def prune(index_dir: Path) -> None:
    """Remove generations that are neither live nor the previous one, and leftovers of crashes."""
    live = current_generation(index_dir)
    generations = sorted(
        (p for p in index_dir.glob(f"{PREFIX}*") if p.is_dir()),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    if live is None:
        return
    kept = [live, *[p for p in generations if p != live and _is_complete(p)][: KEEP - 1]]
    for path in generations:
        if path not in kept and not in_use(path):
            shutil.rmtree(path, ignore_errors=True)


def hold(generation: Path) -> int:
    """Mark a generation as being read (until :func:`release`): no ingest will delete it.

    Returns a file descriptor; the lock also ends with the process, however it ends.
    """
    fd = os.open(generation / READERS, os.O_RDONLY | os.O_CREAT | os.O_CLOEXEC, 0o644)
    fcntl.flock(fd, fcntl.LOCK_SH)
    return fd


def release(fd: int) -> None:
    """The generation is no longer read by this holder."""
    os.close(fd)


def in_use(generation: Path) -> bool:
    """Does a reader, in this process or another, still hold the generation?"""
    path = generation / READERS
    if not path.exists():
        return False
    with path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
    return False


def _is_complete(generation: Path) -> bool:
    from .manifest import MANIFEST  # a generation is complete once its manifest is written

    return (generation / MANIFEST).exists()


@contextmanager
def ingest_lock(index_dir: Path) -> Iterator[None]:
    """Hold the index's ingest lock, or raise :class:`IndexLockedError` at once."""
    index_dir.mkdir(parents=True, exist_ok=True)
    path = index_dir / LOCK
    with path.open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise IndexLockedError(
                f"another ingest is already running ({holder}); wait for it to finish and try again"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle, fcntl.LOCK_UN)
