"""Structure tree: the Tagger's nodes → StructTreeRoot, ParentTree, MarkInfo and XMP metadata.

Written into ReportLab's document just before it saves, so the objects are numbered in a fixed
order and the PDF stays byte-identical for the same inputs.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from .fonts import escape  # the same three characters matter in XML
from .tagging import Node, Tagger

ANNOT_KEYS = 100000  # ParentTree keys of annotations start here (pages use 0, 1, …)


@dataclass(frozen=True)
class DocInfo:
    """What the XMP packet says: title, language, date, creator, and the standards claimed."""

    title: str
    lang: str
    date: str          # YYYY-MM-DD
    creator: str
    author: str
    subject: str = ""
    keywords: str = ""
    archive: bool = False  # PDF/A-2b as well as PDF/UA-1

PRODUCER = "ReportLab PDF Library - (opensource)"  # what ReportLab writes in the Info dictionary


def _ordered(kids: list) -> list:
    """Kids in reading order: nodes marked `last` (the page-1 footer) go to the end."""
    for kid in kids:
        if type(kid) is Node and kid.last:
            break
    else:
        return kids  # the common case: one pass, no copy
    last = [k for k in kids if type(k) is Node and k.last]
    return [k for k in kids if not (type(k) is Node and k.last)] + last


def write_structure(canv: Any, tagger: Tagger, info: DocInfo) -> None:
    """Add the structure tree, ParentTree, MarkInfo and XMP metadata to the canvas's document."""
    from reportlab.pdfbase.pdfdoc import PDFDictionary, PDFName, PDFObjectReference

    doc = canv._doc
    order: list[tuple[Node, list]] = []  # every node, depth first, with its kids in order

    def visit(node: Node) -> None:
        kids = _ordered(node.kids)
        order.append((node, kids))
        for kid in kids:
            if type(kid) is Node:
                visit(kid)

    visit(tagger.root)
    elements, numbers = _register(doc, order)
    root = PDFDictionary()
    root_ref = doc.Reference(root, "StructTreeRoot")
    _write_elements(doc, order, elements, numbers, doc.objectcounter)
    root["Type"] = PDFName("StructTreeRoot")
    root["K"] = PDFObjectReference("SE1")  # the root node, visited first
    root["ParentTree"] = doc.Reference(_parent_tree(tagger, numbers), "ParentTree")
    root["ParentTreeNextKey"] = ANNOT_KEYS + len(tagger.annots)
    catalog = doc.Catalog
    catalog.StructTreeRoot = root_ref
    catalog.MarkInfo = PDFDictionary({"Marked": "true"})  # ReportLab writes "true" bare
    catalog.Metadata = doc.Reference(_xmp(info), "XMPMetadata")
    if info.archive:
        from .archive import add_output_intent

        add_output_intent(doc)


def _register(doc: Any, order: list) -> tuple[list, dict[int, int]]:
    """Register one structure element per node as `SE1`, `SE2` … in `order`, as ReportLab's
    doc.Reference would (the next object numbers, in turn); return the elements, and
    id(node) → object number."""
    element = _element_class()
    counter = doc.objectcounter
    by_name, numbered, objects = doc.idToObjectNumberAndVersion, doc.numberToId, doc.idToObject
    elements, numbers = [], {}
    for n, (node, _) in enumerate(order, 1):
        name = f"SE{n}"
        if name in objects:
            raise ValueError(f"redefining named object: {name!r}")
        elem = element()
        elem.__InternalName__ = name
        number = counter + n
        by_name[name], numbered[number], objects[name] = (number, 0), name, elem
        numbers[id(node)] = number
        elements.append(elem)
    doc.objectcounter = counter + len(order)
    return elements, numbers


def _write_elements(doc: Any, order: list, elements: list, numbers: dict,
                    root_number: int) -> None:
    """Write each structure element's dictionary, in one pass: every object it names (its
    parent, element kids, pages, annotations) is numbered by now. /Type /StructElem is
    optional: left out, as MCIDs are."""
    from reportlab.pdfbase.pdfdoc import PDFString, format as pdf_format

    page_numbers = doc.idToObjectNumberAndVersion
    for (node, kids), elem in zip(order, elements):
        parent = node.parent
        parts = [b"<< /S /" + node.tag.encode("ascii"),
                 b"/P %d 0 R" % (numbers[id(parent)] if parent is not None else root_number)]
        pages = {kid[1] for kid in node.kids if type(kid) is tuple}
        one_page = len(pages) == 1
        if one_page:
            parts.append(b"/Pg %d %d R" % page_numbers[_page_ref(next(iter(pages))).name])
        attrs = node.attrs
        if attrs:
            for key in ("Alt", "ActualText", "Lang", "E"):
                if key in attrs:
                    parts.append(b"/%s %s" % (key.encode(), PDFString(attrs[key]).format(doc)))
            if "Scope" in attrs:
                parts.append(b"/A << /O /Table /Scope /%s >>" % attrs["Scope"].encode("ascii"))
        # one page: its marked content by MCID alone (the commonest kid by far)
        written = [b"%d 0 R" % numbers[id(kid)] if type(kid) is Node else
                   b"%d" % kid[2] if one_page and kid[0] == "mcid" else
                   pdf_format(_kid(kid, doc, one_page), doc) for kid in kids]
        parts.append(b"/K " + (written[0] if len(written) == 1 and not written[0].startswith(b"<<")
                               else b"[" + b" ".join(written) + b"]"))
        elem.body = b" ".join(parts) + b" >>"


