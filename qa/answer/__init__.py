"""The query path: retrieval, sentence ranking, verbatim quotes and the answer service."""
