"""Benchmarks of the product; run each from the repository root as
``.venv/bin/python -m bench.NAME`` (they share harness/ with the tests and training/)."""
