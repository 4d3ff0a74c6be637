"""Documents from the corpus folder: loading, HTML text, sentence splitting, chunking."""
