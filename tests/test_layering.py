"""The rooms import downward only: game < protocol < server, client < debrief < cli.

Every ``import`` and ``from ... import`` in every module, at any depth (a lazy import
inside a function counts), is checked against the rank of its room. A room may import
itself and any room of a lower rank; ``server`` and ``client`` share a rank and may not
import each other. Names built from strings (``importlib.import_module``) are refused.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from sources import parse_source

ROOT = Path(__file__).resolve().parent.parent
RANK = {
    "scenarios": 0,
    "assets": 0,
    "game": 1,
    "protocol": 2,
    "server": 3,
    "client": 3,
    "debrief": 4,
    "cli": 5,
}
ROOMS = ("game", "protocol", "server", "client", "debrief", "cli")


def modules() -> list[Path]:
    return sorted(p for room in ROOMS for p in (ROOT / room).rglob("*.py"))


def imported(path: Path) -> list[tuple[int, str]]:
    tree = parse_source(path)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
        elif isinstance(node, ast.ImportFrom) and node.level > 0:
            found.append((node.lineno, "<relative import>"))
        elif isinstance(node, ast.Call):
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            if name in {"import_module", "__import__"}:
                found.append((node.lineno, "<import by string>"))
    return found


def test_every_room_is_a_package():
    for room in ROOMS:
        assert (ROOT / room / "__init__.py").is_file(), room


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_imports_point_downward(path: Path):
    room = path.relative_to(ROOT).parts[0]
    upward = []
    for line, name in imported(path):
        if name.startswith("<"):
            upward.append(f"line {line}: {name}")
            continue
        top = name.split(".")[0]
        if top == room or top not in RANK:
            continue
        if RANK[top] >= RANK[room]:
            upward.append(f"line {line}: {name}")
    assert upward == [], f"{room}/ imports sideways or upward: {upward}"


def test_the_check_catches_an_upward_import(tmp_path: Path):
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from server.session import Session\n", encoding="utf-8")
    assert [name for _, name in imported(bad)] == ["server.session"]
    assert RANK["server"] >= RANK["game"]
