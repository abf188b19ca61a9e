"""XML systems: a reader and writer driven by element paths, checked against the system's XSD.

Table paths are simple relative paths (``ClientDetails/Surname``, ``Worker/@id``): the reader runs
them as XPath in the system's namespace; the writer creates the elements they name, in the order
the table lists them, so a table that follows the XSD's sequences writes valid documents.
Locations are XPaths with 1-based indices where a name repeats (``/DIRRecord/CarePlan/Goals/Goal[2]``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from lxml import etree

from adapter.dialects.errors import InvalidSystemRecord
from adapter.dialects.nodes import SourceRecord, TargetNode, Value
from adapter.dialects.safe_xml import Limits, parse_untrusted_xml
from adapter.outcome import Issue
from adapter.text import control_issue, text_problem

_PREFIX = "s"


def load_schema(path: Path) -> etree.XMLSchema:
    """The system's XSD (a trusted file of ours), loaded without network access."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    return etree.XMLSchema(etree.parse(str(path), parser))


@lru_cache(maxsize=1024)
def _xpath(namespace: str, path: str) -> etree.XPath:
    steps = [step if step.startswith("@") or step == "." else f"{_PREFIX}:{step}" for step in path.split("/")]
    return etree.XPath("/".join(steps), namespaces={_PREFIX: namespace})


def _local(element: etree._Element) -> str:
    return str(element.tag).rpartition("}")[2]


def _step(element: etree._Element) -> str:
    # The sibling scans run in libxml2; an index is shown only where the name repeats.
    name = _local(element)
    if element.getparent() is None:
        return name
    before = sum(1 for _ in element.itersiblings(element.tag, preceding=True))
    if before or next(element.itersiblings(element.tag), None) is not None:
        return f"{name}[{before + 1}]"
    return name


class Locations:
    """Where each element of one document is, worked out once per element.

    Keeping the elements as keys also keeps lxml's proxies for them alive, so the same element is
    the same key every time it is met.
    """

    def __init__(self) -> None:
        self._known: dict[etree._Element, str] = {}

    def of(self, element: etree._Element) -> str:
        """An XPath naming ``element``, with an index where its name repeats among its siblings."""
        known = self._known.get(element)
        if known is None:
            parent = element.getparent()
            known = f"/{_local(element)}" if parent is None else f"{self.of(parent)}/{_step(element)}"
            self._known[element] = known
        return known

    def leaves(self, root: etree._Element) -> tuple[str, ...]:
        """Every attribute with a value, and every element with text and no child elements."""
        found: list[str] = []
        for element in root.iter(etree.Element):
            here = self.of(element)
            found += [
                f"{here}/@{etree.QName(name).localname}"
                for name, value in element.attrib.items()
                if value.strip()
            ]
            if (element.text or "").strip() and not any(isinstance(child.tag, str) for child in element):
                found.append(here)
        return tuple(found)


@dataclass(frozen=True, slots=True)
class XmlNode:
    """An element of a parsed source document."""

    element: etree._Element
    namespace: str
    locations: Locations

    @property
    def location(self) -> str:
        return self.locations.of(self.element)

    def values(self, path: str) -> list[Value]:
        found: list[Value] = []
        for hit in _xpath(self.namespace, path)(self.element):  # type: ignore[union-attr]
            if isinstance(hit, etree._Element):
                text = (hit.text or "").strip()
                if text:
                    found.append(Value(text, self.locations.of(hit)))
            elif isinstance(hit, str) and getattr(hit, "is_attribute", False) and hit.strip():
                parent = self.locations.of(hit.getparent())  # type: ignore[attr-defined]
                found.append(Value(hit.strip(), f"{parent}/@{hit.attrname}"))  # type: ignore[attr-defined]
        return found

    def where(self, path: str) -> str:
        return self.location if path == "." else f"{self.location}/{path}"

    def children(self, path: str) -> list[XmlNode]:
        hits = _xpath(self.namespace, path)(self.element)
        return [
            XmlNode(hit, self.namespace, self.locations)
            for hit in hits  # type: ignore[union-attr]
            if isinstance(hit, etree._Element)
        ]


def _schema_issues(schema: etree.XMLSchema, tree: etree._ElementTree) -> list[Issue]:
    if schema.validate(tree):
        return []
    issues: list[Issue] = []
    for entry in schema.error_log:  # type: ignore[attr-defined]  # iterable at run time; stubs lag
        try:
            hits = tree.xpath(entry.path) if entry.path else []
        except etree.XPathError:
            # libxml2 writes an element of another namespace with its document prefix (/s:Root/x:Bad),
            # which is no XPath here: its path is then shown as libxml2 wrote it.
            hits = []
        found = hits[0] if isinstance(hits, list) and hits else None
        where = Locations().of(found) if isinstance(found, etree._Element) else entry.path
        line = f" (line {entry.line})" if entry.line else ""
        issues.append(Issue.error("structure", "dialects.schema", f"{where}{line}: {entry.message}", where))
    return issues


