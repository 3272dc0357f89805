"""Split step: sections → chunks with deterministic ids (``source:page:n``), chunks → sentences."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from langchain_text_splitters import RecursiveCharacterTextSplitter

from ..text import split_sentences
from .sources import Section


@dataclass(frozen=True)
class Chunk:
    """A retrievable passage with everything a citation needs."""

    id: str
    text: str
    source: str
    title: str
    section: str
    page: int
    url: str
    kind: str
    checked: str

    @property
    def indexed_text(self) -> str:
        """What the retrievers see: the heading path gives short passages their context."""
        return f"{self.section}\n{self.text}" if self.section else self.text

    def metadata(self) -> dict[str, Any]:
        """Flat metadata for the vector store (no ``None``: Chroma refuses it)."""
        data = asdict(self)
        del data["id"], data["text"]
        return data

    def to_record(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Chunk:
        return cls(**record)


@dataclass(frozen=True)
class Sentence:
    """One sentence of a chunk: the unit an extractive answer quotes."""

    id: str
    chunk_id: str
    position: int
    text: str


def split_sections(sections: Iterable[Section], chunk_size: int, overlap: int) -> list[Chunk]:
    """Cut sections into chunks of about ``chunk_size`` characters, numbered per page."""
    splitter = RecursiveCharacterTextSplitter(
        chunk_size=chunk_size,
        chunk_overlap=min(overlap, chunk_size // 2),
        separators=["\n\n", "\n", ". ", "; ", ", ", " ", ""],
        keep_separator="end",
    )
    counters: dict[tuple[str, str], int] = defaultdict(int)
    chunks = []
    for section in sections:
        for piece in splitter.split_text(section.text):
            piece = piece.strip()
            if not piece:
                continue
            slot = (section.source, section.key)
            chunk_id = f"{section.source}:{section.key}:{counters[slot]}"
            counters[slot] += 1
            chunks.append(
                Chunk(
                    chunk_id,
                    piece,
                    section.source,
                    section.title,
                    section.section,
                    section.page,
                    section.url,
                    section.kind,
                    section.checked,
                )
            )
    return chunks


def sentences_of(chunk: Chunk) -> list[Sentence]:
    """The quotable sentences of a chunk, in reading order."""
    return [
        Sentence(f"{chunk.id}#{i}", chunk.id, i, text)
        for i, text in enumerate(split_sentences(chunk.text))
    ]