@cache
def _element_class() -> type:
    """A structure element, written by _write_elements in one pass with the others (a tagged
    handout has about two hundred; ReportLab's general dictionary formatting took a tenth of a
    handout's time, formatting each alone a twentieth)."""
    from reportlab.pdfbase.pdfdoc import PDFObject

    class StructElem(PDFObject):
        body = b""

        def format(self, document: Any) -> bytes:
            return self.body

    return StructElem


def _kid(kid: tuple, doc: Any, one_page: bool) -> Any:
    """A marked-content or annotation kid (element kids are written as their numbers)."""
    from reportlab.pdfbase.pdfdoc import PDFDictionary, PDFName

    kind, page, value = kid
    if kind == "mcid" and one_page:
        return value
    if kind == "mcid":
        return PDFDictionary({"Type": PDFName("MCR"), "Pg": _page_ref(page), "MCID": value})
    return PDFDictionary({"Type": PDFName("OBJR"), "Pg": _page_ref(page),
                          "Obj": doc.refAnnotation(value)})


@cache
def _page_ref(page: int) -> Any:
    """A reference to page `page` (by its name: the same object serves every document)."""
    from reportlab.pdfbase.pdfdoc import PDFObjectReference

    return PDFObjectReference(f"Page{page}")


def _parent_tree(tagger: Tagger, numbers: dict[int, int]) -> Any:
    """The ParentTree: each page's MCIDs → their elements, each annotation → its element. The
    references are written as bytes ("12 0 R"), which ReportLab's formatting passes through."""
    from reportlab.pdfbase.pdfdoc import PDFArray, PDFDictionary

    nums: list = []
    for page in sorted(tagger.mcids):
        nums += [page - 1, PDFArray([b"%d 0 R" % numbers[id(node)]
                                     for node in tagger.mcids[page]])]
    for n, (_, node) in enumerate(tagger.annots):
        nums += [ANNOT_KEYS + n, b"%d 0 R" % numbers[id(node)]]
    return PDFDictionary({"Nums": PDFArray(nums)})


def page_hook(doc: Any) -> None:
    """Make every page the document adds carry /StructParents and /Tabs /S."""
    original = doc.addPage

    def add_page(page: Any) -> None:
        from reportlab.pdfbase.pdfdoc import PDFName

        page.__NoDefault__ = [*page.__NoDefault__, "StructParents", "Tabs"]
        page.StructParents = doc.pageCounter - 1
        page.Tabs = PDFName("S")
        original(page)

    doc.addPage = add_page


# PDF/A-2 (ISO 19005-2, 6.6.2.3) allows in XMP only the schemas it predefines, or ones the
# packet declares: pdfuaid, which says the file is PDF/UA-1 too, is declared here (the archive
# form only; a plain handout is not PDF/A and needs no declaration).
_PDFUA_EXTENSION = (
    '\n<rdf:Description rdf:about="" xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/" '
    'xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#" '
    'xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">'
    '<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">'
    '<pdfaSchema:schema>PDF/UA identification schema</pdfaSchema:schema>'
    '<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>'
    '<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>'
    '<pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType="Resource">'
    '<pdfaProperty:name>part</pdfaProperty:name>'
    '<pdfaProperty:valueType>Integer</pdfaProperty:valueType>'
    '<pdfaProperty:category>internal</pdfaProperty:category>'
    '<pdfaProperty:description>The part of ISO 14289 the file conforms to</pdfaProperty:description>'
    '</rdf:li></rdf:Seq></pdfaSchema:property>'
    '</rdf:li></rdf:Bag></pdfaExtension:schemas></rdf:Description>')


def _xmp(info: DocInfo) -> Any:
    from reportlab.pdfbase.pdfdoc import PDFDictionary, PDFName, PDFStream, PDFZCompress

    archive = ('<rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">'
               '<pdfaid:part>2</pdfaid:part><pdfaid:conformance>B</pdfaid:conformance>'
               '</rdf:Description>' + _PDFUA_EXTENSION) if info.archive else ""
    stamp = f"{info.date}T00:00:00Z"
    packet = f'''<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{escape(info.title)}</rdf:li></rdf:Alt></dc:title>
<dc:creator><rdf:Seq><rdf:li>{escape(info.author)}</rdf:li></rdf:Seq></dc:creator>
<dc:description><rdf:Alt><rdf:li xml:lang="x-default">{escape(info.subject)}</rdf:li></rdf:Alt></dc:description>
<dc:language><rdf:Bag><rdf:li>{escape(info.lang)}</rdf:li></rdf:Bag></dc:language>
<dc:format>application/pdf</dc:format></rdf:Description>
<rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/">
<xmp:CreateDate>{stamp}</xmp:CreateDate><xmp:ModifyDate>{stamp}</xmp:ModifyDate>
<xmp:CreatorTool>{escape(info.creator)}</xmp:CreatorTool></rdf:Description>
<rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">
<pdf:Producer>{PRODUCER}</pdf:Producer><pdf:Keywords>{escape(info.keywords)}</pdf:Keywords>
</rdf:Description>
<rdf:Description rdf:about="" xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">
<pdfuaid:part>1</pdfuaid:part></rdf:Description>{archive}
</rdf:RDF></x:xmpmeta>
<?xpacket end="w"?>'''
    # Compressed like any stream, except in the archive form: PDF/A wants the packet as plain
    # text, with no /Filter key at all (filters=[] would still write an empty one; None takes
    # the document's default, which is none: tests/test_editions.py checks).
    stream = PDFStream(PDFDictionary({"Type": PDFName("Metadata"), "Subtype": PDFName("XML")}),
                       packet.encode("utf-8"), filters=None if info.archive else [PDFZCompress])
    return stream
