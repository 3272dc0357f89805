"""Reading the knowledge files that changed, in a worker process with limits, and a digest of the
text each one gave.

A file is parsed by one worker subprocess, reused for every file of an ingest: a file over the
size cap, a PDF over the page cap, a parse over the time limit or over the memory limit is skipped
with a message saying which limit and which setting; the worker is restarted and the ingest goes
on with the next file.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import pickle
import select
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from ..config import Settings
from .sources import Loaded, SkippedFile

MB = 1024 * 1024
STARTUP_SECONDS = 30.0


@dataclasses.dataclass(frozen=True)
class Limits:
    """What one file may cost; each value comes from a setting."""

    max_bytes: int
    max_pages: int
    seconds: float
    memory_bytes: int

    @classmethod
    def of(cls, settings: Settings) -> Limits:
        return cls(
            max_bytes=int(settings.ingest_max_file_mb * MB),
            max_pages=settings.ingest_max_pages,
            seconds=settings.ingest_parse_seconds,
            memory_bytes=int(settings.ingest_parse_memory_mb * MB),
        )


def load_files(settings: Settings, relatives: Iterable[str]) -> dict[str, Loaded | SkippedFile]:
    """Each file's sections, or the reason it is skipped."""
    wanted = list(relatives)
    out: dict[str, Loaded | SkippedFile] = {}
    if not wanted:
        return out
    limits = Limits.of(settings)
    worker = _Worker(settings.knowledge_dir, limits)
    try:
        for rel in wanted:
            size = (settings.knowledge_dir / rel).stat().st_size
            if size > limits.max_bytes:
                out[rel] = SkippedFile(
                    f"too large ({size / MB:.1f} MB; the limit is {limits.max_bytes / MB:g} MB, "
                    "setting INSPIRE_INGEST_MAX_FILE_MB)"
                )
                continue
            out[rel] = worker.parse(rel)
    finally:
        worker.close()
    return out


class _Worker:
    """One parsing subprocess (``python -m bot.index.parsing``), fed file names on its standard
    input; killed and started again when a file breaks a limit."""

    def __init__(self, root: Path, limits: Limits) -> None:
        self.root = root
        self.limits = limits
        self._process: subprocess.Popen[bytes] | None = None
        self._started = False  # the worker has answered once: its imports are done

    def _start(self) -> subprocess.Popen[bytes]:
        command = [sys.executable, "-m", "bot.index.parsing", str(self.root)]
        command += [str(self.limits.max_pages), str(self.limits.memory_bytes)]
        self._process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
        )
        return self._process

    def parse(self, rel: str) -> Loaded | SkippedFile:
        process = self._process or self._start()
        assert process.stdin is not None and process.stdout is not None
        allowance = 0.0 if self._started else STARTUP_SECONDS  # the first import of the parsers
        try:
            _send(process.stdin, rel)
            ready, _, _ = select.select([process.stdout], [], [], self.limits.seconds + allowance)
            if not ready:
                self._kill()
                return SkippedFile(
                    f"reading it took longer than {self.limits.seconds:g} s "
                    "(setting INSPIRE_INGEST_PARSE_SECONDS)"
                )
            status, payload = _receive(process.stdout)
        except (EOFError, OSError, pickle.UnpicklingError):  # died: the memory limit, most likely
            self._kill()
            return SkippedFile(_memory_message(self.limits))
        self._started = True
        if status == "ok":
            loaded: Loaded = payload
            return loaded
        if status == "memory":
            self._kill()  # a worker that ran out of memory is not trusted further
            return SkippedFile(_memory_message(self.limits))
        return SkippedFile(str(payload))

    def _kill(self) -> None:
        if self._process is not None:
            self._process.kill()
            self._process.wait(5)
            for stream in (self._process.stdin, self._process.stdout):
                if stream is not None:
                    stream.close()
        self._process = None
        self._started = False

    def close(self) -> None:
        if self._process is not None and self._process.stdin is not None:
            with contextlib.suppress(OSError):
                _send(self._process.stdin, None)
                self._process.wait(5)
        self._kill()


def _send(stream: IO[bytes], message: object) -> None:
    data = pickle.dumps(message)
    stream.write(len(data).to_bytes(8, "little") + data)
    stream.flush()


def _receive(stream: IO[bytes]) -> Any:
    header = stream.read(8)
    if len(header) < 8:
        raise EOFError("the parsing worker stopped")
    size = int.from_bytes(header, "little")
    data = stream.read(size)
    if len(data) < size:
        raise EOFError("the parsing worker stopped")
    return pickle.loads(data)  # from our own worker process only


def _memory_message(limits: Limits) -> str:
    return (
        f"reading it needs more than {limits.memory_bytes / MB:g} MB of memory "
        "(setting INSPIRE_INGEST_PARSE_MEMORY_MB)"
    )


def _serve(root: str, max_pages: int, memory_bytes: int) -> None:
    """The worker: parse the files named on standard input until it gets ``None``."""
    import resource

    from .sources import load_source  # imported before the memory limit applies

    requests, replies = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # whatever a parser prints must not corrupt the replies
    base = Path(root)
    if memory_bytes > 0:
        limit = _address_space() + memory_bytes
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    while True:
        try:
            rel = _receive(requests)
        except EOFError:  # the ingest process is gone (killed): so is this worker
            return
        if rel is None:
            return
        reply: tuple[str, Any]
        try:
            _check_pages(base / rel, max_pages)
            reply = ("ok", load_source(base, rel))
        except SkippedFile as exc:
            reply = ("skip", str(exc))
        except MemoryError:
            reply = ("memory", "")
        except Exception as exc:  # a parser bug on a hostile file: skip it, keep serving
            reply = ("skip", f"unreadable ({type(exc).__name__}: {exc})")
        try:
            _send(replies, reply)
        except MemoryError:
            _send(replies, ("memory", ""))


def _address_space() -> int:
    """The worker's virtual memory now (the memory limit is counted above it)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def _check_pages(path: Path, max_pages: int) -> None:
    if path.suffix.lower() != ".pdf" or max_pages <= 0:
        return
    from pypdf import PdfReader

    try:
        pages = len(PdfReader(path).pages)
    except Exception:
        return  # load_source reports a damaged PDF in its own words
    if pages > max_pages:
        raise SkippedFile(
            f"too many pages ({pages}; the limit is {max_pages}, setting INSPIRE_INGEST_MAX_PAGES)"
        )


def content_digest(loaded: Loaded | SkippedFile) -> str:
    """What a file gives to the index, hashed; "" for a skipped file (never equal).

    The date the facts were checked is left out: a snapshot fetched again, identical but for its
    date, gives the same digest and does not cause a new generation.
    """
    if isinstance(loaded, SkippedFile):
        return ""
    digest = hashlib.sha256()
    for section in loaded.sections:
        fields = dataclasses.asdict(section)
        checked = str(fields.pop("checked", ""))
        if checked:
            fields = {
                k: v.replace(checked, "") if isinstance(v, str) else v for k, v in fields.items()
            }
        digest.update(json.dumps(fields, sort_keys=True, ensure_ascii=False).encode())
    digest.update(json.dumps(loaded.problems).encode())
    return digest.hexdigest()


if __name__ == "__main__":
    _serve(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
