"""html_to_text: what a reader of the page sees, and the page's own title."""

from __future__ import annotations

from qa.corpus.htmltext import html_to_text
from qa.models import Document


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


SPHINX = """<!DOCTYPE html><html><head><title>pathlib — Object-oriented filesystem paths</title>
</head><body>
<div class="related" role="navigation"><h3>Navigation</h3><ul><li><a href="os.html">previous</a> |</li>
<li><a href="genindex.html">index</a></li></ul></div>
<div class="document"><div class="documentwrapper"><div class="bodywrapper">
<div class="body" role="main">
<section id="module-pathlib"><h1>pathlib — Object-oriented filesystem paths<a class="headerlink"
 href="#module-pathlib" title="Permalink">¶</a></h1>
<p>This module offers classes representing filesystem paths with semantics
appropriate for different operating systems.</p>
<section id="basic-use"><h2>Basic use<a class="headerlink" href="#basic-use">¶</a></h2>
<p>Importing the main class is the first thing you do.</p>
<section id="creating-paths"><h3>Creating paths<a class="headerlink" href="#creating-paths">¶</a></h3>
<p>Listing subdirectories works like this:</p>
<div class="highlight-python3 notranslate"><div class="highlight"><pre><span></span><span class="gp">&gt;&gt;&gt; </span><span class="n">p</span> <span class="o">=</span> <span class="n">Path</span><span class="p">(</span><span class="s1">'.'</span><span class="p">)</span>
<span class="gp">&gt;&gt;&gt; </span><span class="p">[</span><span class="n">x</span> <span class="k">for</span> <span class="n">x</span> <span class="ow">in</span> <span class="n">p</span><span class="o">.</span><span class="n">iterdir</span><span class="p">()]</span>
</pre></div></div>
<p>Paths are immutable and hashable, so they work as dictionary keys.</p>
<dl class="py method"><dt class="sig sig-object py" id="pathlib.Path.exists">
<span class="sig-prename">Path.</span><span class="sig-name">exists</span>()<a class="headerlink" href="#pathlib.Path.exists">¶</a></dt>
<dd><p>Whether the path points to an existing file or directory.</p></dd></dl>
<p>After the entry the text is under the heading again.</p>
<table class="docutils"><tr><th>Operation</th><th>Meaning</th></tr>
<tr><td>p / q</td><td>joins the two paths into one longer path.</td></tr></table>
</section></section></section></div></div></div>
<div class="sphinxsidebar" role="navigation"><h3>Table of Contents</h3><ul><li><a href="#">pathlib</a></li></ul>
<h4>Previous topic</h4><p class="topless"><a href="os.html">os</a></p>
<div role="search"><h3>Quick search</h3><form><input type="text"></form></div></div>
<div class="clearer"></div></div>
<div class="footer">© Copyright 2001-2023, Python Software Foundation. <a href="bugs.html">Report a Bug</a></div>
</body></html>"""


def test_sphinx_page_keeps_its_body_and_drops_navigation_sidebar_and_footer():
    page = html_to_text(SPHINX)

    assert page.title == "pathlib — Object-oriented filesystem paths"
    assert page.text.startswith("pathlib — Object-oriented filesystem paths\n\nThis module")
    for chrome in (
        "Navigation",
        "previous",
        "Table of Contents",
        "Previous topic",
        "Quick search",
        "Copyright",
        "Report a Bug",
        "¶",
    ):
        assert chrome not in page.text
    assert "semantics appropriate" in page.text  # the source's line break is a space


