"""The magnitudes script writes its table between the markers and leaves the rest alone.

Only the script's behaviour is checked; the figures are in docs/model.md (section 7).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "benchmarks" / "magnitudes.py"
START, END = "<!-- magnitudes:start -->", "<!-- magnitudes:end -->"


def run_script(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], cwd=ROOT, capture_output=True, text=True, timeout=600
    )


def test_writes_the_table_between_the_markers(tmp_path: Path) -> None:
    out = tmp_path / "model.md"
    out.write_text(f"# Model\n\nbefore\n{START}\nold table\n{END}\nafter\n", encoding="utf-8")
    done = run_script("--seeds", "1", "--write", "--out", str(out))
    assert done.returncode == 0, done.stderr
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Model\n\nbefore\n") and text.endswith(f"{END}\nafter\n")
    assert "old table" not in text and text.count(START) == 1
    assert re.search(r"\| \*\*growth\*\* \| \d+ \| budget \(revenue, EUR\) \| [\d,]+k \(", text)
    assert re.search(r"\| members \| \d+ \(\d+-\d+\) \| 50-200 \| (yes|\*\*no\*\*) \|", text)
    assert re.search(r"\| 1 \| [\d,]+k \([\d,]+-[\d,]+k\) \| 100-125k \| (yes|\*\*no\*\*) \|", text)


def test_a_file_without_markers_is_refused_in_one_line(tmp_path: Path) -> None:
    out = tmp_path / "model.md"
    out.write_text("# Model\n", encoding="utf-8")
    done = run_script("--seeds", "1", "--write", "--out", str(out))
    assert done.returncode != 0
    assert "no <!-- magnitudes:start -->" in done.stderr.strip().splitlines()[-1]
    assert "Traceback" not in done.stderr
    assert out.read_text(encoding="utf-8") == "# Model\n"
