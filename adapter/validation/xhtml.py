"""Narrative XHTML rules (FHIR R4, Narrative): a ``div`` in the XHTML namespace, only the basic
HTML elements and attributes, no scripts, forms, frames or event handlers, and not empty.

The div is parsed with entity resolution, DTDs and network access off; it is never rendered or run.
"""

from __future__ import annotations

from collections.abc import Container, Iterable
from typing import Any

from lxml import etree

from adapter.outcome import Issue
from adapter.validation.narrative_language import check_language_control
from adapter.validation.records import ElementRecord

XHTML = "http://www.w3.org/1999/xhtml"

ALLOWED_ELEMENTS = frozenset(
    {
        "p",
        "br",
        "div",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "a",
        "span",
        "b",
        "em",
        "i",
        "strong",
        "small",
        "big",
        "tt",
        "sub",
        "sup",
        "abbr",
        "acronym",
        "dfn",
        "q",
        "cite",
        "code",
        "kbd",
        "samp",
        "var",
        "blockquote",
        "pre",
        "ul",
        "ol",
        "li",
        "dl",
        "dt",
        "dd",
        "table",
        "caption",
        "thead",
        "tbody",
        "tfoot",
        "colgroup",
        "col",
        "tr",
        "th",
        "td",
        "hr",
        "img",
        "map",
        "area",
        "address",
        "bdo",
        "ins",
        "del",
    }
)
ALLOWED_ATTRIBUTES = frozenset(
    {
        "title",
        "style",
        "class",
        "id",
        "lang",
        "xml:lang",
        "dir",
        "accesskey",
        "tabindex",
        "href",
        "name",
        "xmlns",
        "src",
        "alt",
        "usemap",
        "shape",
        "coords",
        "span",
        "width",
        "height",
        "align",
        "valign",
        "char",
        "charoff",
        "abbr",
        "axis",
        "headers",
        "scope",
        "rowspan",
        "colspan",
        "cellpadding",
        "cellspacing",
        "border",
        "frame",
        "rules",
        "summary",
        "cite",
        "datetime",
        "start",
        "type",
        "value",
        "compact",
        "nowrap",
        "bgcolor",
    }
)

_ALLOWED_TAGS = frozenset(f"{{{XHTML}}}{name}" for name in ALLOWED_ELEMENTS)
_XHTML_A = f"{{{XHTML}}}a"

HYPERLINK_SCHEMES = frozenset({"http", "https", "ftp", "mailto", "tel", "data"})

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def _parsed_div(narrative: dict[str, Any]) -> etree._Element | None:
    """A narrative's div, parsed; None when there is none or it is not well-formed XHTML (which
    check_narrative reports)."""
    div = narrative.get("div")
    if not isinstance(div, str):
        return None
    try:
        return etree.fromstring(div.encode(), _PARSER)
    except etree.XMLSyntaxError:
        return None


def narrative_ids(div: str) -> list[str]:
    """The id attributes of the elements in one narrative div (empty when it is not XHTML)."""
    try:
        root = etree.fromstring(div.encode(), _PARSER)
    except etree.XMLSyntaxError:
        return []
    return [str(node.get("id")) for node in root.iter() if isinstance(node.tag, str) and node.get("id")]


SOURCE_CLASSES = frozenset({"boilerplate", "generated", "original", "extension", "additional"})
"""Class names that say where a narrative's text comes from: the R5 Narrative page's "Specifying
Narrative Source" names boilerplate, generated, extension and additional; the HL7 reference
validator's message names boilerplate, generated and original."""


def check_narrative_controls(
    element: ElementRecord, narrative: dict[str, Any], path: str, profile: str, resource_language: Any = None
) -> list[Issue]:
    """The narrative controls a profile puts on its Narrative element (language and source)."""
    issues: list[Issue] = []
    if element.narrative_language:
        root = _parsed_div(narrative)
        if root is not None:
            issues += check_language_control(
                element.narrative_language, root, resource_language, path, profile
            )
    if element.narrative_source is not None:
        issues += check_narrative_sources(narrative, path, profile)
    return issues


def check_narrative_sources(narrative: dict[str, Any], path: str, profile: str) -> list[Issue]:
    """A profile's narrative-source-control: every piece of text in the div sits in an element whose
    class says its source. One issue per unlabelled piece: a bare text node, or an element without
    a source class that holds text of its own (one without text is looked into instead).

    The extension's value names a severity (hint, warning, error), yet the reference validator
    reports an error whatever it names (fhir-test-cases xhtml-ctrl-source1: value ``warning``, two
    errors); the error is kept so both agree on whether a resource is valid."""
    root = _parsed_div(narrative)
    if root is None:
        return []
    return [
        Issue.error(
            "business-rule",
            "xhtml.source-unlabelled",
            f"The xhtml node at '{label}' does not have a class attribute to indicate its source "
            f"(boilerplate, generated, or original) and this is required by the profile {profile}",
            path,
        )
        for label in _unlabelled(root)
    ]


