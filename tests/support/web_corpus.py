"""A small corpus for the web page tests: a file, a web page (URL source) and markup.

Built in a temp folder and indexed with the real model by the tests of the web page and
of /metrics.
"""

from __future__ import annotations

from pathlib import Path

from qa.build.build import build_index
from qa.corpus.loader import document_id
from qa.settings import Settings
from tests.support.settings import corpus_settings

LIGHTHOUSE_URL = "https://example.org/history/lighthouses"
DOCS = {
    "lighthouse.md": (
        "---\ntitle: The Hook Head lighthouse\nurl: " + LIGHTHOUSE_URL + "\n---\n\n"
        "Hook Head is one of the oldest working lighthouses in the world. "
        "The tower was built by William Marshal in the early thirteenth century.\n\n"
        "Monks kept a beacon burning on the headland for centuries before the tower stood. "
        "The light was automated in 1996, and the keepers left the station that year.\n"
    ),
    "payroll.txt": (
        "Payroll policy\n\n"
        "Salaries are paid on the 25th day of each month by bank transfer. "
        "When the 25th falls on a weekend, salaries are paid on the Friday before.\n\n"
        "Expense claims must be filed within thirty days of the purchase.\n"
    ),
    "markup.txt": (
        "Notes on <script> & <b>markup</b>\n\n"
        "The sample tag <script>window.__pwned = 1;</script> must be shown as text. "
        "The reviewer flagged the tag <b>bold</b> in the wiki export last Tuesday.\n"
    ),
}
PAYROLL_QUESTION = "On which day of the month are salaries paid?"
PAYROLL_FACT = "25th day of each month"
LIGHTHOUSE_QUESTION = "When was the light automated?"
LIGHTHOUSE_FACT = "automated in 1996"
MARKUP_QUESTION = "Which tag did the reviewer flag in the wiki export?"
UNANSWERABLE = "What is the boiling point of mercury?"
MARKUP_ID = document_id("markup.txt")
PAYROLL_ID = document_id("payroll.txt")


def web_corpus(root: Path, embedder, more: dict[str, str] | None = None, **extra) -> Settings:
    """Write DOCS (and ``more``) under ``root/corpus`` and index them into ``root/index``."""
    docs = {**DOCS, **(more or {})}
    settings = corpus_settings(root, docs, **extra)
    report = build_index(settings, embedder)
    assert report.documents == len(docs) and not report.skipped, report
    return settings
