"""Domain errors. Entry points translate them: HTTP status, Slack sentence, CLI exit."""

from __future__ import annotations


class QAError(Exception):
    """Base class for every error the core raises on purpose."""


class InvalidQuestion(QAError):
    """The question is empty, too long or otherwise unusable."""


class NoIndex(QAError):
    """No index has been built yet (or it could not be loaded)."""


class IndexCorrupt(NoIndex):
    """An index file does not match the checksum in its manifest."""


class IndexBusy(QAError):
    """Another writer holds the index lock."""


class DocumentNotFound(QAError):
    """No document with that id is in the index."""


class InvalidDocument(QAError):
    """An uploaded or loaded document cannot be used (bad type, no text, too big)."""


class DocumentTooLarge(InvalidDocument):
    """A document is over a size limit, before or after decompression (a PDF bomb)."""


class DocumentExists(QAError):
    """A new document would replace a different one with the same file name."""

    def __init__(self, message: str, document_id: str) -> None:
        super().__init__(message)
        self.document_id = document_id


class CorpusNotFound(QAError):
    """The corpus folder does not exist."""


class Unauthorized(QAError):
    """A request lacks the API key the configuration requires."""


class ModelUnavailable(QAError):
    """The configured embedding model cannot be loaded."""


class InvalidSpan(QAError):
    """A character span that is malformed or not on the bounds the index quotes from."""


class SpanOutsideDocument(QAError):
    """A character span that reaches past the end of its document."""


class IndexTooLarge(QAError):
    """The index would need more memory for its vectors than the configuration allows."""


class DistributedBuildFailed(QAError):
    """A distributed build (`qa index --ray`) could not finish; nothing was published."""


class RayNotInstalled(DistributedBuildFailed):
    """`qa index --ray` on an install without the ray extra."""


class ClusterUnreachable(DistributedBuildFailed):
    """No Ray cluster answers at the configured address."""


class CrawlFailed(QAError):
    """`qa crawl` cannot start or read its start page (bad address, robots.txt, no answer)."""
