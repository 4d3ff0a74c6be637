"""Word-level analysis shared by the lexical index and the quote ranker."""

from __future__ import annotations

import functools
import math
import re
import threading
import unicodedata

import Stemmer

_TOKEN = re.compile(r"\d+(?:[,.]\d+)*|[^\W_]+", re.UNICODE)
STOPWORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for
    from further had has have having he her here hers herself him himself his how i if
    in into is it its itself just me more most my myself no nor not now of off on once
    only or other our ours ourselves out over own same she should so some such than that
    the their theirs them themselves then there these they this those through to too
    under until up very was we were what when where which while who whom why will with
    would you your yours yourself yourselves also many much whose name named called
    known one s t""".split()
)


# Ordinal words are read as their numerals, so "the third part" meets "Part 3" (and "3rd",
# whose digits are a token of their own). Indexes record ANALYSIS: a change of what
# ``analyze`` gives rewrites every document's terms (qa.index.manifest.Chunking).
ORDINALS = {
    word: str(n)
    for n, word in enumerate(
        "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth".split(),
        start=1,
    )
}
# What each analysis recorded: "" (a light plural-and-tense stripper), "ordinals" (ordinal
# words as numerals), "ordinals+snowball" (and the English Snowball stemmer),
# "ordinals+snowball+folded" (and accents dropped: "Peru" meets "Perú").
ANALYSIS = "ordinals+snowball+folded"


# English Snowball ("Porter2", PyStemmer's C build): "operate", "operation" and
# "operating" all become "oper", where a plural-and-tense stripper leaves three words.
# A PyStemmer object is not safe to share between threads: each thread gets its own.
_PER_THREAD = threading.local()


@functools.lru_cache(maxsize=1 << 16)
def stem(token: str) -> str:
    """The English Snowball stem of a lowercased word without its accents; numbers are
    kept as they are."""
    if token[:1].isdigit():
        return token
    if not token.isascii():  # accents dropped, as a reader typing without them expects
        token = "".join(
            c for c in unicodedata.normalize("NFKD", token) if not unicodedata.combining(c)
        )
    stemmer = getattr(_PER_THREAD, "stemmer", None)
    if stemmer is None:
        stemmer = _PER_THREAD.stemmer = Stemmer.Stemmer("english")
        stemmer.maxCacheSize = 0  # this function's cache already holds every stem
    return stemmer.stemWord(token)


def analyze(text: str) -> list[str]:
    """Lowercased, stemmed content words; numbers lose their thousands separators, and
    ordinal words become numerals."""
    out = []
    for match in _TOKEN.finditer(text.lower()):
        token = match.group(0)
        if token[0].isdigit():
            token = token.replace(",", "").rstrip(".")
        elif token in STOPWORDS:
            continue
        elif token in ORDINALS:
            out.append(ORDINALS[token])
            continue
        out.append(stem(token))
    return out


@functools.lru_cache(maxsize=1 << 14)
def term_set(text: str) -> frozenset[str]:
    """The set of ``analyze(text)``, remembered for the texts most recently asked about: the
    ranker reads each candidate sentence, its neighbour and its title for every question."""
    return frozenset(analyze(text))


def chunk_terms(title: str, text: str) -> list[str]:
    """What the lexical index holds for a chunk: its document title's words and its own."""
    return analyze(title + "\n" + text)


def fts_query(terms: list[str]) -> str:
    """An FTS5 OR-query of the terms, each quoted so no term is read as syntax."""
    unique = list(dict.fromkeys(t for t in terms if t))
    return " OR ".join('"' + t.replace('"', '""') + '"' for t in unique)


def idf(df: int, n: int) -> float:
    """BM25's smoothed inverse document frequency (never negative)."""
    return math.log(1.0 + (n - df + 0.5) / (df + 0.5))
