"""Real files of every document format, written with the formats' own writer libraries
(python-docx, python-pptx, openpyxl) or laid out by hand with zipfile where the format is
a documented zip of XML (OpenDocument, EPUB). Each holds one fact sentence, FACTS[suffix],
that a test or benchmark asks about."""

from __future__ import annotations

import io
import json
import zipfile
from email.message import EmailMessage

FACTS = {
    ".docx": "The lighthouse keeper rang the fog bell every ninety seconds.",
    ".pptx": "The Lisbon office aims to sign four hundred new customers this quarter.",
    ".xlsx": "Name: Ada Lovelace; Role: Analytical engine programmer; Started: 1843.",
    ".csv": "City: Reykjavik; Country: Iceland; Population: 139875.",
    ".odt": "The glacier retreated forty metres during the summer of 2019.",
    ".epub": "The caravan crossed the salt desert in eleven days.",
    ".eml": "The database migration is scheduled for Saturday at six in the morning.",
    ".ipynb": "The classifier was trained on twelve thousand labelled bird photographs.",
    ".rst": "The backup job copies the database to cold storage every night at two o'clock.",
    ".md": "The orchard's oldest pear tree was planted in 1921 by the founder.",
}


def docx_bytes() -> bytes:
    import docx

    document = docx.Document()
    document.core_properties.title = "Keeper's log"
    document.add_heading("Keeper's log", 0)
    document.add_paragraph("This log describes the station on the northern cape.")
    document.add_heading("Duties", 1)
    document.add_paragraph(FACTS[".docx"])
    document.add_heading("Night watch", 2)
    document.add_paragraph("The lamp was lit at dusk and trimmed at midnight.")
    table = document.add_table(rows=2, cols=2)
    for row, values in zip(table.rows, (("Hour", "Task"), ("22:00", "Trim the wick"))):
        for cell, value in zip(row.cells, values):
            cell.text = value
    document.add_heading("Supplies", 1)
    document.add_paragraph("Oil arrived by boat each spring.")
    return _saved(document)


def pptx_bytes() -> bytes:
    from pptx import Presentation
    from pptx.util import Inches

    deck = Presentation()
    deck.core_properties.title = "Sales plan"
    for title, body, notes in (
        ("Sales plan", "Targets for the year ahead.", "Welcome everyone."),
        ("Lisbon", FACTS[".pptx"], "Mention the new office manager."),
        ("Porto", "The Porto office keeps its current customers.", ""),
    ):
        slide = deck.slides.add_slide(deck.slide_layouts[1])
        slide.shapes.title.text = title
        slide.placeholders[1].text = body
        if notes:
            slide.notes_slide.notes_text_frame.text = notes
    table = slide.shapes.add_table(2, 2, Inches(1), Inches(4), Inches(4), Inches(1)).table
    for r, values in enumerate((("Quarter", "Target"), ("Q1", "120"))):
        for c, value in enumerate(values):
            table.cell(r, c).text = value
    return _saved(deck)


def xlsx_bytes() -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    staff = workbook.active
    staff.title = "Staff"
    staff.append(["Name", "Role", "Started"])
    staff.append(["Ada Lovelace", "Analytical engine programmer", 1843])
    staff.append(["Charles Babbage", "Engine designer", 1822])
    rooms = workbook.create_sheet("Rooms")
    rooms.append(["Room", "Seats"])
    rooms.append(["Library", 12.0])
    return _saved(workbook)


def csv_bytes() -> bytes:
    return (
        'City,Country,Population\r\nReykjavik,Iceland,139875\r\nTromso,Norway,"77,000"\r\n'
    ).encode("utf-8-sig")


def odt_bytes(paragraph: str = FACTS[".odt"]) -> bytes:
    ns = (
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" office:version="1.3"'
    )
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ns}><office:body>'
        "<office:text>"
        '<text:h text:outline-level="1">Field notes</text:h>'
        f"<text:p>{paragraph}</text:p>"
        '<text:h text:outline-level="2">Methods</text:h>'
        "<text:p>Stakes were<text:s/> measured <text:span>each</text:span> month.</text:p>"
        "<text:list><text:list-item><text:p>Photographs from the ridge.</text:p>"
        "</text:list-item></text:list>"
        "<table:table><table:table-row><table:table-cell><text:p>Year</text:p>"
        "</table:table-cell><table:table-cell><text:p>Metres</text:p></table:table-cell>"
        "</table:table-row></table:table>"
        "</office:text></office:body></office:document-content>"
    )
    meta = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-meta {ns}><office:meta>'
        "<dc:title>Glacier survey</dc:title></office:meta></office:document-meta>"
    )
    return _zip(
        {
            "mimetype": "application/vnd.oasis.opendocument.text",
            "content.xml": content,
            "meta.xml": meta,
            "META-INF/manifest.xml": '<?xml version="1.0" encoding="UTF-8"?>'
            '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"/>',
        }
    )


