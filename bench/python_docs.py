"""Answer quality on the Python 3.11 documentation, a documentation site as a team has one.

Copies ``PAGES`` (the tutorial, seven howtos and 64 library pages, 88 in all) from
Debian's ``python3.11-doc`` (``apt-get install python3.11-doc``) into a corpus folder,
builds an index, asks ``bench/python_docs_questions.jsonl`` as ``qa eval`` does and prints
top-1 and top-3 (acc@1, acc@3: the answer in the best or the three best sentences), the
top quotes that are navigation, a table of contents or code, and the build time against
a plain build of the same sentences with the same model in the same run (one vector per
sentence, a flat FAISS index).

    OMP_NUM_THREADS=2 QA_TORCH_THREADS=2 .venv/bin/python -m bench.python_docs \
        [--docs /usr/share/doc/python3.11/html] [--work bench/.python-docs] [--reuse]

``--reuse`` asks an index the work folder already holds (built by an earlier run from the
same pages) instead of building again; ``qa eval bench/python_docs_questions.jsonl
--index WORK/index`` gives the same figures. Whether a top quote is navigation, a table
of contents or code is decided from the original page, not from what the index kept:
its text appears in the page's navigation, sidebars, tables of contents or footers (or
in a ``<pre>``, a table or an API signature) and nowhere in its prose.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import time
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import faiss
import numpy as np

from harness.reproduce import print_reproduce
from qa.build.build import build_index
from qa.evaluation.datasets import load_jsonl
from qa.evaluation.metrics import evaluate
from qa.model.embedder import Embedder
from qa.runtime import Runtime, build_embedder
from qa.settings import Settings

DOCS = Path("/usr/share/doc/python3.11/html")
QUESTIONS = Path(__file__).with_name("python_docs_questions.jsonl")
TUTORIAL = (
    "appendix",
    "appetite",
    "classes",
    "controlflow",
    "datastructures",
    "errors",
    "floatingpoint",
    "index",
    "inputoutput",
    "interactive",
    "interpreter",
    "introduction",
    "modules",
    "stdlib",
    "stdlib2",
    "venv",
    "whatnow",
)
HOWTOS = ("argparse", "descriptor", "functional", "logging", "regex", "sorting", "unicode")
LIBRARY = (
    "abc",
    "argparse",
    "asyncio-task",
    "base64",
    "bisect",
    "calendar",
    "collections",
    "concurrent.futures",
    "configparser",
    "contextlib",
    "copy",
    "csv",
    "dataclasses",
    "datetime",
    "decimal",
    "enum",
    "fnmatch",
    "functools",
    "glob",
    "gzip",
    "hashlib",
    "heapq",
    "http.server",
    "io",
    "itertools",
    "json",
    "logging",
    "logging.config",
    "logging.handlers",
    "math",
    "operator",
    "os.path",
    "pathlib",
    "pickle",
    "pprint",
    "queue",
    "random",
    "re",
    "secrets",
    "shutil",
    "sqlite3",
    "statistics",
    "string",
    "struct",
    "subprocess",
    "sys",
    "tarfile",
    "tempfile",
    "textwrap",
    "threading",
    "time",
    "timeit",
    "tomllib",
    "traceback",
    "typing",
    "unittest",
    "unittest.mock",
    "urllib.parse",
    "urllib.request",
    "uuid",
    "venv",
    "warnings",
    "zipfile",
    "zoneinfo",
)
PAGES = (
    *(f"tutorial/{name}.html" for name in TUTORIAL),
    *(f"howto/{name}.html" for name in HOWTOS),
    *(f"library/{name}.html" for name in LIBRARY),
)
PLAIN_BATCH = 256
_SPACE = re.compile(r"\s+")
# Regions of a Sphinx page that are not its prose, as the bench judges them.
_NAV_CLASSES = {"sphinxsidebar", "related", "footer", "toctree-wrapper", "mobile-nav"}
_NAV_TAGS = {"nav", "header", "footer"}
_NAV_ROLES = {"navigation", "search", "banner", "contentinfo", "complementary"}
_BOILERPLATE = (
    "Previous topic",
    "Next topic",
    "This Page",
    "Report a Bug",
    "Show Source",
    "Quick search",
    "Table of Contents",
    "Navigation",
)
_VOID = {"br", "hr", "img", "input", "meta", "link", "wbr", "source", "area", "col"}


def copy_pages(docs: Path, corpus: Path) -> int:
    """``PAGES`` from ``docs`` into ``corpus`` (the same relative paths); bytes copied."""
    missing = [page for page in PAGES if not (docs / page).is_file()]
    if missing:
        raise SystemExit(
            f"{docs} lacks {len(missing)} of the pages ({', '.join(missing[:3])} ...): "
            "install them with `apt-get install python3.11-doc`"
        )
    total = 0
    for page in PAGES:
        target = corpus / page
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(docs / page, target)
        total += target.stat().st_size
    return total


class _Regions(HTMLParser):
    """A page's text in three parts: navigation and tables of contents, code, the rest."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.nav: list[str] = []
        self.code: list[str] = []
        self.prose: list[str] = []
        self._stack: list[tuple[str, str]] = []  # (tag, "nav", "code", "hidden" or "")

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in _VOID:
            return
        attr = {k: v or "" for k, v in attrs}
        kind = self._stack[-1][1] if self._stack else ""
        classes = set(attr.get("class", "").split())
        if tag in ("script", "style"):
            kind = "hidden"
        elif kind not in ("nav", "hidden") and (
            tag in _NAV_TAGS or classes & _NAV_CLASSES or attr.get("role") in _NAV_ROLES
        ):
            kind = "nav"
        elif not kind and (tag in ("pre", "table") or (tag == "dt" and "sig" in classes)):
            kind = "code"
        self._stack.append((tag, kind))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self._stack) - 1, -1, -1):
            if self._stack[i][0] == tag:
                del self._stack[i:]
                return

    def handle_data(self, data: str) -> None:
        kind = self._stack[-1][1] if self._stack else ""
        if kind != "hidden":
            {"nav": self.nav, "code": self.code, "": self.prose}[kind].append(data)


