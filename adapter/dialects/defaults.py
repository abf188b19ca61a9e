"""The canonical model's own defaults, so that a value a reader would restore anyway is not a loss.

A system with no "complex needs" flag loses nothing when the flag is false: reading its record back
gives false again. :func:`is_default` answers that for any canonical leaf path.
"""

from __future__ import annotations

import re
import types
from functools import cache
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel

from adapter.model import ClientRecord

_INDEX = re.compile(r"\[\d+\]")
_NO_DEFAULT = object()


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if get_origin(annotation) in (list, Union, types.UnionType):
        for argument in get_args(annotation):
            found = _model_in(argument)
            if found is not None:
                return found
    return None


@cache
def _default(path: str) -> Any:
    model: type[BaseModel] | None = ClientRecord
    *parents, last = path.split(".")
    for part in parents:
        field = model.model_fields.get(part) if model else None
        model = _model_in(field.annotation) if field else None
    field = model.model_fields.get(last) if model else None
    if field is None or field.is_required():
        return _NO_DEFAULT
    return field.get_default(call_default_factory=True)


def is_default(path: str, value: Any) -> bool:
    """True when ``value`` at canonical leaf ``path`` is what the model would fill in by itself."""
    if path.endswith("]"):
        return False
    default = _default(_INDEX.sub("", path))
    return default is not _NO_DEFAULT and default is not None and default == value
