"""Tagging: marked content and the structure tree of a tagged PDF (PDF/UA-1, ISO 14289-1).

The story's flowables carry a `Node` (their structure element: H1, P, LI, TD, Figure …), set when
Markdown becomes flowables. While ReportLab draws, the `Tagger` on the canvas wraps each piece of
content in a marked-content sequence with an MCID tied to its node, or marks it as an artifact
(bands, rules, backgrounds, page numbers); nodes join the tree in the order they are first drawn,
which is the order a sighted reader follows. At save it writes the StructTreeRoot, the ParentTree
and the link annotations' object references.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterator


class Node:
    """A structure element: its tag, parent, attributes (/Alt, /Lang …) and kids in order."""

    __slots__ = ("tag", "parent", "attrs", "kids", "placed", "last")

    def __init__(self, tag: str, parent: Node | None = None, last: bool = False,
                 **attrs: str) -> None:
        self.tag, self.parent, self.attrs, self.last = tag, parent, attrs, last
        self.kids: list[Any] = []   # Node, ("mcid", page, n) or ("annot", page, name)
        self.placed = False

    def child(self, tag: str, **attrs: str) -> Node:
        """Return a new node under this one (placed when first drawn)."""
        return Node(tag, self, **attrs)

    @classmethod
    def again(cls, tag: str, parent: Node | None, last: bool, attrs: tuple) -> Node:
        """A node like a recorded one (its attributes as sorted items): what a replay makes,
        two hundred a handout, without keyword arguments."""
        node = cls.__new__(cls)
        node.tag, node.parent, node.attrs, node.last = tag, parent, dict(attrs), last
        node.kids = []
        node.placed = False
        return node

    def __repr__(self) -> str:
        return f"Node({self.tag})"

    # ReportLab deep-copies flowables to try a split; a copy must stay the same element.
    def __copy__(self) -> Node:
        return self

    def __deepcopy__(self, memo: dict) -> Node:
        return self


def node_of(flowable: Any) -> Node | None:
    return getattr(flowable, "_node", None)


def set_node(flowable: Any, node: Node) -> Any:
    """Give `flowable` its structure element; return the flowable."""
    flowable._node = node
    return flowable


class Tagger:
    """The marked content of one document and its structure tree, filled while drawing."""

    def __init__(self, root: Node, lang: str) -> None:
        self.root, self.lang = root, lang
        self.page = 1
        self.mcids: dict[int, list[Node]] = {}
        self.annots: list[tuple[str, Node]] = []
        self.depth = 0          # open tagged sequences: content inside them is not an artifact
        self.open: list[Node] = []  # the nodes of the open tagged sequences, innermost last
        self.suspended = 0      # > 0 while drawing furniture that is wholly an artifact

    def place(self, node: Node) -> None:
        """Attach `node` and its ancestors to the tree, in the order they are first drawn."""
        if node.placed or node is self.root:
            return
        parent = node.parent or self.root
        self.place(parent)
        parent.kids.append(node)
        node.placed = True

    def begin(self, canv: Any, node: Node, extra: str = "") -> None:
        """Open a marked-content sequence for `node` on the current page."""
        self.place(node)
        owners = self.mcids.setdefault(self.page, [])
        mcid = len(owners)
        owners.append(node)
        node.kids.append(("mcid", self.page, mcid))
        canv._code.append(f"/{_mc_tag(node.tag)} <</MCID {mcid}{extra}>> BDC")
        self.depth += 1
        self.open.append(node)

    def end(self, canv: Any) -> None:
        canv._code.append("EMC")
        self.depth -= 1
        self.open.pop()

    def add_link(self, canv: Any, node: Node, url: str, rect: tuple, contents: str,
                 print_flag: bool) -> None:
        """Add a link annotation over `rect`, tied to `node` (a Link element) by an OBJR."""
        from reportlab.pdfbase.pdfdoc import PDFString

        self.place(node)
        name = f"TaggedLink{len(self.annots) + 1}"
        index = self._annot_index(len(self.annots))
        extra = {"Contents": PDFString(contents), "StructParent": index}
        if print_flag:
            extra["F"] = 4
        self.annots.append((name, node))
        node.kids.append(("annot", self.page, name))
        _link_annotation(canv, url, rect, name, extra)

    def _annot_index(self, n: int) -> int:
        return 100000 + n  # ParentTree keys of annotations: after every page's key

    @contextmanager
    def content(self, canv: Any, node: Node, extra: str = "") -> Iterator[None]:
        self.begin(canv, node, extra)
        try:
            yield
        finally:
            self.end(canv)


def _mc_tag(tag: str) -> str:
    return tag if tag.isalnum() else "Span"


def _link_annotation(canv: Any, url: str, rect: tuple, name: str, extra: dict) -> None:
    from reportlab.pdfbase.pdfdoc import PDFArray, PDFDictionary, PDFName, PDFString

    ann = PDFDictionary(dict=extra)
    ann["Type"] = PDFName("Annot")
    ann["Subtype"] = PDFName("Link")
    ann["Rect"] = PDFArray([round(v, 2) for v in canv._absRect(rect, 0)])
    ann["Border"] = PDFArray([0, 0, 0])
    action = PDFDictionary()
    action["S"] = PDFName("URI")
    action["URI"] = PDFString(url)
    ann["A"] = action
    canv._addAnnotation(ann, name)


def tagger_of(canv: Any) -> Tagger | None:
    return getattr(canv, "_tagger", None)


@contextmanager
def artifact(canv: Any, kind: str = "Layout") -> Iterator[None]:
    """Mark what is drawn inside as an artifact (not read aloud), when the canvas is tagged."""
    tagger = tagger_of(canv)
    if tagger is None or tagger.depth:
        yield
        return
    canv._code.append(f"/Artifact <</Type /{kind}>> BDC")
    tagger.suspended += 1
    try:
        yield
    finally:
        tagger.suspended -= 1
        canv._code.append("EMC")


@contextmanager
def tagged(canv: Any, node: Node | None, extra: str = "") -> Iterator[None]:
    """Tie what is drawn inside to `node` (nothing happens on an untagged canvas)."""
    tagger = tagger_of(canv)
    if tagger is None or node is None:
        yield
        return
    with tagger.content(canv, node, extra):
        yield
