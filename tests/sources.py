"""Reading the project's own source as syntax trees, for the tests that check imports."""

from __future__ import annotations

import ast
import gc
from pathlib import Path

MISMATCH = "recursion depth mismatch"


def parse_source(path: Path) -> ast.Module:
    """The module's syntax tree.

    CPython 3.11's AST constructor can fail with a false "AST constructor recursion
    depth mismatch" SystemError (python/cpython#106905, fixed in later releases) when
    an error is raised inside it, e.g. by a finalizer the garbage collector runs
    meanwhile; a long test session leaves such objects behind. So the collector runs
    first and is held off while parsing, and that one false error is tried once more.
    """
    text = path.read_text(encoding="utf-8")
    gc.collect()
    enabled = gc.isenabled()
    gc.disable()
    try:
        try:
            return ast.parse(text, str(path))
        except SystemError as error:
            if MISMATCH not in str(error):
                raise
            return ast.parse(text, str(path))
    finally:
        if enabled:
            gc.enable()
