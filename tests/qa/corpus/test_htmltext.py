"""html_to_text: what a reader of the page sees, and the page's own title."""

from __future__ import annotations

from qa.corpus.htmltext import html_to_text


def test_blocks_become_paragraphs_and_inline_markup_disappears():
    text = html_to_text("<p>One <i>two</i>&nbsp;three.</p><div>Four<br>five</div>").text

    assert text == "One two\xa0three.\n\nFour\n\nfive"


def test_runs_of_space_fold():
    """A line break in the page's source is a space in the flow (CSS ``white-space:
    normal``): documentation generators wrap their prose at ~80 columns."""
    text = html_to_text("<p>  many \t  spaces\n   here  </p>").text

    assert text == "many spaces here"


def test_body_text_survives_a_head_without_its_end_tag():
    """``</head>`` is optional in HTML; the body after it is still the page's text."""
    html = "<html><head><title>T</title><meta charset=utf-8><body><p>Body text.</p></body>"

    page = html_to_text(html)
    assert (page.text, page.title) == ("Body text.", "T")


def test_svg_title_is_not_the_page_title():
    """Inline icons carry <title> for screen readers; the page title is the head's."""
    html = (
        "<head><title>Mining report</title></head><body>"
        "<svg><title>menu icon</title><path d='M0'/></svg><p>Gold in La Pampa.</p></body>"
    )
    page = html_to_text(html)
    text, title = page.text, page.title

    assert title == "Mining report"
    assert "menu icon" not in text and text == "Gold in La Pampa."
