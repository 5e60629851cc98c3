"""Every data file the code reads at run time ships in the wheel: a non-editable install
without the type model's weights would read every message the rules find no hazard in
as "not a report" (the parser's answer to any internal surprise)."""
from __future__ import annotations

import fnmatch
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("handlers", "adapters", "core", "config", "storage", "bot")
NOT_DATA = {".py", ".pyc"}


def test_every_data_file_in_a_package_is_listed_as_package_data() -> None:
    listed = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["package-data"]
    unlisted = []
    for top in PACKAGES:
        for path in sorted((ROOT / top).rglob("*")):
            if not path.is_file() or path.suffix in NOT_DATA or "__pycache__" in path.parts:
                continue
            # a pattern of the package holding the file, or of any package above it (web/static/*)
            covered = False
            folder = path.parent
            while folder != ROOT:
                if (folder / "__init__.py").exists():
                    package = ".".join(folder.relative_to(ROOT).parts)
                    relative = path.relative_to(folder).as_posix()
                    covered |= any(fnmatch.fnmatch(relative, pattern) for pattern in listed.get(package, []))
                folder = folder.parent
            if not covered:
                unlisted.append(path.relative_to(ROOT).as_posix())
    assert not unlisted, "not in [tool.setuptools.package-data]: " + ", ".join(unlisted)
