"""E-mail (.eml) with the standard library: the subject is the title, a From/Date line
heads the text, then the text/plain part (or the HTML part's text); attachments ignored."""

from __future__ import annotations

import email
from email import policy
from email.message import EmailMessage

from qa.corpus.formats.html import read_page
from qa.corpus.formats.parsed import Parsed, TextBuilder
from qa.errors import InvalidDocument

_HEADERS = ("from", "to", "subject", "date")


def parse(data: bytes) -> Parsed:
    try:
        message = email.message_from_bytes(data, policy=policy.default)
        present = [name for name in _HEADERS if message.get(name) is not None]
    except Exception as exc:  # header parsing on hostile bytes
        raise InvalidDocument(f"not a readable e-mail: {type(exc).__name__}: {exc}") from exc
    if not present or not isinstance(message, EmailMessage):
        raise InvalidDocument(
            "not an e-mail message: it has none of the From, To, Subject or Date headers"
        )
    try:
        subject = " ".join(str(message.get("subject", "")).split())
        line = "; ".join(
            f"{name}: {' '.join(str(message[name]).split())}"
            for name in ("From", "Date")
            if message.get(name) is not None
        )
        body = message.get_body(preferencelist=("plain", "html"))
        part = Parsed(text="")
        if body is not None:
            content = body.get_content()
            if isinstance(content, bytes):
                content = content.decode("utf-8", "replace")
            if body.get_content_subtype() == "html":
                part = read_page(content)
            else:
                part = Parsed(text=content.replace("\r\n", "\n"))
    except Exception as exc:  # an unknown charset, a broken transfer encoding
        raise InvalidDocument(f"unreadable e-mail body: {type(exc).__name__}: {exc}") from exc
    if not part.text.strip():
        raise InvalidDocument("the e-mail has no text/plain or text/html body")
    builder = TextBuilder()
    if subject:
        builder.heading(1, subject)
    builder.paragraph(line)
    builder.embed(part, within=(subject,) if subject else ())
    return builder.build(title=subject)
