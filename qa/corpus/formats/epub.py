"""EPUB with the standard library: the package's spine gives the chapters in reading
order, each chapter's XHTML is read by qa.corpus.htmltext, and its title (from the table
of contents, else the chapter's <title>) opens a section."""

from __future__ import annotations

import posixpath
import xml.etree.ElementTree as ET
from urllib.parse import unquote, urldefrag

from qa.corpus.formats.archive import open_checked, read_member
from qa.corpus.formats.html import read_page
from qa.corpus.formats.parsed import Parsed, TextBuilder, decode_text
from qa.errors import InvalidDocument

KIND = "EPUB"
_NS = {
    "c": "urn:oasis:names:tc:opendocument:xmlns:container",
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "ncx": "http://www.daisy.org/z3986/2005/ncx/",
    "x": "http://www.w3.org/1999/xhtml",
}


def parse(data: bytes) -> Parsed:
    archive = open_checked(data, KIND)
    try:
        container = ET.fromstring(read_member(archive, "META-INF/container.xml", KIND))
        rootfile = container.find(".//c:rootfile", _NS)
        if rootfile is None or not rootfile.get("full-path"):
            raise InvalidDocument("not a valid EPUB: META-INF/container.xml names no package")
        opf_path = rootfile.get("full-path", "")
        package = ET.fromstring(read_member(archive, opf_path, KIND))
        base = posixpath.dirname(opf_path)
        items = {
            item.get("id"): (
                _join(base, item.get("href", "")),
                item.get("media-type", ""),
                item.get("properties", ""),
            )
            for item in package.iterfind("opf:manifest/opf:item", _NS)
        }
        spine = package.find("opf:spine", _NS)
        if spine is None:
            raise InvalidDocument("not a valid EPUB: its package has no spine")
        labels = _toc_labels(archive, items, spine.get("toc"))
        found = package.find("opf:metadata/dc:title", _NS)
        title = " ".join((found.text or "").split()) if found is not None else ""
        builder = TextBuilder()
        for ref in spine.iterfind("opf:itemref", _NS):
            path, media, _ = items.get(ref.get("idref"), ("", "", ""))
            if not path or "html" not in media:
                continue
            chapter = read_page(decode_text(read_member(archive, path, KIND), "XHTML"))
            label = labels.get(path) or chapter.title or posixpath.basename(path)
            builder.section(1, label)
            builder.embed(chapter, within=(" ".join(label.split()),))
    except ET.ParseError as exc:
        raise InvalidDocument(f"not a readable EPUB: {exc}") from exc
    return builder.build(title=title)


def _toc_labels(archive, items: dict, ncx_id: str | None) -> dict[str, str]:
    """Chapter file -> its label in the EPUB 3 navigation document or the EPUB 2 NCX."""
    labels: dict[str, str] = {}
    for path, _, properties in items.values():
        if "nav" in properties.split():
            root = ET.fromstring(read_member(archive, path, KIND))
            for link in root.iter(f"{{{_NS['x']}}}a"):
                _label(labels, path, link.get("href", ""), "".join(link.itertext()))
    if ncx_id and ncx_id in items:
        path = items[ncx_id][0]
        root = ET.fromstring(read_member(archive, path, KIND))
        for point in root.iter(f"{{{_NS['ncx']}}}navPoint"):
            text = point.find("ncx:navLabel/ncx:text", _NS)
            content = point.find("ncx:content", _NS)
            if text is not None and content is not None:
                _label(labels, path, content.get("src", ""), text.text or "")
    return labels


def _label(labels: dict[str, str], toc_path: str, href: str, text: str) -> None:
    target = urldefrag(href).url
    text = " ".join(text.split())
    if target and text:
        labels.setdefault(_join(posixpath.dirname(toc_path), target), text)


def _join(base: str, href: str) -> str:
    """A manifest or TOC link as a path inside the archive."""
    return posixpath.normpath(posixpath.join(base, unquote(urldefrag(href).url)))
