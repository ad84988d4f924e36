"""`clusterboard loadtest` plays the class workload on a tiny scale and reports every figure.

Only the figures' presence and consistency are checked here, never their speed.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys

import pytest

TINY = (
    "--participants",
    "8",
    "--teams",
    "2",
    "--players",
    "2",
    "--rounds",
    "2",
    "--think-min",
    "0.05",
    "--think-max",
    "0.2",
    "--timeout",
    "120",
)


def loadtest(*arguments: str, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cli", "loadtest", *arguments],
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def finite(value: object) -> bool:
    return isinstance(value, int | float) and math.isfinite(value)


def test_a_tiny_class_workload_reports_every_figure_without_errors() -> None:
    result = loadtest(*TINY, "--json")
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)

    assert report["errors"] == 0, report["error_samples"]
    assert report["sessions"] == 2 and report["connections"] == 10  # 8 players, 2 facilitators
    # every player has the results of every round, each timed from its session's last submit
    assert report["results_received"] == report["results_expected"] == 8 * 2
    for name in ("latency_median_ms", "latency_p90_ms", "latency_p99_ms", "latency_max_ms"):
        assert finite(report[name]) and report[name] > 0, name
    assert (
        report["latency_median_ms"]
        <= report["latency_p90_ms"]
        <= report["latency_p99_ms"]
        <= report["latency_max_ms"]
    )

    # one editor and one submitter a team: each round's edit reaches both teammates
    kinds = report["player_frame_kinds"]
    assert kinds["draft"] == 8 * 2  # 4 teams x 1 edit x 2 rounds, to 2 players each
    assert kinds["submitted"] == 8 * 2
    assert report["bytes_per_player_round"] > report["results_frame_bytes"] > 0
    assert report["bytes_per_facilitator_round"] > 0
    # the server compresses messages of 256 bytes or more (permessage-deflate, "fresh")
    assert 0 < report["wire_bytes_per_player_round"] < report["bytes_per_player_round"]
    assert report["bytes_per_player_join"] > 0

    assert finite(report["server_cpu_ms_per_participant_round"])
    assert report["server_cpu_ms_per_participant_round"] >= 0
    assert report["server_rss_mib_peak"] >= report["server_rss_mib_empty"] > 0
    assert finite(report["server_kib_per_connection"])
    assert finite(report["server_results_step_median_ms"])
    assert report["server"] != "" and report["load_generator"].startswith("CPU")

    baseline = report["baseline"]
    assert baseline["connections"] == report["connections"]
    assert baseline["payload_bytes"] == int(report["results_frame_bytes"])
    assert finite(baseline["fanout_median_ms"]) and baseline["fanout_median_ms"] > 0


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (("--participants", "7", "--teams", "2", "--players", "2"), "multiple of teams x players"),
        (("--url", "ws://example.org:8765"), "loopback only"),
        (("--teams", "21", "--participants", "105", "--players", "5"), "--teams must be"),
        (("--think-min", "5", "--think-max", "2"), "--think-min"),
        (
            (
                "--server-cpu",
                "4096",
            ),
            "--server-cpu 4096",
        ),
    ],
)
def test_bad_workloads_are_one_clear_line(arguments: tuple[str, ...], message: str) -> None:
    result = loadtest(*arguments, timeout=60)
    assert result.returncode != 0
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.stderr
    assert lines[0].startswith("clusterboard: error:")
