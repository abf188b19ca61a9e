"""The in-memory form of a FHIR decimal: a :class:`decimal.Decimal` that keeps its exact text.

FHIR says a decimal's precision is part of its value (``1.50`` is not ``1.5``), and the wire must
carry what the sender wrote. Python's ``float`` loses both; ``Decimal`` keeps the digits but prints
``1e3`` as ``1E+3`` and ``0.0000001`` as ``1E-7``. So a decimal read from the wire is a
``FhirDecimal``: it computes and compares like a ``Decimal`` (by value, so ``FhirDecimal("1.50") ==
FhirDecimal("1.5")``), and ``str()`` / :attr:`lexeme` give back the text exactly as read, which is
what the writers emit.

    >>> FhirDecimal("1.50").lexeme, str(FhirDecimal("1e3")), FhirDecimal("0.010") * 2
    ('1.50', '1e3', Decimal('0.020'))
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

# FHIR R4 decimal.value regex (StructureDefinition decimal, extension "regex"); the same grammar as
# a JSON number.
DECIMAL_LEXICAL = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?")


class FhirDecimal(Decimal):
    """A FHIR decimal that remembers its exact lexical form (``lexeme``)."""

    __slots__ = ("lexeme",)
    lexeme: str

    def __new__(cls, lexeme: str) -> FhirDecimal:
        if DECIMAL_LEXICAL.fullmatch(lexeme) is None:
            raise ValueError(f"{lexeme!r} is not a FHIR decimal")
        return cls.trusted(lexeme)

    @classmethod
    def trusted(cls, lexeme: str) -> FhirDecimal:
        """A FhirDecimal from text a scanner has already checked (JSON numbers share the grammar).

        Raises ValueError for an exponent beyond what ``Decimal`` holds (about 10**18).
        """
        try:
            made = Decimal.__new__(cls, lexeme)
        except InvalidOperation:
            raise ValueError(f"{lexeme!r}: the exponent is too large to hold") from None
        made.lexeme = lexeme
        return made

    def __str__(self) -> str:
        return self.lexeme

    def __repr__(self) -> str:
        return f"FhirDecimal({self.lexeme!r})"

    def __reduce__(self) -> tuple[type[FhirDecimal], tuple[str]]:
        return (FhirDecimal, (self.lexeme,))