def _unlabelled(node: Any) -> list[str]:
    """The text of each unlabelled piece inside ``node`` (whose own class, if any, is not read)."""
    found = [" ".join(node.text.split())] if node.text and node.text.strip() else []
    for child in node:
        labelled = SOURCE_CLASSES.intersection(str(child.get("class", "")).split())
        if isinstance(child.tag, str) and not labelled:
            own_text = (child.text or "").strip() or any(
                (c.tail or "").strip() for c in child if isinstance(c.tag, str)
            )
            if own_text:
                found.append(" ".join("".join(child.itertext()).split()))
            else:
                found += _unlabelled(child)
        if child.tail and child.tail.strip():
            found.append(" ".join(child.tail.split()))
    return found


def check_narrative(
    narrative: dict[str, Any], path: str, targets: Container[str] = frozenset()
) -> Iterable[Issue]:
    """Issues with ``Narrative.div``: not XHTML, wrong root, disallowed elements or attributes,
    links with schemes a reader cannot follow, ``#`` links that lead nowhere (``targets``: the ids
    of the resource's contained resources, to which a narrative may link)."""
    div = narrative.get("div")
    if not isinstance(div, str):
        return []
    where = f"{path}.div"
    try:
        root = etree.fromstring(div.encode(), _PARSER)
    except etree.XMLSyntaxError as problem:
        return [
            Issue.error(
                "invalid", "xhtml.syntax", f"The narrative is not well-formed XHTML: {problem}", where
            )
        ]
    issues: list[Issue] = []
    if root.tag != f"{{{XHTML}}}div":
        issues.append(
            Issue.error(
                "invalid",
                "xhtml.root",
                "The narrative must be a div element in the XHTML namespace (http://www.w3.org/1999/xhtml)",
                where,
            )
        )
    if len(root) == 0 and not "".join(str(t) for t in root.itertext()).strip():
        issues.append(Issue.error("invalid", "xhtml.empty", "The narrative div must not be empty", where))
    links: list[str] = []
    # One pass over the elements (comments and processing instructions are not elements).
    for node in root.iter(etree.Element):
        tag = node.tag
        if tag not in _ALLOWED_TAGS:
            name = str(tag).rpartition("}")[2]
            text = f"The element '{name}' is not allowed in a narrative"
            issues.append(Issue.error("invalid", "xhtml.element", text, where))
        for attribute in node.keys():  # noqa: SIM118 - lxml's keys() is cheaper than iterating attrib
            if attribute not in ALLOWED_ATTRIBUTES:
                local = str(attribute).rpartition("}")[2]
                if local not in ALLOWED_ATTRIBUTES:
                    name = str(tag).rpartition("}")[2]
                    text = f"The attribute '{local}' on '{name}' is not allowed in a narrative"
                    issues.append(Issue.error("invalid", "xhtml.attribute", text, where))
        if tag == _XHTML_A or (isinstance(tag, str) and (tag == "a" or tag.endswith("}a"))):
            href = str(node.get("href", ""))
            issues.extend(_hyperlink(href, where))
            if tag == _XHTML_A:
                links.append(href)
    # Anchors are gathered only when there is a local link to look them up for.
    anchors: set[str] = set()
    if any(href.startswith("#") for href in links):
        for node in root.iter(etree.Element):
            for key in ("id", "name"):
                found = node.get(key)
                if found is not None:
                    anchors.add(str(found))
    for href in links:
        if href.startswith("#") and len(href) > 1 and href[1:] not in anchors and href[1:] not in targets:
            issues.append(
                Issue.error(
                    "invalid",
                    "xhtml.hyperlink-unresolved",
                    f"Hyperlink '{href}' does not resolve to an anchor in the narrative or a contained "
                    "resource",
                    where,
                )
            )
    return issues


def _hyperlink(href: str, where: str) -> list[Issue]:
    """A narrative link must be one a reader can follow: a relative link, or one of a few schemes."""
    scheme, colon, _ = href.partition(":")
    if not colon or "/" in scheme or "#" in scheme or scheme.lower() in HYPERLINK_SCHEMES:
        return []
    return [
        Issue.error(
            "invalid",
            "xhtml.hyperlink-scheme",
            f"Hyperlink scheme '{scheme}' in '{href}' is not a valid hyperlinkable scheme",
            where,
        )
    ]
