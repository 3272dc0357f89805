"""Reading the knowledge files that changed, and a digest of the text each one gave."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Iterable

from ..config import Settings
from .sources import Loaded, SkippedFile, load_source


def load_files(settings: Settings, relatives: Iterable[str]) -> dict[str, Loaded | SkippedFile]:
    """Each file's sections, or the reason it is skipped."""
    out: dict[str, Loaded | SkippedFile] = {}
    for rel in relatives:
        try:
            out[rel] = load_source(settings.knowledge_dir, rel)
        except SkippedFile as exc:
            out[rel] = exc
    return out


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
