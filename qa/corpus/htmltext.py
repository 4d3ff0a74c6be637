"""The text of an HTML page as a reader sees it: its main content, headings and code.

Documentation sites wrap each page's prose in navigation, sidebars, tables of contents,
headers, footers and "previous | next" or "edit this page" bars. Those are dropped: the
structural elements and roles (``<nav>``, ``<header>``, ``role=navigation`` ...) and the
classes Sphinx, MkDocs and Docusaurus give them. When the page marks its main content
(``<main>``, ``role=main``, Sphinx's ``div.body``, ``<article>``, ``div.document``), only
that is kept; a page without any of those keeps all of its visible text.

Every heading starts a section (its heading path and anchor), as does each entry of
Sphinx's API reference (``dt.sig`` with an id). Code blocks, tables and API signatures
stay in the text, but their spans are returned so they are never quoted as answers.
The standard library's parser is used: fast enough (a documentation page in a few
milliseconds) and no dependency.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from html.parser import HTMLParser

from qa.models import Section

# Not "head": its end tag is optional, and hiding until </head> would hide a whole page
# that leaves it out. Its only text is <title> (taken below); its scripts hide themselves.
_HIDDEN = {"script", "style", "noscript", "template", "svg", "iframe", "button", "select"}
_BLOCK = frozenset(
    """p div section article header footer li ul ol br tr table h1 h2 h3 h4 h5 h6 pre blockquote
    main nav aside dd dt dl figcaption hr caption details summary""".split()
)
_CELLS = {"td", "th"}  # cells of a row read apart, on one line
_VOID = frozenset(
    """area base br col embed hr img input link meta source track wbr param""".split()
)
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
# Structural boilerplate. A <header> is the page's banner only outside sectioning content
# (inside an <article> it holds the article's own title, as in Docusaurus).
_DROP_TAGS = {"nav", "footer"}
_SECTIONING = {"article", "main", "section", "aside", "nav"}
_DROP_ROLES = {"navigation", "banner", "contentinfo", "search", "complementary"}
# Class names (or prefixes of them) of navigation, sidebars, tables of contents, headers,
# footers, prev/next and edit bars and heading permalinks in Sphinx (basic, classic,
# Read the Docs, Furo, PyData), MkDocs (Material) and Docusaurus themes.
_DROP_CLASSES = tuple(
    """sphinxsidebar related footer headerlink toctree-wrapper mobile-nav menu-wrapper
    wy-nav-side wy-nav-top wy-breadcrumbs rst-footer-buttons rst-versions sidebar-drawer
    toc-drawer related-pages edit-this-page bd-sidebar bd-toc prev-next-area bd-header
    bd-footer md-sidebar md-header md-footer md-nav md-tabs md-content__button md-source
    md-search md-skip md-dialog theme-doc-sidebar pagination-nav theme-edit-this-page
    table-of-contents theme-doc-toc theme-doc-breadcrumbs breadcrumbs hash-link
    theme-doc-footer navbar skip-link skipToContent""".split()
)
_DROP_EXACT = frozenset(_DROP_CLASSES)
_DROP_PREFIXES = tuple(f"{name}_" for name in _DROP_CLASSES) + tuple(
    f"{name}-" for name in _DROP_CLASSES
)
# Containers of the main content, best first; the best one present is what is kept.
_MAIN_RANKS = (
    lambda tag, classes, role: tag == "main" or role == "main",
    lambda tag, classes, role: tag == "div" and "body" in classes,
    lambda tag, classes, role: tag == "article",
    lambda tag, classes, role: tag == "div" and "document" in classes,
)
_PERMALINKS = {"headerlink", "hash-link"}  # Sphinx and MkDocs; Docusaurus
_ENTRY_DEPTH = 6  # API entries nest below the six heading levels
_SPACE = re.compile(r"[ \t\n\r\f\v]+")


@dataclass(frozen=True)
class HtmlText:
    """A page's text with its title, sections (in text order) and code spans."""

    text: str
    title: str
    sections: tuple[Section, ...] = ()
    code: tuple[tuple[int, int], ...] = ()


@dataclass
class _Element:
    tag: str
    dropped: bool
    rank: int | None  # the best main-content container holding it
    code: int | None  # the code block (or table) holding it
    heading: int | None  # the heading (or API entry) holding it
    section_id: str  # the innermost enclosing section's id
    sectioning: bool  # inside article, main, section, aside or nav
    pre: bool
    entry_level: int = 0  # an API entry's <dl>: the level its entries end at


@dataclass
class _Heading:
    level: int
    own_id: str  # the heading's id
    label: str = ""  # an API entry's name (its id); a heading's label is its text
    link: str = ""  # a permalink inside it ("#id")
    section_id: str = ""  # the enclosing section's id

    @property
    def anchor(self) -> str:
        return self.own_id or self.link or self.section_id


