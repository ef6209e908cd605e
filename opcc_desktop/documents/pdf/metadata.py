"""The document's dates and its XMP metadata packet, consistent with its Info dictionary.

PDF/UA-1 asks for the title in XMP (dc:title) and for the pdfuaid:part that claims the
standard. The creation and modification dates are the edition's publication date when it
has one (as printed on the cover, "14 July 2022"), else reportlab's invariant date, so the
same data and publication date always give the same bytes.
"""

from __future__ import annotations

import datetime as dt

from reportlab.lib.utils import TimeStamp
from reportlab.pdfbase.pdfdoc import PDFDocument, PDFObject
from reportlab.pdfgen.canvas import Canvas

__all__ = ["write_metadata"]

_PACKET = """<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:pdf="http://ns.adobe.com/pdf/1.3/"
    xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">
   <dc:format>application/pdf</dc:format>
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{title}</rdf:li></rdf:Alt></dc:title>
   <dc:creator><rdf:Seq><rdf:li>{author}</rdf:li></rdf:Seq></dc:creator>
   <dc:description><rdf:Alt><rdf:li xml:lang="x-default">{subject}</rdf:li></rdf:Alt></dc:description>
   <dc:language><rdf:Bag><rdf:li>{language}</rdf:li></rdf:Bag></dc:language>
   <pdf:Producer>{producer}</pdf:Producer>
   <pdf:Keywords>{keywords}</pdf:Keywords>
   <xmp:CreatorTool>{creator}</xmp:CreatorTool>
   <xmp:CreateDate>{date}</xmp:CreateDate>
   <xmp:ModifyDate>{date}</xmp:ModifyDate>
   <xmp:MetadataDate>{date}</xmp:MetadataDate>
   <pdfuaid:part>1</pdfuaid:part>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="r"?>"""


class _Metadata(PDFObject):
    """The XMP stream, uncompressed so that tools which do not read PDF still find it."""

    __RefOnly__ = 1

    def __init__(self, packet: bytes) -> None:
        self.packet = packet

    def format(self, document: PDFDocument) -> bytes:
        head = f"<< /Type /Metadata /Subtype /XML /Length {len(self.packet)} >>\nstream\n".encode()
        return head + self.packet + b"\nendstream\n"


def _xml(text: str) -> str:
    """``text`` as XML character data (written here: the standard library's helper brings
    in its web modules, ~40 ms at start)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def publication_day(published: str) -> dt.date | None:
    """The date a cover prints ("14 July 2022", its month named as ``long_date`` names it),
    or None when it is not one. (Not strptime: its first use costs an export ~2 ms.)"""
    parts = published.split()
    if len(parts) != 3 or not (parts[0].isdigit() and parts[2].isdigit()):
        return None
    months = [dt.date(2000, month, 1).strftime("%B") for month in range(1, 13)]
    if parts[1] not in months:
        return None
    try:
        return dt.date(int(parts[2]), months.index(parts[1]) + 1, int(parts[0]))
    except ValueError:  # "31 February 2022"
        return None


def write_metadata(canv: Canvas, published: str, language: str) -> None:
    """Date ``canv``'s document by ``published`` (see the module docstring) and add its XMP
    packet, with the same title, author, subject, keywords, producer and dates as its Info."""
    doc = canv._doc
    day = publication_day(published)
    if day is not None:
        stamp = TimeStamp(invariant=1)
        stamp.YMDhms = (day.year, day.month, day.day, 0, 0, 0)
        doc._timeStamp = stamp  # the Info dictionary's CreationDate and ModDate
    year, month, date, hour, minute, second = doc._timeStamp.YMDhms
    info = doc.info
    packet = _PACKET.format(
        title=_xml(info.title), author=_xml(info.author), subject=_xml(info.subject),
        keywords=_xml(info.keywords), producer=_xml(info.producer), creator=_xml(info.creator),
        language=_xml(language),
        date=f"{year:04d}-{month:02d}-{date:02d}T{hour:02d}:{minute:02d}:{second:02d}Z",
    )
    doc.Catalog.Metadata = _Metadata(packet.encode("utf-8"))
