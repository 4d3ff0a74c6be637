"""The embedding model: the sentence-transformers embedder, its backends, micro-batching, adapters."""