# XML 1.0 refuses C0 controls but lets DEL and C1 through, raw or as character references.
_MAY_HOLD_CONTROL = re.compile(rb"\x7f|\xc2[\x80-\x9f]|&#|^\xff\xfe|^\xfe\xff|^\x00|^<\x00")


def _control_issues(root: etree._Element, locations: Locations) -> list[Issue]:
    """Every element text or attribute value breaking the text policy (adapter.text), by location."""
    issues: list[Issue] = []
    for element in root.iter(etree.Element):
        for name, value in element.attrib.items():
            issue = control_issue(str(value), f"{locations.of(element)}/@{etree.QName(name).localname}")
            if issue is not None:
                issues.append(issue)
        issue = control_issue(element.text or "", locations.of(element))
        if issue is not None:
            issues.append(issue)
    return issues


@dataclass(frozen=True, slots=True)
class XmlReader:
    """Reads one record from a document whose root is ``root`` in ``namespace``."""

    root: str
    namespace: str
    schema: etree.XMLSchema | None = None
    limits: Limits = field(default_factory=Limits)

    def parse(self, data: bytes) -> list[SourceRecord]:
        tree = parse_untrusted_xml(data, self.limits)
        element = tree.getroot()
        expected = etree.QName(self.namespace, self.root)
        if element.tag != expected.text:
            raise InvalidSystemRecord.of(
                [
                    Issue.error(
                        "structure",
                        "dialects.root",
                        f"the root element is {element.tag}; expected {expected.text}",
                        Locations().of(element),
                    )
                ]
            )
        if self.schema is not None:
            issues = _schema_issues(self.schema, tree)
            if issues:
                raise InvalidSystemRecord.of(issues)
        locations = Locations()
        refused = _control_issues(element, locations) if _MAY_HOLD_CONTROL.search(data) else []
        if refused:
            raise InvalidSystemRecord.of(refused)
        return [SourceRecord(XmlNode(element, self.namespace, locations), locations.leaves(element))]


@dataclass(frozen=True, slots=True)
class XmlTarget:
    """An element being written."""

    element: etree._Element
    namespace: str

    def _container(self, steps: list[str]) -> etree._Element:
        node = self.element
        for step in steps:
            tag = etree.QName(self.namespace, step).text
            existing = node.find(tag)
            node = existing if existing is not None else etree.SubElement(node, tag)
        return node

    def put(self, path: str, text: str) -> None:
        problem = text_problem(text)
        if problem is not None:
            # lxml would raise ValueError: XML cannot carry it. Records are checked on the way in;
            # this says which field, should one be built in memory with such text.
            raise InvalidSystemRecord.single("value", "dialects.unwritable", f"{path}: {problem}", path)
        *parents, last = path.split("/")
        node = self._container(parents)
        if last == ".":
            node.text = text
        elif last.startswith("@"):
            node.set(last[1:], text)
        else:
            etree.SubElement(node, etree.QName(self.namespace, last).text).text = text

    def child(self, path: str) -> TargetNode:
        *parents, last = path.split("/")
        node = self._container(parents)
        return XmlTarget(etree.SubElement(node, etree.QName(self.namespace, last).text), self.namespace)


@dataclass
class XmlDraft:
    """One XML document being written (a system XML document holds one record)."""

    root: str
    namespace: str
    schema: etree.XMLSchema | None
    element: etree._Element | None = None

    def record(self) -> TargetNode:
        if self.element is not None:
            raise ValueError("an XML document of this system holds one record")
        tag = etree.QName(self.namespace, self.root).text
        self.element = etree.Element(tag, nsmap={None: self.namespace})  # type: ignore[dict-item]
        return XmlTarget(self.element, self.namespace)

    def finish(self) -> bytes:
        if self.element is None:
            raise ValueError("no record was written")
        tree = self.element.getroottree()
        if self.schema is not None:
            issues = _schema_issues(self.schema, tree)
            if issues:
                raise InvalidSystemRecord.of(issues)
        return etree.tostring(tree, xml_declaration=True, encoding="UTF-8", pretty_print=True)


@dataclass(frozen=True, slots=True)
class XmlWriter:
    """Starts documents whose root is ``root`` in ``namespace``."""

    root: str
    namespace: str
    schema: etree.XMLSchema | None = None

    def start(self) -> XmlDraft:
        return XmlDraft(self.root, self.namespace, self.schema)
