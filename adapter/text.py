"""One policy for text from outside: control characters other than tab, CR and LF are refused.

    >>> control_issues({"name": [{"family": "Ok\\x0bay"}]}, "Patient")[0].expression
    'Patient.name[0].family'
    >>> escape("\\x1b]0;owned\\x07")
    '\\\\x1b]0;owned\\\\x07'

Why: FHIR R4 defines ``string`` (datatypes.html#string) with the regex ``[ \\r\\n\\t\\S]+`` and says
"Strings SHOULD not contain Unicode character points below 32, except for u0009 (horizontal tab),
u0010 (carriage return) and u0013 (line feed)"; XML 1.0 cannot carry them at all, so a value holding
one can be read but never written as FHIR XML or a system's XML, and it reaches terminals and
spreadsheets raw. So every reader (FHIR JSON and XML, each system's format, the canonical record)
refuses them on the way in, with an Issue naming the field; DEL and the C1 controls (U+007F-U+009F)
are refused too (U+009B is a terminal's CSI, as ESC is).

Every Issue's text passes through :func:`escape`, so a message that quotes input shows a control
character as ``\\x1b`` rather than sending it to a terminal or a log.
"""

from __future__ import annotations

import re
from typing import Any

from adapter.outcome import Issue, escape

__all__ = ["CONTROL", "control_issue", "control_issues", "escape", "text_problem"]

CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
"""A character no text field may hold: C0 controls but tab, LF and CR; DEL; C1 controls."""


def text_problem(text: str) -> str | None:
    """What is wrong with ``text`` under the policy, or None when nothing is."""
    found = CONTROL.search(text)
    if found is None:
        return None
    return (
        f"holds the control character U+{ord(found.group()):04X} at position {found.start() + 1}; "
        "text may hold no control characters but tab, CR and LF"
    )


def control_issue(text: str, where: str, message_id: str = "text.control-character") -> Issue | None:
    """An error naming ``where`` when ``text`` breaks the policy, else None."""
    problem = text_problem(text)
    if problem is None:
        return None
    return Issue.error("value", message_id, f"{where}: {problem}", where)


def control_issues(tree: Any, root: str, *, limit: int = 20) -> list[Issue]:
    """One error per string (or object key) in a JSON tree that breaks the policy, at most ``limit``,
    each at its path (``root.name[0].family``; ``root`` empty for a canonical record's own paths)."""
    issues: list[Issue] = []
    stack: list[tuple[Any, str]] = [(tree, root)]
    while stack and len(issues) < limit:
        node, path = stack.pop()
        if isinstance(node, str):
            issue = control_issue(node, path or "$this")
            if issue is not None:
                issues.append(issue)
        elif isinstance(node, dict):
            for key, value in reversed(list(node.items())):
                here = f"{path}.{key}" if path else str(key)
                problem = text_problem(key) if isinstance(key, str) else None
                if problem is not None:
                    where = path or "$this"
                    issues.append(
                        Issue.error("value", "text.control-character", f"{where}: a name {problem}", where)
                    )
                    continue
                stack.append((value, here))
        elif isinstance(node, list):
            stack.extend((item, f"{path}[{index}]") for index, item in reversed(list(enumerate(node))))
    return issues
