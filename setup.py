"""Build hook: the wheel carries the compiled IG, the UK Core definitions it depends on, the mapping
tables and the fixture clients inside the package (adapter/_data/), so that an installed adapter
works from any folder. Everything else about the build is in pyproject.toml. An editable install
reads the same folders from the checkout (adapter/packaged.py looks there when adapter/_data is
absent)."""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
# (folder in the checkout, folder under adapter/_data/ in the wheel)
PACKAGE_DATA = (
    ("ig/fsh-generated/resources", "ig"),
    ("ig/input/ukcore", "ukcore"),
    ("mappings", "mappings"),
    ("fixtures/clients", "fixtures/clients"),
    ("fixtures/systems", "fixtures/systems"),
)


class BuildWithPackageData(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "adapter" / "_data"
        for source, inside in PACKAGE_DATA:
            origin = HERE / source
            if not origin.is_dir():
                raise SystemExit(f"setup.py: {origin} is missing; the wheel would not work")
            destination = target / inside
            shutil.rmtree(destination, ignore_errors=True)
            shutil.copytree(origin, destination, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))


setup(cmdclass={"build_py": BuildWithPackageData})
