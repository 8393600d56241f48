"""Structure check: what a PDF/UA validator would look at first, since none installs here.

Walks every page's content stream and the structure tree of a tagged PDF and reports:
- content (text, paths, images) drawn outside both a tagged marked-content sequence (one with an
  MCID) and an /Artifact;
- MCIDs used on a page but missing from the ParentTree, or claimed twice;
- figures without /Alt, links without an OBJR or whose annotation has no /Contents, a table
  without TH, a TH without /Scope;
- a catalog without /Lang, /MarkInfo /Marked true, XMP metadata with pdfuaid:part 1,
  /ViewerPreferences /DisplayDocTitle, or pages without /Tabs /S.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

PAINTING = {b"Tj", b"TJ", b"'", b'"', b"f", b"F", b"f*", b"S", b"s", b"B", b"B*", b"b", b"b*",
            b"Do", b"sh"}


@dataclass
class StructReport:
    problems: list[str] = field(default_factory=list)
    elements: list[tuple[int, str]] = field(default_factory=list)  # (depth, tag) in order
    mcids: int = 0
    artifacts: int = 0


def _content_problems(reader: object, report: StructReport) -> dict[int, set[int]]:
    from pypdf.generic import ContentStream

    used: dict[int, set[int]] = {}
    for number, page in enumerate(reader.pages):
        stack: list[str] = []
        seen: set[int] = set()
        for operands, op in ContentStream(page.get_contents(), reader).operations:
            if op == b"BDC":
                props = operands[1] if len(operands) > 1 else {}
                mcid = props.get("/MCID") if hasattr(props, "get") else None
                if mcid is not None:
                    if int(mcid) in seen:
                        report.problems.append(f"page {number + 1}: MCID {mcid} used twice")
                    seen.add(int(mcid))
                    report.mcids += 1
                    stack.append("tagged")
                elif str(operands[0]) == "/Artifact":
                    report.artifacts += 1
                    stack.append("artifact")
                else:
                    stack.append("span")
            elif op == b"BMC":
                stack.append("artifact" if str(operands[0]) == "/Artifact" else "span")
            elif op == b"EMC":
                if not stack:
                    report.problems.append(f"page {number + 1}: EMC without BDC")
                else:
                    stack.pop()
            elif op in PAINTING and not any(s in ("tagged", "artifact") for s in stack):
                report.problems.append(f"page {number + 1}: untagged content ({op.decode()})")
        if stack:
            report.problems.append(f"page {number + 1}: {len(stack)} marked sequences left open")
        used[number] = seen
    return used


def check_structure(data: bytes) -> StructReport:
    """Return the problems of a tagged PDF and its structure elements in reading order."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    report = StructReport()
    root = reader.trailer["/Root"]
    _catalog(reader, root, report)
    used = _content_problems(reader, report)
    if "/StructTreeRoot" not in root:
        report.problems.append("no StructTreeRoot")
        return report
    tree = root["/StructTreeRoot"].get_object()
    nums = tree["/ParentTree"].get_object()["/Nums"]
    parents = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
    for number, page in enumerate(reader.pages):
        key = page.get("/StructParents")
        if used[number] and key is None:
            report.problems.append(f"page {number + 1}: no /StructParents")
            continue
        owners = parents.get(int(key)) if key is not None else None
        owners = owners.get_object() if owners is not None else []
        for mcid in used[number]:
            if mcid >= len(owners):
                report.problems.append(f"page {number + 1}: MCID {mcid} not in the ParentTree")
    annots = {}
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            annots[id(annot)] = annot
            if annot.get("/Subtype") == "/Link":
                if not annot.get("/Contents"):
                    report.problems.append("a link annotation has no /Contents")
                if annot.get("/StructParent") is None:
                    report.problems.append("a link annotation has no /StructParent")
    _walk(tree["/K"], 0, report)
    return report


def _catalog(reader: object, root: object, report: StructReport) -> None:
    if not root.get("/Lang"):
        report.problems.append("no document /Lang")
    if not root.get("/MarkInfo", {}).get("/Marked"):
        report.problems.append("no /MarkInfo /Marked true")
    prefs = root.get("/ViewerPreferences", {})
    if not prefs.get("/DisplayDocTitle"):
        report.problems.append("no /ViewerPreferences /DisplayDocTitle")
    meta = root.get("/Metadata")
    xmp = meta.get_object().get_data().decode("utf-8") if meta is not None else ""
    if "<pdfuaid:part>1</pdfuaid:part>" not in xmp:
        report.problems.append("no XMP pdfuaid:part 1")
    for number, page in enumerate(reader.pages):
        if page.get("/Tabs") != "/S":
            report.problems.append(f"page {number + 1}: no /Tabs /S")


def _walk(kids: object, depth: int, report: StructReport) -> None:
    kids = kids.get_object() if hasattr(kids, "get_object") else kids
    if not isinstance(kids, list):
        kids = [kids]
    for kid in kids:
        kid = kid.get_object() if hasattr(kid, "get_object") else kid
        if not hasattr(kid, "get") or "/S" not in kid:
            continue
        tag = str(kid["/S"])[1:]
        report.elements.append((depth, tag))
        _element(kid, tag, report)
        if "/K" in kid:
            _walk(kid["/K"], depth + 1, report)


def _element(elem: object, tag: str, report: StructReport) -> None:
    if tag == "Figure" and not elem.get("/Alt"):
        report.problems.append("a Figure has no /Alt")
    if tag == "Link":
        kids = elem.get("/K")
        kids = kids if isinstance(kids, list) else [kids]
        if not any(hasattr(k.get_object(), "get") and k.get_object().get("/Type") == "/OBJR"
                   for k in kids if k is not None):
            report.problems.append("a Link has no OBJR")
    if tag == "TH" and "/A" not in elem:
        report.problems.append("a TH has no /Scope")
    if tag == "Table":
        text = repr(elem.get("/K"))
        rows = [k.get_object() for k in (elem["/K"] if isinstance(elem["/K"], list) else [elem["/K"]])]
        cells = [c.get_object() for r in rows for c in
                 (r["/K"] if isinstance(r["/K"], list) else [r["/K"]])]
        if not any(str(c.get("/S")) == "/TH" for c in cells) and text:
            report.problems.append("a Table has no TH")


def outline(report: StructReport, limit: int = 20) -> list[str]:
    """The first `limit` structure elements, indented, as a screen reader would meet them."""
    return ["  " * depth + tag for depth, tag in report.elements[:limit]]
