"""PDF: text per page with pypdf, page numbers kept as offsets."""

from __future__ import annotations

import io

from qa.corpus.formats.parsed import Parsed
from qa.errors import DocumentTooLarge, InvalidDocument

MAX_PDF_TEXT_CHARS = 20_000_000


def parse(data: bytes) -> Parsed:
    """pypdf stops a stream that inflates past its limit (a PDF bomb); that, and text
    beyond MAX_PDF_TEXT_CHARS, is DocumentTooLarge; any other failure of the parser on
    hostile bytes is an unreadable PDF, never an unexpected error."""
    from pypdf import PdfReader
    from pypdf.errors import LimitReachedError

    try:
        reader = PdfReader(io.BytesIO(data))
        parts, pages, offset = [], [], 0
        for number, page in enumerate(reader.pages, start=1):
            text = (page.extract_text() or "").replace("\r\n", "\n").strip()
            pages.append((number, offset))
            parts.append(text)
            offset += len(text) + 2
            if offset > MAX_PDF_TEXT_CHARS:
                raise DocumentTooLarge(
                    f"the PDF holds more than {MAX_PDF_TEXT_CHARS:,} characters of text "
                    f"(by page {number}); split it into smaller files"
                )
    except LimitReachedError as exc:
        raise DocumentTooLarge(
            f"the PDF's compressed content expands beyond the reader's limit ({exc}); "
            "it is refused as a likely decompression bomb"
        ) from exc
    except DocumentTooLarge:
        raise
    except Exception as exc:  # pypdf on hostile input can raise anything (RecursionError too)
        raise InvalidDocument(f"unreadable PDF: {type(exc).__name__}: {exc}") from exc
    return Parsed(text="\n\n".join(parts), pages=tuple(pages))
