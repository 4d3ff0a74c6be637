"""Index versions: embedding views, segments, vectors, lexical terms, merge, the store and live reload."""
