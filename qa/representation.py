"""What text is embedded for each unit; the indexer and the cache both key on it."""

from __future__ import annotations

from qa.models import Chunk, Document, Sentence


def chunk_input(document: Document, chunk: Chunk) -> str:
    """A chunk is embedded with its document title, which often names what 'it' is."""
    return f"{document.title}\n\n{chunk.text}"


def sentence_input(sentence: Sentence) -> str:
    return sentence.text


def context_input(document: Document, sentences: list[Sentence], i: int) -> str:
    """A sentence seen with its title and the sentence before it (for pronouns)."""
    previous = sentences[i - 1].text if i > 0 else ""
    return f"{document.title}. {previous} {sentences[i].text}".strip()
