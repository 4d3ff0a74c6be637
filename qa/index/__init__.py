"""Index versions: embedding views, the embedding cache, build, store, live reload, updates."""
