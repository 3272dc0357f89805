"""Off-topic passages that help the assistant know what it does not know.

A question that is closer to one of these passages than to anything in the knowledge index is
off-topic: the answerer abstains instead of quoting the least bad passage.
"""

from __future__ import annotations

import hashlib
from functools import cache
from importlib.resources import files


@cache
def background_passages() -> tuple[str, ...]:
    """The passages of ``bot/data/off_topic.txt`` (comments and blank lines left out)."""
    text = files("bot").joinpath("data/off_topic.txt").read_text(encoding="utf-8")
    lines = (line.strip() for line in text.splitlines())
    return tuple(line for line in lines if line and not line.startswith("#"))


def background_version() -> str:
    """A short hash of the passages: an index built with other passages is rebuilt."""
    digest = hashlib.sha256("\n".join(background_passages()).encode("utf-8"))
    return digest.hexdigest()[:12]
