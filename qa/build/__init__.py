"""Writing the index: builds (local and Ray), document updates, the write journal, the watcher."""
