"""The layer order, read from every module's imports (issue 17): imports flow one way,

    core  ->  classifiers / collectors / storage  ->  alerting / analytics  ->  pipeline  ->  pipeline.commands

A package may import its own modules and packages of lower layers only; nothing imports a command module but
the commands themselves (the `dozor` entry point is pipeline.commands:main). Function-level imports count too.
"""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LAYERS = {"core": 0, "classifiers": 1, "collectors": 1, "storage": 1, "alerting": 2, "analytics": 2,
          "pipeline": 3}


def imports_of(path: Path, root: Path = ROOT) -> list[tuple[int, str]]:
    """(line, absolute module name) for every import in the file, relative ones resolved."""
    package = ".".join(path.relative_to(root).with_suffix("").parts[:-1])
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found.append((node.lineno, module))
            found += [(node.lineno, f"{module}.{a.name}") for a in node.names]   # `from pkg import module`
    return found


def our_modules(root: Path = ROOT) -> list[Path]:
    return sorted(p for top in LAYERS for p in (root / top).rglob("*.py"))


def upward_imports(root: Path = ROOT) -> list[str]:
    wrong = []
    for path in our_modules(root):
        own = path.relative_to(root).parts[0]
        for line, module in imports_of(path, root):
            top = module.split(".")[0]
            if top in LAYERS and top != own and LAYERS[top] >= LAYERS[own]:
                wrong.append(f"{path.relative_to(root)}:{line} imports {module} "
                             f"({own} is layer {LAYERS[own]}, {top} is layer {LAYERS[top]})")
    return wrong


def test_every_import_goes_down_the_layers() -> None:
    assert upward_imports() == []


def test_nothing_imports_a_command_module() -> None:
    wrong = [f"{p.relative_to(ROOT)}:{line} imports {m}" for p in our_modules()
             if "commands" not in p.relative_to(ROOT).parts
             for line, m in imports_of(p) if m.startswith("pipeline.commands")]
    assert wrong == []


def test_no_cycle_between_packages() -> None:
    edges: dict[str, set[str]] = {top: set() for top in LAYERS}
    for path in our_modules():
        own = path.relative_to(ROOT).parts[0]
        edges[own] |= {m.split(".")[0] for _, m in imports_of(path)} & set(LAYERS) - {own}

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        return any(n == goal or (n not in seen and reaches(n, goal, seen | {n})) for n in edges[start])

    assert [p for p in LAYERS if reaches(p, p, {p})] == []


def test_the_checker_sees_a_wrong_import(tmp_path: Path) -> None:
    """The rule itself: upward and same-layer imports are found, downward ones are not."""
    for folder, text in {"core": "from pipeline import enrich\nfrom .records import Post\n",
                         "storage": "import core.records\n\ndef f():\n    from collectors.base import Collector\n",
                         "pipeline": "from storage.rows import aware\n"}.items():
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "probe.py").write_text(text, encoding="utf-8")
    assert (2, "core.records") in imports_of(tmp_path / "core" / "probe.py", tmp_path)
    assert [w.split(" (")[0] for w in upward_imports(tmp_path)] == [
        "core/probe.py:1 imports pipeline", "core/probe.py:1 imports pipeline.enrich",
        "storage/probe.py:4 imports collectors.base", "storage/probe.py:4 imports collectors.base.Collector"]