def epub_bytes(extra_files: int = 0) -> bytes:
    chapter = (
        '<?xml version="1.0" encoding="UTF-8"?><html xmlns="http://www.w3.org/1999/xhtml">'
        "<head><title>{title}</title></head><body><h1>{title}</h1><p>{text}</p></body></html>"
    )
    files = {
        "mimetype": "application/epub+zip",
        "META-INF/container.xml": '<?xml version="1.0"?><container version="1.0" '
        'xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles>'
        '<rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>'
        "</rootfiles></container>",
        "OEBPS/content.opf": '<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" '
        'version="3.0"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/">'
        "<dc:title>Desert roads</dc:title></metadata><manifest>"
        '<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>'
        '<item id="b" href="text/b.xhtml" media-type="application/xhtml+xml"/>'
        '<item id="a" href="text/a.xhtml" media-type="application/xhtml+xml"/>'
        '</manifest><spine><itemref idref="a"/><itemref idref="b"/></spine></package>',
        "OEBPS/nav.xhtml": '<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml" '
        'xmlns:epub="http://www.idpf.org/2007/ops"><body><nav epub:type="toc"><ol>'
        '<li><a href="text/a.xhtml">The salt road</a></li>'
        '<li><a href="text/b.xhtml#start">The oasis</a></li></ol></nav></body></html>',
        "OEBPS/text/a.xhtml": chapter.format(title="Chapter one", text=FACTS[".epub"]),
        "OEBPS/text/b.xhtml": chapter.format(
            title="Chapter two", text="At the oasis the camels drank for an hour."
        ),
    }
    for number in range(extra_files):
        files[f"OEBPS/images/{number}.txt"] = "x"
    return _zip(files)


def eml_bytes() -> bytes:
    message = EmailMessage()
    message["From"] = "Dana Ops <dana@example.com>"
    message["To"] = "team@example.com"
    message["Subject"] = "Database migration this weekend"
    message["Date"] = "Thu, 03 Dec 2026 17:20:00 +0000"
    message.set_content(f"Hello all,\n\n{FACTS['.eml']}\nExpect ten minutes of downtime.\n")
    message.add_alternative("<p>HTML copy of the notice.</p>", subtype="html")
    message.add_attachment(
        b"%PDF-1.4 not read", maintype="application", subtype="pdf", filename="plan.pdf"
    )
    return bytes(message)


def ipynb_bytes() -> bytes:
    cells = [
        {"cell_type": "markdown", "source": ["# Bird classifier\n", "\n", "An experiment.\n"]},
        {"cell_type": "markdown", "source": ["## Data\n", "\n", FACTS[".ipynb"] + "\n"]},
        {
            "cell_type": "code",
            "source": ["import numpy as np\n", "x = np.zeros(3)"],
            "outputs": [{"output_type": "stream", "text": ["left out\n"]}],
        },
        {"cell_type": "markdown", "source": "## Results\n\nAccuracy reached ninety percent."},
    ]
    notebook = {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    return json.dumps(notebook).encode()


def rst_bytes() -> bytes:
    return (
        "==========\nOperations\n==========\n\n"
        "How the team keeps its data safe.\n\n"
        "Backups\n=======\n\n"
        f"{FACTS['.rst']}\nIt runs as::\n\n    backup --all /srv/db\n\n"
        "Restores\n--------\n\n"
        ".. code-block:: sh\n   :caption: restore\n\n   restore --latest\n\n"
        ".. note:: Test a restore every month.\n\n"
        ".. _target:\n\nRestores take an hour.\n"
    ).encode()


def md_bytes() -> bytes:
    return (
        "# Orchard\n\nNotes on the farm.\n\n## Trees\n\n"
        f"{FACTS['.md']}\n\n```python\nprint('pear')\n```\n\n### Pruning\n\nIn winter.\n"
    ).encode()


WRITERS = {
    ".docx": docx_bytes,
    ".pptx": pptx_bytes,
    ".xlsx": xlsx_bytes,
    ".csv": csv_bytes,
    ".odt": odt_bytes,
    ".epub": epub_bytes,
    ".eml": eml_bytes,
    ".ipynb": ipynb_bytes,
    ".rst": rst_bytes,
    ".md": md_bytes,
}


def with_member(data: bytes, name: str, payload: bytes) -> bytes:
    """A copy of the zip ``data`` with one more member (padding for a zip bomb)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "a") as archive:
        for item in source.infolist():
            archive.writestr(item, source.read(item))
        archive.writestr(name, payload, compress_type=zipfile.ZIP_DEFLATED, compresslevel=1)
    return out.getvalue()


def _saved(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _zip(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            method = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            archive.writestr(name, text, compress_type=method)
    return buffer.getvalue()
