"""The web page served by the API app: ask, read a document at its quote, manage documents."""
