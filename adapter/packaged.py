"""Where the data that ships with the adapter is found: the compiled implementation guide, the UK Core
definitions it depends on, the systems' mapping tables and the fixture clients.

    >>> mappings_folder() / "carat" / "mapping.yaml"
    PosixPath('.../adapter/_data/mappings/carat/mapping.yaml')

An installed wheel carries them inside the package (``adapter/_data/``, copied there when the wheel
is built, see setup.py), found through :mod:`importlib.resources`; a source checkout installed with
``pip install -e`` reads them from the checkout's own ``ig/``, ``mappings/`` and ``fixtures/``. A
setting overrides either (``CAREPLAN_IG``, ``CAREPLAN_UKCORE``, ``CAREPLAN_MAPPINGS``,
``CAREPLAN_FIXTURES``: a folder).
A folder that is in none of these places is an error naming the setting, never an empty answer:
a tool that silently finds no profiles or no systems reports wrong results.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

from adapter.errors import PackageDataMissing

# name -> (setting, path inside adapter/_data, path inside a source checkout)
_PLACES = {
    "ig": ("CAREPLAN_IG", "ig", "ig/fsh-generated/resources"),
    "ukcore": ("CAREPLAN_UKCORE", "ukcore", "ig/input/ukcore"),
    "mappings": ("CAREPLAN_MAPPINGS", "mappings", "mappings"),
    "fixtures": ("CAREPLAN_FIXTURES", "fixtures", "fixtures"),
}
_CHECKOUT = Path(__file__).resolve().parents[1]


def _folder(name: str) -> Path:
    setting, inside, in_checkout = _PLACES[name]
    configured = os.environ.get(setting)
    if configured:
        chosen = Path(configured)
        if not chosen.is_dir():
            raise PackageDataMissing.single(
                "not-found", "packaged.setting", f"{setting}={configured}: expected a folder", setting
            )
        return chosen
    bundled = Path(str(resources.files("adapter") / "_data" / inside))
    if bundled.is_dir():
        return bundled
    checkout = _CHECKOUT / in_checkout
    if checkout.is_dir():
        return checkout
    raise PackageDataMissing.single(
        "not-found",
        "packaged.missing",
        f"the adapter's {name} folder is not installed (looked in {bundled} and {checkout}); "
        f"reinstall the package, or set {setting} to the folder",
        setting,
    )


def ig_folder() -> Path:
    """The compiled implementation guide's resources (StructureDefinitions, CodeSystems, ...)."""
    return _folder("ig")


def ukcore_folder() -> Path:
    """UK Core's definitions our guide depends on (its ethnic category extension, value set and code
    systems, as published: ig/input/ukcore/README.md), read by SUSHI and by the validator alike."""
    return _folder("ukcore")


def mappings_folder() -> Path:
    """The systems' mapping tables, one folder per system."""
    return _folder("mappings")


def fixtures_folder() -> Path:
    """The synthetic clients (``clients/``) and their records in each system's format (``systems/``)."""
    return _folder("fixtures")
