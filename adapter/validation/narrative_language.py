"""A profile's narrative-language-control on a Narrative: which language sections its div has.

The extension http://hl7.org/fhir/StructureDefinition/narrative-language-control (FHIR extensions
pack, CodeSystem narrative-language-control) takes one or more codes:

- ``_no``: "No Language Sections in the narrative" - no element of the div names a language;
- ``_yes``: "The narrative must be divided into divs marked with language" - the div holds
  language sections and nothing else of substance;
- ``_resource``: "There must be a section matching the Resource.language";
- a language code (``fr``, ``en-GB``): there must be a section in that language.

A language section is a ``div`` directly inside the narrative's div that names its language with
``xml:lang`` (the reference validator's XhtmlValidator.isLangDiv) or ``lang`` - either attribute
alone is enough; when a div carries both they must agree (XHTML 1.0 appendix C.7 asks for the same
value in both), and a disagreement is a warning.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from lxml import etree

from adapter.outcome import Issue

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
XHTML_DIV = "{http://www.w3.org/1999/xhtml}div"


def _language(node: Any) -> str | None:
    found = node.get(XML_LANG) or node.get("lang")
    return str(found) if found else None


def sections(root: etree._Element) -> list[tuple[etree._Element, str]]:
    """The language sections of a narrative div and the language each names."""
    return [
        (child, language)
        for child in root
        if child.tag in (XHTML_DIV, "div") and (language := _language(child)) is not None
    ]


def check_language_control(
    codes: Sequence[str], root: etree._Element, resource_language: Any, path: str, profile: str
) -> list[Issue]:
    """Issues where the div does not have the language sections the profile's codes ask for."""
    issues: list[Issue] = []
    found = sections(root)
    languages = [language for _, language in found]
    for section, _ in found:
        xml_lang, lang = section.get(XML_LANG), section.get("lang")
        if xml_lang and lang and xml_lang != lang:
            text = f"A language section names two languages: lang='{lang}' and xml:lang='{xml_lang}'"
            issues.append(Issue.warning("business-rule", "xhtml.language-section-conflict", text, path))
    for code in codes:
        if code == "_no":
            issues += _no_sections(root, path, profile)
        elif code == "_yes":
            issues += _only_sections(root, found, path, profile)
        else:
            wanted = resource_language if code == "_resource" else code
            if isinstance(wanted, str) and wanted not in languages:
                held = ", ".join(languages) or "none"
                text = (
                    f"The xhtml has no language section for '{wanted}' (found: {held}), "
                    f"which the profile {profile} requires"
                )
                issues.append(Issue.error("business-rule", "xhtml.language-section-missing", text, path))
    return issues


def _no_sections(root: etree._Element, path: str, profile: str) -> list[Issue]:
    named: list[str] = []
    for node in root.iterdescendants():
        language = _language(node) if isinstance(node.tag, str) else None
        if language and language not in named:
            named.append(language)
    if not named:
        return []
    text = (
        f"The xhtml has some language sections ({', '.join(sorted(named))}), but language sections "
        f"are prohibited in this context by the profile {profile}"
    )
    return [Issue.error("business-rule", "xhtml.language-sections", text, path)]


def _only_sections(
    root: etree._Element, found: list[tuple[etree._Element, str]], path: str, profile: str
) -> list[Issue]:
    in_sections = {id(section) for section, _ in found}
    outside = bool((root.text or "").strip()) or any(
        (isinstance(child.tag, str) and id(child) not in in_sections) or (child.tail or "").strip()
        for child in root
    )
    if found and not outside:
        return []
    text = (
        "The xhtml must be divided into language sections (divs with lang or xml:lang) "
        f"{'and has content outside them' if found else 'and has none'}, as the profile {profile} requires"
    )
    return [Issue.error("business-rule", "xhtml.language-sections-required", text, path)]
