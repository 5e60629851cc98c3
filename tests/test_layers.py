"""The house reads bottom-up: every import points down (or sideways where allowed).

core (the neutral model) → storage → config → handlers | adapters → bot (wiring).
Function-level imports count too: a lazy import upward is still an upward import.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# What each layer may import, besides itself.
MAY_IMPORT = {
    "core": set(),
    "storage": {"core"},
    "config": {"core", "storage"},
    "handlers": {"core", "storage", "config"},
    "adapters": {"core", "storage", "config"},  # beside handlers: never into them
    "bot": {"core", "storage", "config", "handlers", "adapters"},
}


def _project_imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found.update(name.split(".")[0] for name in names if name.split(".")[0] in MAY_IMPORT)
    return found


def _modules(layer: str) -> list[Path]:
    return sorted(p for p in (ROOT / layer).rglob("*.py") if "versions" not in p.parts)


@pytest.mark.parametrize("layer", sorted(MAY_IMPORT))
def test_imports_point_down(layer: str) -> None:
    upward = {
        str(path.relative_to(ROOT)): sorted(imported - MAY_IMPORT[layer] - {layer})
        for path in _modules(layer)
        if (imported := _project_imports(path)) - MAY_IMPORT[layer] - {layer}
    }
    assert upward == {}, f"{layer} imports upward: {upward}"


def test_the_check_sees_an_upward_import(tmp_path: Path) -> None:
    """The walker finds imports nested in functions, which is where upward ones hide."""
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    from bot.app import Liandong\n    import handlers.help\n", encoding="utf-8")
    assert _project_imports(sample) == {"bot", "handlers"}
