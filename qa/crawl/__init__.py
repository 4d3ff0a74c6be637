"""`qa crawl URL`: a documentation site fetched into the corpus folder, politely and
incrementally, so `qa index` reads it like any other folder of HTML files."""