class _Parser(HTMLParser):
    """Records what the page shows as events; ``_assemble`` then keeps the main content."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.events: list[tuple] = []
        self.headings: dict[int, _Heading] = {}
        self.title: list[str] = []
        self.ranks_seen: set[int] = set()
        self._stack: list[_Element] = []
        self._hidden = 0
        self._in_title = False
        self._ids = 0

    def _top(self) -> _Element:
        if self._stack:
            return self._stack[-1]
        return _Element("", False, None, None, None, "", False, False)

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag == "title":
            self._in_title = not self._hidden  # an <svg>'s <title> names an icon, not the page
            return
        if tag in _HIDDEN:
            self._hidden += 1
        if self._hidden:
            if tag in _HIDDEN:
                self._stack.append(_Element(tag, True, None, None, None, "", False, False))
            return
        attr = {k: (v or "") for k, v in attrs}
        parent = self._top()
        classes = attr.get("class", "").split()
        role = attr.get("role", "").strip().lower()
        element = self._element(tag, attr, classes, role, parent)
        if tag in _BLOCK:
            self._event("break", parent)
        elif tag in _CELLS:
            self._event("space", parent)
        if tag not in _VOID:
            self._stack.append(element)
        if element.heading is not None and element.heading != parent.heading:
            self._event("heading", element, element.heading)
        elif parent.heading is not None and tag == "a" and _PERMALINKS.intersection(classes):
            href = attr.get("href", "")
            if href.startswith("#") and len(href) > 1:
                self.headings[parent.heading].link = href[1:]

    def _element(self, tag: str, attr: dict, classes: list[str], role: str, parent) -> _Element:
        dropped = parent.dropped or _is_boilerplate(tag, classes, role, attr, parent.sectioning)
        rank = parent.rank
        for i, is_main in enumerate(_MAIN_RANKS):
            if is_main(tag, classes, role):
                rank = i if rank is None else min(rank, i)
                break
        code, heading = parent.code, parent.heading
        is_entry = tag == "dt" and "sig" in classes and bool(attr.get("id"))
        if code is None and (tag in ("pre", "table") or is_entry):
            code = self._new_id()
        section_id = parent.section_id
        if attr.get("id") and (tag == "section" or (tag == "div" and "section" in classes)):
            section_id = attr["id"]
        if heading is None and (tag in _HEADINGS or is_entry):
            heading = self._new_id()
            level = _HEADINGS.get(tag) or _ENTRY_DEPTH + self._entry_depth()
            # a Python object is named by its id ("pathlib.Path.exists"); other entries
            # (command-line options, environment variables) by their own text
            label = attr["id"] if is_entry and "py" in classes else ""
            self.headings[heading] = _Heading(level, attr.get("id", ""), label, "", section_id)
        element = _Element(
            tag,
            dropped,
            rank,
            code,
            heading,
            section_id,
            parent.sectioning or tag in _SECTIONING,
            parent.pre or tag == "pre",
        )
        if tag == "dl":
            element.entry_level = _ENTRY_DEPTH + self._entry_depth() + 1
        return element

    def _entry_depth(self) -> int:
        return sum(1 for e in self._stack if e.tag == "dl")

    def _new_id(self) -> int:
        self._ids += 1
        return self._ids

    def handle_startendtag(self, tag: str, attrs) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
            return
        if self._hidden and tag not in _HIDDEN:
            return
        match = next(
            (i for i in range(len(self._stack) - 1, -1, -1) if self._stack[i].tag == tag), None
        )
        if match is None:
            return
        closed = self._stack[match:]
        del self._stack[match:]
        for element in reversed(closed):
            if element.tag in _HIDDEN and self._hidden:
                self._hidden -= 1
                continue
            if self._hidden:
                continue
            if element.tag in _BLOCK:
                self._event("break", element, pre=element.tag != "pre" and element.pre)
            elif element.tag in _CELLS:
                self._event("space", element)
            if element.entry_level:
                self._event("entry_end", element, element.entry_level)

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title.append(data)
        elif not self._hidden:
            self._event("text", self._top(), data)

    def _event(self, kind: str, element: _Element, value=None, pre: bool | None = None) -> None:
        if element.dropped:
            return
        if kind == "text" and element.rank is not None and value.strip():
            self.ranks_seen.add(element.rank)
        pre = element.pre if pre is None else pre
        self.events.append((kind, element.rank, element.code, element.heading, pre, value))


def _is_boilerplate(tag: str, classes: list[str], role: str, attr: dict, sectioning: bool) -> bool:
    if tag in _DROP_TAGS or role in _DROP_ROLES:
        return True
    if tag == "header" and not sectioning:
        return True
    if tag == "aside" and not any("footnote" in c for c in classes):
        return True  # docutils writes footnotes as <aside>: they are the page's text
    return any(c in _DROP_EXACT or c.startswith(_DROP_PREFIXES) for c in classes)


class _Writer:
    """Text with HTML's white-space folding; code blocks verbatim."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self._break = False
        self._space = False

    def _emit(self, text: str) -> None:
        self.parts.append(text)
        self.length += len(text)

    def block(self) -> None:
        self._break = True

    def space(self) -> None:
        self._space = True

    def _separate(self) -> None:
        if self.length:
            if self._break:
                self._emit("\n\n")
            elif self._space:
                self._emit(" ")
        self._break = self._space = False

    def text(self, data: str) -> int | None:
        """Write folded ``data``; returns where its first character went (None: nothing)."""
        folded = _SPACE.sub(" ", data)
        if folded.startswith(" "):
            self._space = True
        words = folded.strip(" ")
        if not words:
            return None
        self._separate()
        start = self.length
        self._emit(words)
        self._space = folded.endswith(" ")
        return start

    def verbatim(self, data: str) -> int | None:
        data = data.replace("\r\n", "\n").strip("\n").rstrip()
        if not data:
            return None
        self._separate()
        start = self.length
        self._emit(data)
        return start

    def value(self) -> str:
        return "".join(self.parts)