def test_sphinx_headings_become_section_paths_with_their_anchors():
    page = html_to_text(SPHINX)
    found = [(s.label, s.anchor, page.text[s.start : s.start + 12]) for s in page.sections]

    assert found == [
        ("pathlib — Object-oriented filesystem paths", "module-pathlib", "pathlib — Ob"),
        ("pathlib — Object-oriented filesystem paths > Basic use", "basic-use", "Basic use\n\nI"),
        (
            "pathlib — Object-oriented filesystem paths > Basic use > Creating paths",
            "creating-paths",
            "Creating pat",
        ),
        (
            "pathlib — Object-oriented filesystem paths > Basic use > Creating paths"
            " > pathlib.Path.exists",
            "pathlib.Path.exists",
            "Path.exists(",
        ),
        (
            "pathlib — Object-oriented filesystem paths > Basic use > Creating paths",
            "creating-paths",
            "After the en",
        ),
    ]
    document = Document("d", "t", "s", "p", page.text, "h", sections=page.sections)
    inside = page.text.index("Whether the path")
    assert document.section_at(inside).anchor == "pathlib.Path.exists"
    assert document.section_at(page.text.index("Paths are immutable")).path[-1] == "Creating paths"


def test_sphinx_code_blocks_signatures_and_tables_are_code_spans_kept_in_the_text():
    page = html_to_text(SPHINX)
    code = [page.text[a:b] for a, b in page.code]

    assert code == [
        ">>> p = Path('.')\n>>> [x for x in p.iterdir()]",  # verbatim, lines kept
        "Path.exists()",
        "Operation Meaning\n\np / q joins the two paths into one longer path.",
    ]
    prose = page.text.index("Paths are immutable")
    assert not any(a <= prose < b for a, b in page.code)


MKDOCS = """<html><head><title>Configuration - My Project</title></head><body>
<header class="md-header"><nav class="md-header__inner"><a href="/">My Project</a></nav></header>
<div class="md-container"><main class="md-main"><div class="md-main__inner">
<div class="md-sidebar md-sidebar--primary"><nav class="md-nav md-nav--primary">
<ul class="md-nav__list"><li class="md-nav__item"><a class="md-nav__link" href="/">Home</a></li></ul></nav></div>
<div class="md-sidebar md-sidebar--secondary"><nav class="md-nav md-nav--secondary">
<label class="md-nav__title">Table of contents</label><a class="md-nav__link" href="#options">Options</a></nav></div>
<div class="md-content"><article class="md-content__inner md-typeset">
<a href="https://example.com/edit/docs/config.md" title="Edit this page" class="md-content__button md-icon">Edit</a>
<h1 id="configuration">Configuration</h1>
<p>Settings are read from the file named in the environment.</p>
<h2 id="options">Options<a class="headerlink" href="#options" title="Permanent link">&para;</a></h2>
<p>Every option has a default that suits a small team.</p>
<pre><code>timeout: 30
retries: 3</code></pre>
</article></div></div></main>
<footer class="md-footer"><nav class="md-footer__inner"><a class="md-footer__link--prev" href="/">Previous Home</a>
<a class="md-footer__link--next" href="/deploy/">Next Deploy</a></nav>
<div class="md-copyright">Made with Material for MkDocs</div></footer></div></body></html>"""


def test_mkdocs_page_keeps_the_article_and_drops_header_sidebars_edit_button_and_footer():
    page = html_to_text(MKDOCS)

    assert page.text == (
        "Configuration\n\nSettings are read from the file named in the environment.\n\n"
        "Options\n\nEvery option has a default that suits a small team.\n\n"
        "timeout: 30\nretries: 3"
    )
    assert [(s.label, s.anchor) for s in page.sections] == [
        ("Configuration", "configuration"),
        ("Configuration > Options", "options"),
    ]
    assert [page.text[a:b] for a, b in page.code] == ["timeout: 30\nretries: 3"]


