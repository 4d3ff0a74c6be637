"""Index versions: embedding views, segments, build, merge, store, live reload, updates."""
