"""The layer rules of docs/architecture.md, read from every import statement (nested ones too):
core imports no domain app; no app imports apps/api, apps/dashboards or bench/ (tests aside)."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ROOT / "apps"


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
    return found


def _sources(folder: Path):
    for path in sorted(folder.rglob("*.py")):
        parts = path.relative_to(APPS).parts
        if "tests" in parts or "migrations" in parts or path.name == "conftest.py":
            continue
        yield path


def _offences(folder: Path, refused) -> list[str]:
    return [
        f"{path.relative_to(ROOT)}:{line} imports {name}"
        for path in _sources(folder)
        for line, name in _imports(path)
        if refused(path, name)
    ]


def _top(name: str) -> str:
    return ".".join(name.split(".")[:2])


def test_core_imports_no_domain_app():
    assert _offences(APPS / "core", lambda _p, n: n.startswith("apps.") and _top(n) != "apps.core") == []


# apps/reports sits above the dashboards: the monthly report's figures are the dashboard's.
ABOVE_DASHBOARDS = {"apps.dashboards", "apps.reports"}


def test_no_app_imports_the_api_mount_the_dashboards_or_bench():
    def refused(path, name):
        own = "apps." + path.relative_to(APPS).parts[0]
        if name == "bench" or name.startswith("bench."):
            return True
        if _top(name) == "apps.api":
            return own != "apps.api"
        return _top(name) == "apps.dashboards" and own not in ABOVE_DASHBOARDS

    assert _offences(APPS, refused) == []
