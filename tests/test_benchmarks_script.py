"""The engine benchmark script runs, writes its section and leaves other sections alone.

Only the script's behaviour is checked here; the timings themselves are not asserted.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "benchmarks" / "engine.py"
SECTION = "## Economy engine"


def run_script(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )


def section_of(text: str, heading: str) -> str:
    """Return a section's text, from its heading to the next level-two heading."""
    start = text.index(heading)
    following = text.find("\n## ", start + len(heading))
    return text[start:] if following == -1 else text[start : following + 1]


def test_writes_section_and_keeps_other_sections(tmp_path: Path) -> None:
    out = tmp_path / "benchmarks.md"
    out.write_text("# Benchmarks\n\nIntro.\n\n## Server load\nkeep me\n", encoding="utf-8")

    first = run_script("--quick", "--rounds", "2", "--write", "--out", str(out))
    assert first.returncode == 0, first.stderr
    assert "resolve_round" in first.stdout

    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Benchmarks\n\nIntro.\n")
    assert "## Server load\nkeep me\n" in text
    section = section_of(text, SECTION)
    assert re.search(r"\*\*\d+(\.\d+)? ms\*\*", section), section
    assert re.search(r"\*\*(pass|FAIL)\*\*", section)
    assert "python benchmarks/engine.py --write" in section
    assert "Python " in section and "numpy " in section

    second = run_script("--quick", "--rounds", "2", "--write", "--out", str(out))
    assert second.returncode == 0, second.stderr
    again = out.read_text(encoding="utf-8")
    assert again.count(SECTION) == 1
    assert again.count("## Server load\nkeep me\n") == 1
    assert again.startswith("# Benchmarks\n\nIntro.\n")


def test_creates_missing_file_with_heading(tmp_path: Path) -> None:
    out = tmp_path / "docs" / "benchmarks.md"
    result = run_script("--quick", "--rounds", "1", "--games", "1", "--write", "--out", str(out))
    assert result.returncode == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Benchmarks\n")
    assert SECTION in text


def test_section_before_another_is_replaced_in_place(tmp_path: Path) -> None:
    out = tmp_path / "benchmarks.md"
    out.write_text(
        f"# Benchmarks\n\n{SECTION}\n\nold figures\n\n## Server load\nkeep me\n", encoding="utf-8"
    )
    result = run_script("--quick", "--rounds", "1", "--games", "1", "--write", "--out", str(out))
    assert result.returncode == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    assert "old figures" not in text
    assert text.index(SECTION) < text.index("## Server load\nkeep me\n")
    assert text.endswith("## Server load\nkeep me\n")


def test_bad_arguments_give_a_one_line_error() -> None:
    for args in (["--rounds", "0"], ["--rounds", "many"], ["--games", "-3"], ["--bogus"]):
        result = run_script(*args)
        assert result.returncode == 2, args
        errors = [line for line in result.stderr.splitlines() if "error:" in line]
        assert len(errors) == 1, result.stderr
        assert result.stdout == ""
