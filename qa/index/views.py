"""What text is embedded for each unit; the index build and the cache both key on it.

A sentence is embedded four ways, because answer sentences often say "it" or "she"
where the question names the thing: alone, after its document title, after the title
and the sentence before it, and followed by the sentence after it.
"""

from __future__ import annotations

from qa.models import Chunk, Document, Sentence

SENTENCE_VIEWS = ("sentences", "titled", "contexts", "withnext")


def chunk_input(document: Document, chunk: Chunk) -> str:
    """A chunk is embedded with its document title, which often names what 'it' is."""
    return f"{document.title}\n\n{chunk.text}"


def sentence_views(document: Document, sentences: list[Sentence]) -> dict[str, list[str]]:
    """Each view's input texts for a document's sentences, in sentence order."""
    texts = [s.text for s in sentences]
    previous = [""] + texts[:-1]
    following = texts[1:] + [""]
    title = document.title
    return {
        "sentences": texts,
        "titled": [f"{title}. {t}" for t in texts],
        "contexts": [f"{title}. {p} {t}".strip() for p, t in zip(previous, texts)],
        "withnext": [f"{t} {n}".strip() for t, n in zip(texts, following)],
    }