def html_to_text(html: str) -> HtmlText:
    """The page's main content as paragraphs, its title, sections and code spans."""
    parser = _Parser()
    parser.feed(html)
    parser.close()
    keep = min(parser.ranks_seen) if parser.ranks_seen else None
    events = [e for e in parser.events if keep is None or (e[1] is not None and e[1] <= keep)]
    title = " ".join("".join(parser.title).split())
    return _Assembly(parser.headings).run(events, title)


class _Assembly:
    """Writes the kept events out, noting where each section and code span starts."""

    def __init__(self, headings: dict[int, _Heading]) -> None:
        self.headings = headings
        self.out = _Writer()
        self.sections: list[Section] = []
        self.code: list[tuple[int, int]] = []
        self.path: list[tuple[int, str, str]] = []  # (level, label, anchor) of open headings
        self.code_id: int | None = None
        self.code_start: int | None = None
        self.heading_id: int | None = None
        self.heading_start: int | None = None
        self.heading_words: list[str] = []
        self.pre: list[str] = []

    def run(self, events: list[tuple], title: str) -> HtmlText:
        for kind, _, in_code, in_heading, pre, value in events:
            if self.pre and not pre:
                self._flush_pre()
            if self.code_id is not None and in_code != self.code_id:
                self._close_code()
            if self.heading_id is not None and in_heading != self.heading_id:
                self._close_heading()
            if kind == "break":
                if not pre:
                    self.out.block()
            elif kind == "space":
                self.out.space()
            elif kind == "entry_end":
                self._end_entry(value)
            elif kind == "heading":
                self.heading_id, self.heading_start = value, None
            else:
                self._text(value, in_code, pre)
        self._flush_pre()
        self._close_code()
        self._close_heading()
        text = self.out.value()
        return HtmlText(text, title, _holding_text(self.sections, text), tuple(self.code))

    def _text(self, value: str, in_code: int | None, pre: bool) -> None:
        if in_code is not None and self.code_id is None:
            self.code_id = in_code
        if pre:
            self.pre.append(value)
            return
        start = self.out.text(value)
        if start is None:
            return
        if self.code_id is not None and self.code_start is None:
            self.code_start = start
        if self.heading_id is not None:
            if self.heading_start is None:
                self.heading_start = start
            self.heading_words.append(value)

    def _flush_pre(self) -> None:
        if not self.pre:
            return
        start = self.out.verbatim("".join(self.pre))
        self.pre.clear()
        if start is not None and self.code_start is None:
            self.code_start = start

    def _close_code(self) -> None:
        self._flush_pre()
        if self.code_start is not None and self.out.length > self.code_start:
            self.code.append((self.code_start, self.out.length))
        self.code_id = self.code_start = None

    def _close_heading(self) -> None:
        if self.heading_id is None:
            return
        heading = self.headings[self.heading_id]
        words = heading.label or " ".join(" ".join(self.heading_words).split())
        start = self.heading_start
        self.heading_id, self.heading_words = None, []
        if not words or start is None:
            return
        while self.path and self.path[-1][0] >= heading.level:
            self.path.pop()
        self.path.append((heading.level, words, heading.anchor))
        self.sections.append(Section(start, tuple(p[1] for p in self.path), heading.anchor))

    def _end_entry(self, level: int) -> None:
        """An API entry's list ended: the text after it is under the heading again."""
        self._close_heading()
        if not self.path or self.path[-1][0] < level:
            return
        while self.path and self.path[-1][0] >= level:
            self.path.pop()
        anchor = self.path[-1][2] if self.path else ""
        self.sections.append(Section(self.out.length, tuple(p[1] for p in self.path), anchor))


def _holding_text(sections: list[Section], text: str) -> tuple[Section, ...]:
    """Sections in text order, without those that end before any text of theirs."""
    out: list[Section] = []
    for i, section in enumerate(sections):
        end = sections[i + 1].start if i + 1 < len(sections) else len(text)
        held = text[section.start : end]
        if held.strip():
            out.append(replace(section, start=section.start + len(held) - len(held.lstrip())))
    return tuple(out)
