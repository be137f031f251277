"""House rules that keep the layers apart (DESIGN.md): checked on the source itself."""

from __future__ import annotations

import ast
from pathlib import Path

import geomap

PACKAGE = Path(geomap.__file__).parent


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def modules() -> list[Path]:
    found = sorted(PACKAGE.rglob("*.py"))
    assert len(found) > 10
    return found


def test_nothing_in_the_package_imports_streamlit() -> None:
    ui = {"streamlit", "streamlit_folium"}
    offenders = [p.name for p in modules() if ui & imported_modules(p)]
    assert offenders == []


def test_only_the_geocode_module_imports_geopy() -> None:
    users = [p.name for p in modules() if "geopy" in imported_modules(p)]
    assert users == ["geocode.py"]


def test_public_functions_are_typed() -> None:
    untyped = []
    for path in modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            public = isinstance(node, ast.FunctionDef) and not node.name.startswith("_")
            if public and node.returns is None:
                untyped.append(f"{path.name}:{node.lineno} {node.name}")
    assert untyped == []


def test_ruff_is_clean() -> None:
    """Lint and format, as the house style asks (ruff is a test dependency)."""
    import shutil
    import subprocess

    ruff = shutil.which("ruff")
    assert ruff is not None, "ruff is in the test extras; install with pip install -e '.[test]'"
    root = PACKAGE.parent
    for args in (["check", "."], ["format", "--check", "."]):
        proc = subprocess.run([ruff, *args], cwd=root, capture_output=True, text=True, check=False)
        assert proc.returncode == 0, proc.stdout + proc.stderr
