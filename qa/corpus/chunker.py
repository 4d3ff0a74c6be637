"""Cut documents into overlapping chunks that know their character span."""

from __future__ import annotations

import hashlib

from langchain_text_splitters import RecursiveCharacterTextSplitter

from qa.models import Chunk, Document


def chunk_id(document_id: str, text: str) -> str:
    """Content-derived id: the same text in the same document keeps its id."""
    return hashlib.sha256(f"{document_id}\0{text}".encode()).hexdigest()[:24]


class Chunker:
    """RecursiveCharacterTextSplitter with spans checked against the document text."""

    def __init__(self, chunk_size: int, chunk_overlap: int) -> None:
        if chunk_overlap >= chunk_size:
            raise ValueError(
                f"chunk_overlap ({chunk_overlap}) must be smaller than chunk_size ({chunk_size})"
            )
        self._splitter = RecursiveCharacterTextSplitter(
            chunk_size=chunk_size,
            chunk_overlap=chunk_overlap,
            separators=["\n\n", "\n", ". ", "; ", ", ", " ", ""],
            keep_separator="end",
            add_start_index=True,
        )

    def split(self, document: Document) -> list[Chunk]:
        chunks = []
        search_from = 0
        for piece in self._splitter.create_documents([document.text]):
            text = piece.page_content
            start = piece.metadata.get("start_index", -1)
            if start < 0 or document.text[start : start + len(text)] != text:
                start = document.text.find(text, search_from)
            if start < 0:  # cannot happen for a splitter that only cuts, but never guess a span
                continue
            search_from = start + 1
            end = start + len(text)
            chunks.append(Chunk(chunk_id(document.id, text), document.id, start, end, text))
        return chunks