DOCUSAURUS = """<html><head><title>Install | Acme Docs</title></head><body>
<div role="region" aria-label="Skip to main content"><a class="skipToContent_fXgn" href="#__docusaurus_skipToContent_fallback">Skip to main content</a></div>
<nav class="navbar navbar--fixed-top"><a class="navbar__brand" href="/">Acme</a></nav>
<div class="main-wrapper"><div class="docsWrapper_hBAB"><div class="docRoot_UBD9">
<aside class="theme-doc-sidebar-container"><div class="sidebar_njMd"><nav class="menu">
<a class="menu__link" href="/docs/intro">Introduction</a></nav></div></aside>
<main class="docMainContainer_TBSr"><div class="container padding-top--md"><div class="row">
<div class="col docItemCol_VOVn"><div class="docItemContainer_Djhp">
<nav class="theme-doc-breadcrumbs" aria-label="Breadcrumbs"><ul class="breadcrumbs"><li>Docs</li><li>Install</li></ul></nav>
<article><div class="tocCollapsible_ETCw theme-doc-toc-mobile"><button type="button">On this page</button></div>
<div class="theme-doc-markdown markdown"><header><h1>Install</h1></header>
<p>Acme runs on any machine with Python 3.11 or later.</p>
<h2 class="anchor anchorWithStickyNavbar_LWe7" id="from-pypi">From PyPI<a href="#from-pypi" class="hash-link" title="Direct link to heading">&#8203;</a></h2>
<p>The package on PyPI is the recommended way to install it.</p>
</div>
<footer class="theme-doc-footer docusaurus-mt-lg"><div class="theme-doc-footer-edit-meta-row row">
<a href="https://github.com/acme/docs/edit/main/install.md" class="theme-edit-this-page">Edit this page</a></div></footer>
</article>
<nav class="pagination-nav docusaurus-mt-lg" aria-label="Docs pages"><a class="pagination-nav__link" href="/docs/intro">
<div class="pagination-nav__sublabel">Previous</div><div class="pagination-nav__label">Introduction</div></a></nav>
</div></div>
<div class="col col--3"><div class="tableOfContents_bqdL thin-scrollbar theme-doc-toc-desktop">
<ul class="table-of-contents table-of-contents__left-border"><li><a href="#from-pypi" class="table-of-contents__link">From PyPI</a></li></ul></div></div>
</div></div></main></div></div></div>
<footer class="footer footer--dark"><div class="footer__copyright">Copyright © 2024 Acme</div></footer>
</body></html>"""


def test_docusaurus_page_keeps_the_doc_and_drops_sidebar_toc_pagination_and_edit_link():
    page = html_to_text(DOCUSAURUS)

    assert page.text == (
        "Install\n\nAcme runs on any machine with Python 3.11 or later.\n\n"
        "From PyPI\n\nThe package on PyPI is the recommended way to install it."
    )
    assert [(s.label, s.anchor) for s in page.sections] == [
        ("Install", ""),
        ("Install > From PyPI", "from-pypi"),
    ]
    assert page.code == ()


def test_a_page_without_main_content_markers_keeps_all_its_visible_text():
    html = (
        "<html><head><title>Notes</title></head><body><div><h2 id='a'>Plain notes</h2>"
        "<p>Nothing here marks a main part.</p></div><p>So all of it is kept.</p></body></html>"
    )
    page = html_to_text(html)

    assert page.text == "Plain notes\n\nNothing here marks a main part.\n\nSo all of it is kept."
    assert [(s.start, s.path, s.anchor) for s in page.sections] == [(0, ("Plain notes",), "a")]


def test_heading_anchor_falls_back_to_the_enclosing_section_id():
    html = (
        "<main><section id='usage'><h2>Usage</h2><p>Call it once per request.</p></section></main>"
    )

    assert [s.anchor for s in html_to_text(html).sections] == ["usage"]


def test_a_deeper_heading_then_a_shallower_one_pops_the_path():
    html = "<h1>A</h1><p>one two.</p><h3>B</h3><p>three.</p><h2>C</h2><p>four.</p>"

    assert [s.path for s in html_to_text(html).sections] == [("A",), ("A", "B"), ("A", "C")]


def test_an_api_entry_is_named_by_its_id_and_an_option_by_its_text():
    html = (
        "<div role='main'><h1>json</h1><dl class='py function'>"
        "<dt class='sig sig-object py' id='json.dumps'>json.dumps(obj)</dt>"
        "<dd><p>Serialize obj to a JSON string.</p></dd></dl>"
        "<dl class='std cmdoption'><dt class='sig sig-object std' id='cmdoption-json-tool-indent'>"
        "--indent</dt><dd><p>Use the given number of spaces.</p></dd></dl></div>"
    )
    labels = [s.label for s in html_to_text(html).sections]

    assert labels == ["json", "json > json.dumps", "json > --indent"]
