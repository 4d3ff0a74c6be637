"""Benchmarks and the weight fit; run each from the repository root as
``.venv/bin/python -m bench.NAME`` so they share tests/support with the tests."""
