"""E-mail: subject as title, a From/Date line, the plain part; malformed mail refused."""

from __future__ import annotations

import pytest

from qa.corpus.loader import load_bytes
from qa.errors import InvalidDocument
from tests.support.formatfiles import FACTS, eml_bytes


def test_subject_header_line_and_plain_text():
    doc = load_bytes("notice.eml", eml_bytes())

    assert doc.title == "Database migration this weekend"
    assert "From: Dana Ops <dana@example.com>; Date: Thu, 03 Dec 2026 17:20:00 +0000" in doc.text
    assert FACTS[".eml"] in doc.text
    assert "HTML copy" not in doc.text and "PDF-1.4" not in doc.text  # plain part only


def test_html_only_mail_is_read_as_text():
    raw = (
        b"From: a@example.com\r\nSubject: Lunch\r\nContent-Type: text/html; charset=utf-8\r\n"
        b"\r\n<p>Lunch is at <b>noon</b> on Friday.</p>\r\n"
    )
    doc = load_bytes("lunch.eml", raw)
    assert "Lunch is at noon on Friday." in doc.text and "<b>" not in doc.text


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"\x00\x01\x02 not mail at all", "none of the From, To, Subject or Date headers"),
        (b"From: a@example.com\r\nSubject: Empty\r\n\r\n", "no text/plain or text/html body"),
        (
            b"From: a@example.com\r\nContent-Type: text/plain; charset=x-no-such\r\n\r\nhi\r\n",
            "unreadable e-mail body",
        ),
    ],
    ids=["garbage", "no-body", "unknown-charset"],
)
def test_malformed_mail_is_refused(raw, reason):
    with pytest.raises(InvalidDocument, match=reason):
        load_bytes("bad.eml", raw)
