"""The layers point one way: ETL → Parquet → the pure library (``pressfreedom``) → two consumers,
the Streamlit layer (``webapp``, ``dashboard.py``, ``pages/``) and the documents' command line
(``report``), which never import each other. Imports inside functions count too."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("pressfreedom", "webapp", "report", "etl", "bench", "tools")


def module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules(root: Path = ROOT) -> dict[str, Path]:
    files = [p for pkg in PACKAGES for p in (root / pkg).rglob("*.py")]
    files += [root / "dashboard.py", *(root / "pages").glob("*.py")]
    return {module_name(p) if root == ROOT else ".".join(p.relative_to(root).with_suffix("").parts): p for p in files}


def imports_of(path: Path, name: str, known: set[str]) -> set[str]:
    """Every project module ``path`` imports, at the top or inside a function."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(
                    package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else [])
                )
            # "from pkg import mod" imports the submodule; "from mod import name" the module
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names]
        else:
            continue
        for t in targets:
            while t and t not in known:
                t = t.rpartition(".")[0]
            if t and t != name:
                found.add(t)
    return found


def graph(root: Path = ROOT) -> dict[str, set[str]]:
    mods = project_modules(root)
    return {m: imports_of(p, m, set(mods)) for m, p in mods.items()}


def cycles(g: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in g.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(g):
        if v not in index:
            visit(v)
    return out


def layer(module: str) -> str:
    if module.startswith(("webapp", "pages")) or module == "dashboard":
        return "streamlit"
    return module.split(".")[0]


def test_no_import_cycle_among_the_projects_modules():
    assert cycles(graph()) == []


def test_the_cycle_check_finds_a_cycle_made_by_an_import_inside_a_function(tmp_path):
    (tmp_path / "a.py").write_text("import b\n")
    (tmp_path / "b.py").write_text("def f():\n    from a import x\n")
    mods = {"a": tmp_path / "a.py", "b": tmp_path / "b.py"}
    g = {m: imports_of(p, m, set(mods)) for m, p in mods.items()}
    assert cycles(g) == [["a", "b"]]


ALLOWED = {  # layer → the layers it may import
    "pressfreedom": {"pressfreedom"},
    "etl": {"etl", "pressfreedom"},
    "report": {"report", "pressfreedom"},
    "streamlit": {"streamlit", "pressfreedom"},
    "bench": {"bench", "etl", "pressfreedom", "tools"},
    "tools": {"tools", "etl", "pressfreedom"},
}


# Single modules a layer may import beyond ALLOWED, each with the reason.
ALLOWED_MODULES = {
    # the monitors' "Check a file" page runs the ETL's own checks on an upload (into a temporary
    # folder): a second implementation in the library would drift from what `make data` does
    ("pages.check_file", "etl.check"),
}


def test_every_import_points_down_the_layers():
    wrong = [
        f"{m} → {t}"
        for m, targets in sorted(graph().items())
        for t in sorted(targets)
        if layer(t) not in ALLOWED[layer(m)] and (m, t) not in ALLOWED_MODULES
    ]
    assert wrong == []


def test_only_the_streamlit_layer_imports_streamlit():
    offenders = []
    for m, p in project_modules().items():
        if layer(m) == "streamlit" or m.startswith(("tools", "bench")):
            continue  # tools/bench drive a real server; they may start one
        tree = ast.parse(p.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            if any(n == "streamlit" or n.startswith("streamlit.") for n in names):
                offenders.append(m)
    assert offenders == []


CHECK = """
import runpy, sys
sys.argv = ["x", "--help"]
try:
    runpy.run_module({entry!r}, run_name="__main__")
except SystemExit:
    pass
print("streamlit loaded:", "streamlit" in sys.modules)
"""


@pytest.mark.parametrize("entry", ["report", "etl"])
def test_the_command_lines_never_load_streamlit(entry):
    """``python -m report`` and ``python -m etl`` (their whole import tree, run as on the command line)."""
    out = subprocess.run(
        [sys.executable, "-c", CHECK.format(entry=entry)], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip().splitlines()[-1] == "streamlit loaded: False", out.stderr


def test_the_streamlit_check_sees_streamlit_when_it_is_loaded():
    code = CHECK.format(entry="webapp.app").replace('sys.argv = ["x", "--help"]', "")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert out.stdout.strip().splitlines()[-1] == "streamlit loaded: True", out.stderr


def cached_calls(root: Path = ROOT) -> list[tuple[str, str, str]]:
    """(file, helper, name) for every ``app.data("name", …)`` / ``app.cached_context("name", …)`` call."""
    found = []
    files = [root / "dashboard.py", *(root / "pages").glob("*.py"), *(root / "webapp").glob("*.py")]
    files += [p for p in [root / "pressfreedom" / "figures.py"] if p.exists()]  # its DataFn calls
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Attribute)
                and node.attr in ("data", "cached_context")
                and isinstance(node.value, ast.Name)
                and node.value.id == "app"
            ):
                continue
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute | ast.Name):
                name = node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id
                if name in ("data", "cached_context") and node.args and isinstance(node.args[0], ast.Constant):
                    found.append((path.name, name, node.args[0].value))
            # a query method passed by reference ("app.data" as a function argument) names it too
            if isinstance(node, ast.Call):
                for arg in node.args:
                    if isinstance(arg, ast.Attribute) and arg.attr == "data" and getattr(arg.value, "id", "") == "app":
                        found.append((path.name, "data", "<passed on>"))
    return found


def test_every_name_given_to_the_cache_helpers_is_a_real_function():
    """``app.data("kpis", f)`` calls a ``Query`` method by name and ``app.cached_context("rsf_series")``
    a ``pressfreedom.third_party`` function: a typo would fail only when that page runs."""
    from pressfreedom import third_party
    from pressfreedom.query import Query

    calls = cached_calls()
    assert len([c for c in calls if c[2] != "<passed on>"]) > 20  # the scan sees the pages' calls
    wrong = [
        c
        for c in calls
        if c[2] != "<passed on>" and not callable(getattr(Query if c[1] == "data" else third_party, c[2], None))
    ]
    assert wrong == []


def test_the_cache_name_check_sees_a_typo(tmp_path):
    (tmp_path / "pages").mkdir()
    (tmp_path / "webapp").mkdir()
    (tmp_path / "dashboard.py").write_text('k = app.data("kpi", f)\n', encoding="utf-8")
    assert cached_calls(tmp_path) == [("dashboard.py", "data", "kpi")]


AGGREGATIONS = {"sum", "max", "min", "mean", "median", "count", "quantize", "round", "value_counts", "groupby"}


def page_aggregations(root: Path = ROOT) -> list[str]:
    """Calls in ``pages/`` and ``webapp/`` that count, sum or round: numbers belong to the figure layer."""
    found = []
    for path in [*(root / "pages").glob("*.py"), *(root / "webapp").glob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
                if name in AGGREGATIONS:
                    found.append(f"{path.relative_to(root)}:{node.lineno} {name}")
    return found


def test_no_page_counts_sums_or_rounds():
    """Every number anyone sees is computed (and formatted) once, in pressfreedom.figures."""
    assert page_aggregations() == []


def test_the_aggregation_scan_sees_a_sum_in_a_page(tmp_path):
    (tmp_path / "pages").mkdir()
    (tmp_path / "webapp").mkdir()
    (tmp_path / "pages" / "p.py").write_text('n = int(df["n"].sum())\n', encoding="utf-8")
    assert page_aggregations(tmp_path) == ["pages/p.py:1 sum"]
