"""Lexical analysis shared by BM25 and the quote ranker."""

from __future__ import annotations

import pytest

from qa.index.lexical import analyze, fts_query, idf, stem, term_set


def test_numbers_lose_thousands_separators():
    assert analyze("72,000 hectares")[0] == "72000"
    assert analyze("72,000 hectares") == analyze("72000 hectares")
    assert analyze("1,000,000") == ["1000000"]
    assert "3.5" in analyze("it grew 3.5 percent.")
    assert analyze("in 2019.") == ["2019"]


def test_ordinal_words_are_read_as_their_numerals():
    assert term_set("What is the third part of the series?") & term_set("Part 3") == {"3", "part"}
    assert set(analyze("the third part")) <= set(analyze("the 3rd part"))
    assert analyze("Twelfth Night, first act") == ["12", "night", "1", "act"]
    assert analyze("firsthand thirds") == ["firsthand", "third"]  # whole words only


def test_stopwords_are_dropped_and_case_folded():
    assert analyze("What is the name of the Leader of DEVIDA?") == ["leader", "devida"]
    assert analyze("the of and to") == []


@pytest.mark.parametrize(
    ("a", "b"),
    [("mines", "mining"), ("operations", "operation"), ("cities", "city"), ("boxes", "box")],
)
def test_inflections_meet(a, b):
    assert analyze(a) == analyze(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [("operate", "operation"), ("operating", "operated"), ("relational", "relate")],
)
def test_derived_words_meet_their_root(a, b):
    """ "Where do the riverboats operate?" meets "are already in operation"."""
    assert analyze(a) == analyze(b)


def test_each_thread_stems_with_its_own_stemmer():
    from concurrent.futures import ThreadPoolExecutor

    roots = ("operat", "relat", "generat", "educat", "communicat", "separat")
    words = [r + end for r in roots for end in ("ion", "ional", "ionally", "ing", "ed", "es")]
    words *= 500
    uncached = stem.__wrapped__  # past the cache, so every call reaches a stemmer
    with ThreadPoolExecutor(8) as pool:
        stems = list(pool.map(uncached, words, chunksize=7))
    assert stems == [uncached(w) for w in words]
    first_of_each_root = [uncached(r + "ion") for r in roots]
    assert first_of_each_root == ["oper", "relat", "generat", "educ", "communic", "separ"]


@pytest.mark.parametrize(
    ("a", "b"), [("hectares", "hectare"), ("forces", "force"), ("mines", "mine")]
)
def test_singular_and_plural_of_words_ending_in_e_meet(a, b):
    assert analyze(a) == analyze(b)


def test_stem_leaves_short_words_numbers_and_ss_us_alone():
    assert stem("gas") == "gas"
    assert stem("2019") == "2019"
    assert stem("class") == "class"
    assert stem("virus") == "virus"


def test_unicode_words_are_kept_and_meet_their_unaccented_spelling():
    assert analyze("Acción Social in Perú") == ["accion", "social", "peru"]
    assert analyze("Accion Social in Peru") == analyze("ACCIÓN SOCIAL IN PERÚ")
    assert analyze("Müller and Ångström") == ["muller", "angstrom"]
    assert analyze("東京 Москва") == ["東京", "москва"]


def test_fts_query_quotes_every_term_once():
    assert fts_query(["coca", 'a"b', "coca", "", "OR"]) == '"coca" OR "a""b" OR "OR"'
    assert fts_query([]) == ""


def test_idf_is_positive_and_rarer_is_higher():
    assert idf(100, 100) > 0
    assert idf(1, 100) > idf(50, 100)


def test_term_set_is_the_analysed_words_and_unions_as_joined_text_would():
    title, before = "Peru: the 2019 Survey", "Mines closed, 72,000 hectares remained."
    assert term_set(before) == set(analyze(before))
    assert term_set(title) | term_set(before) == set(analyze(title + " " + before))
    assert term_set("") == frozenset()