def _flat(parts: list[str]) -> str:
    return _SPACE.sub(" ", " ".join(parts))


@dataclass(frozen=True)
class PageRegions:
    nav: str
    code: str
    prose: str

    @classmethod
    def of(cls, html: str) -> PageRegions:
        parser = _Regions()
        parser.feed(html)
        parser.close()
        return cls(_flat(parser.nav), _flat(parser.code), _flat(parser.prose))

    def kind(self, quote: str) -> str:
        """ "navigation", "code" or "" (prose) for a quote taken from this page."""
        text = _SPACE.sub(" ", quote).strip()
        if any(phrase in text for phrase in _BOILERPLATE) and text not in self.prose:
            return "navigation"
        pieces = [p for p in re.split(r"\n\s*\n", quote) if p.strip()]
        for piece in pieces:
            piece = _SPACE.sub(" ", piece).strip()
            if piece in self.prose:
                continue
            if piece in self.nav:
                return "navigation"
            if piece in self.code:
                return "code"
        return ""


def plain_build(embedder: Embedder, texts: list[str], path: Path) -> float:
    """Seconds to embed each text once and write a flat FAISS index of them."""
    started = time.perf_counter()
    parts = [embedder.embed(texts[i : i + PLAIN_BATCH]) for i in range(0, len(texts), PLAIN_BATCH)]
    vectors = np.concatenate(parts).astype(np.float32)
    index = faiss.IndexFlatIP(vectors.shape[1])
    index.add(vectors)
    faiss.write_index(index, str(path))
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=Path, default=DOCS)
    parser.add_argument("--work", type=Path, default=Path("bench/.python-docs"))
    parser.add_argument("--questions", type=Path, default=QUESTIONS)
    parser.add_argument("--reuse", action="store_true", help="ask the work folder's index")
    parser.add_argument("--report", type=Path, help="one JSON line per question here")
    args = parser.parse_args()
    corpus, index = args.work / "corpus", args.work / "index"
    settings = Settings(corpus_dir=corpus, index_dir=index)
    embedder = build_embedder(settings)
    embedder.embed(["warm-up"])
    build_s = None
    if not (args.reuse and index.is_dir()):
        shutil.rmtree(args.work, ignore_errors=True)
        size = copy_pages(args.docs, corpus)
        print(f"{len(PAGES)} pages, {size / 1e6:.1f} MB of HTML copied to {corpus}", flush=True)
        started = time.perf_counter()
        report = build_index(settings, embedder, full=True, progress=True)
        build_s = time.perf_counter() - started
        print(
            f"index: {report.documents} documents, {report.chunks} chunks, "
            f"{report.sentences} sentences in {build_s:.1f} s",
            flush=True,
        )
    runtime = Runtime.build(settings, embedder)
    reader = runtime.live.current()
    if build_s is not None:
        texts = [s.text for s in reader.sentences]
        plain_s = plain_build(embedder, texts, args.work / "plain.faiss")
        n = len(texts)
        print(
            f"build: qa index {build_s:.1f} s ({1000 * build_s / n:.2f} ms/sentence), "
            f"plain one vector per sentence {plain_s:.1f} s "
            f"({1000 * plain_s / n:.2f} ms/sentence), ratio {build_s / plain_s:.2f}"
        )

    questions = load_jsonl(args.questions)
    report = evaluate(runtime.service, questions)
    summary = report.summary()
    pages = {d.id: PageRegions.of((corpus / d.path).read_text()) for d in reader.documents.values()}
    kinds: dict[str, list[str]] = {"navigation": [], "code": []}
    sections = 0
    for item in questions:
        ranking = runtime.service.rank(item.question)
        shown = runtime.service.quotes(ranking, 1)
        if not shown:
            continue
        quote = shown[0]
        sections += bool(quote.section)
        kind = pages[quote.document.id].kind(quote.text)
        if kind:
            kinds[kind].append(f"{item.id}: {quote.text[:80]!r}")
    n = summary["answerable"]
    print(f"\nPython 3.11 docs, {len(PAGES)} pages, {n} questions ({args.questions}):")
    print(f"  top-1 (acc@1): {summary['acc@1']:.3f} ({round(summary['acc@1'] * n)}/{n})")
    print(f"  top-3 (acc@3): {summary['acc@3']:.3f} ({round(summary['acc@3'] * n)}/{n})")
    print(f"  quote@1: {summary['quote@1']:.3f}, mrr {summary['mrr']:.3f}")
    print(f"  top quotes that are navigation or a table of contents: {len(kinds['navigation'])}")
    print(f"  top quotes that are code: {len(kinds['code'])}")
    print(f"  top quotes citing a section: {sections}/{len(questions)}")
    for kind, found in kinds.items():
        for line in found:
            print(f"    {kind}: {line}")
    missed = [r for r in report.results if not (r.correct_rank and r.correct_rank <= 3)]
    for r in missed:
        print(f"  not in top-3: {r.id} {r.question!r} -> {r.top_quote[:100]!r}")
    if args.report:
        report.write(args.report)
    print(json.dumps(summary))
    print(f"iterate: qa eval {args.questions} --index {index}")
    print_reproduce(__spec__.name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
