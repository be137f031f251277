"""House rules that keep the layers apart (DESIGN.md): checked on the source itself."""

from __future__ import annotations

import ast
from pathlib import Path

import geomap

PACKAGE = Path(geomap.__file__).parent


#: The pipeline's layers, bottom first: a part of the package imports only from layers below
#: its own (and from itself). Every module belongs to one part: a subpackage or a top module.
LAYERS = (
    {"__init__", "models", "errors", "config"},
    {"ingest", "gazetteer"},
    {"geoparse"},
    {"incidents"},
    {"store"},
    {"pipeline", "export", "mapview"},
    {"distributed"},  # the Dask runner: the pipeline's steps on workers (#17)
    {"cli", "app"},
    {"__main__"},
)
RANK = {part: rank for rank, parts in enumerate(LAYERS) for part in parts}
#: Imports between neighbours on one layer that the layout allows.
SIDEWAYS = {("config", "errors"), ("mapview", "export")}
SUBPACKAGES = ("ingest", "gazetteer", "geoparse", "incidents", "store", "mapview", "cli", "app")


def imported_names(path: Path) -> set[str]:
    """Dotted names of everything ``path`` imports (at the top or inside functions)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            if node.module == "geomap":  # from geomap import x: x is a part of the package
                names.update(f"geomap.{alias.name}" for alias in node.names)
    return names


def imported_modules(path: Path) -> set[str]:
    return {name.split(".")[0] for name in imported_names(path)}


def part_of(path: Path) -> str:
    """The package part a module belongs to: its subpackage, or its own name at the top."""
    rel = path.relative_to(PACKAGE)
    return rel.parts[0] if len(rel.parts) > 1 else rel.stem


def modules() -> list[Path]:
    found = sorted(PACKAGE.rglob("*.py"))
    assert len(found) > 10
    return found


def test_every_module_sits_on_a_layer() -> None:
    assert sorted({part_of(p) for p in modules()} - set(RANK)) == []


def test_imports_run_down_the_pipeline() -> None:
    """models/errors/config, then ingest and gazetteer, geoparse, incidents, store,
    pipeline/export/mapview, and cli/app on top: nothing imports from a layer above it."""
    wrong = []
    for path in modules():
        here = part_of(path)
        for name in imported_names(path):
            parts = name.split(".")
            if parts[0] != "geomap" or len(parts) < 2 or parts[1] == "__version__":
                continue
            there = parts[1]
            if there == here or (here, there) in SIDEWAYS or RANK[there] < RANK[here]:
                continue
            wrong.append(f"{path.relative_to(PACKAGE)} imports {name}")
    assert wrong == []


def test_only_the_app_subpackage_imports_streamlit() -> None:
    ui = {"streamlit", "streamlit_folium"}
    offenders = [
        str(p.relative_to(PACKAGE))
        for p in modules()
        if part_of(p) != "app" and ui & imported_modules(p)
    ]
    assert offenders == []


def test_subpackages_name_their_job_and_public_functions() -> None:
    import importlib

    for name in SUBPACKAGES:
        init = PACKAGE / name / "__init__.py"
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert doc and "\n" not in doc.strip(), f"{name}: a one-line docstring"
        module = importlib.import_module(f"geomap.{name}")
        public = getattr(module, "__all__", None)
        assert public, f"geomap.{name} has no __all__"
        missing = [n for n in public if not hasattr(module, n)]
        assert missing == [], f"geomap.{name}.__all__ names what it does not define"


def test_only_the_geocoder_modules_import_geopy() -> None:
    users = [str(p.relative_to(PACKAGE)) for p in modules() if "geopy" in imported_modules(p)]
    assert sorted(users) == ["geoparse/geocode.py", "geoparse/httpguard.py"]


def test_optional_engines_are_imported_by_their_module_only() -> None:
    """psycopg only by the PostgreSQL store, dask only by the Dask runner (optional extras)."""
    owners = {
        "psycopg": "store/postgres.py",
        "distributed": "distributed.py",
        "dask": "distributed.py",
    }
    users = sorted(
        (lib, str(p.relative_to(PACKAGE)))
        for p in modules()
        for lib in owners
        if lib in imported_modules(p)
    )
    assert users == sorted({(lib, owners[lib]) for lib, _ in users})
    assert ("psycopg", "store/postgres.py") in users and ("distributed", "distributed.py") in users


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
