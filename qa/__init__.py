"""qa-bot core: cited, verbatim answers from a team's own documents."""

__version__ = "0.1.0"
