"""What a knowledge file says about itself: public title and URL, and what each page is about.

A file ``NAME.pdf`` (or ``.md``, ``.txt``) may have a sidecar ``NAME.meta.yaml``::

    title: {fr: "Brochure du programme INSPIRE", en: "INSPIRE programme brochure", …}
    url: https://example.org/inspire.pdf     # optional: citations link to URL#page=N
    pages:                                   # optional: a short topic per page, per language
      2: {fr: "Origine du programme", en: "How the programme was born", …}

Citations then carry the public title and a link a user can open, and answers quoted in French
to an English, Ukrainian or Polish user say in their language what the passage is about.
"""

from __future__ import annotations

import logging
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, HttpUrl, ValidationError

log = logging.getLogger(__name__)
META_SUFFIX = ".meta.yaml"


class DocumentInfo(BaseModel):
    """The sidecar of one knowledge file."""

    model_config = ConfigDict(extra="forbid")

    title: dict[str, str] = {}
    url: HttpUrl | None = None
    pages: dict[int, dict[str, str]] = {}

    def title_in(self, lang: str, default: str) -> str:
        return self.title.get(lang) or self.title.get("fr") or default

    def topic(self, page: int | None, lang: str) -> str | None:
        topics = self.pages.get(page or 0, {})
        return topics.get(lang) or topics.get("fr")

    def link(self, page: int | None) -> str | None:
        """The public URL of the file, at the page for a PDF."""
        if self.url is None:
            return None
        url = str(self.url)
        return f"{url}#page={page}" if page and url.lower().endswith(".pdf") else url


def load_documents(knowledge_dir: Path) -> dict[str, DocumentInfo]:
    """Every sidecar under ``knowledge_dir``, by the relative path of the file it describes.

    A sidecar that cannot be read is logged and ignored (the file is still cited, by name)."""
    found: dict[str, DocumentInfo] = {}
    if not knowledge_dir.is_dir():
        return found
    root = knowledge_dir.resolve()
    for path in sorted(knowledge_dir.rglob(f"*{META_SUFFIX}")):
        if not path.is_file() or path.is_symlink() or root not in path.resolve().parents:
            continue
        relative = path.relative_to(knowledge_dir).as_posix().removesuffix(META_SUFFIX)
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            info = DocumentInfo.model_validate(raw)
        except (OSError, UnicodeDecodeError, yaml.YAMLError, ValidationError) as exc:
            log.warning("ignored %s: %s", path.name, str(exc).splitlines()[0])
            continue
        for suffix in (".pdf", ".md", ".markdown", ".txt"):
            if (knowledge_dir / f"{relative}{suffix}").exists():
                found[f"{relative}{suffix}"] = info
    return found
