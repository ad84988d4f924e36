"""The browser's patch.js rebuilds the same full views as protocol/patch.py.

A game is played through the session core; every view and patch a player, the
spectator and the facilitator receive is fed, in order, to server/web/patch.js under
Node (the same functions the pages' connection uses), and each full view it rebuilds
must equal the one the Python library rebuilds. Skipped where Node is not installed.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from harness import CODE, FACILITATOR_HASH, Table

from cli.bot import decide
from protocol import patch
from server.session import Flush, Resolve

WEB = Path(__file__).resolve().parents[2] / "server" / "web"
NODE = shutil.which("node")

REPLAY = """
import { VIEWS, apply, held, shown } from "%s";
import { readFileSync } from "node:fs";
const out = [];
const holding = {};
for (const line of readFileSync(0, "utf8").split("\\n")) {
  if (!line) continue;
  const message = JSON.parse(line);
  if (VIEWS.includes(message.type)) {
    holding[message.type] = { version: message.version, doc: held(message.type, message) };
    out.push(message);
  } else {
    const current = holding[message.view];
    if (message.version <= current.version) continue;
    if (message.base !== current.version) throw new Error("gap");
    const doc = apply(current.doc, message.patch, message.removed);
    holding[message.view] = { version: message.version, doc };
    out.push(shown(message.view, doc, message.version));
  }
}
process.stdout.write(JSON.stringify(out));
"""


def frames_of(table: Table, step, connection: int, frames: dict[int, list[str]]) -> None:
    for outgoing in step.outbox:
        kind = outgoing.message.type
        if (kind in patch.VIEWS or kind == "patch") and connection in table.session.recipients(
            outgoing.to
        ):
            frames.setdefault(connection, []).append(outgoing.message.model_dump_json())


def python_rebuilds(lines: list[str]) -> list[dict]:
    out, holding = [], {}
    for line in lines:
        message = json.loads(line)
        if message["type"] in patch.VIEWS:
            holding[message["type"]] = (message["version"], patch.held(message["type"], message))
            out.append(message)
            continue
        version, doc = holding[message["view"]]
        if message["version"] <= version:
            continue
        doc = patch.apply(doc, message["patch"], message["removed"])
        holding[message["view"]] = (message["version"], doc)
        out.append(patch.shown(message["view"], doc, message["version"]))
    return json.loads(json.dumps(out))


@pytest.mark.skipif(NODE is None, reason="Node is not installed")
def test_the_browser_rebuilds_the_views_the_python_library_rebuilds(tmp_path: Path) -> None:
    frames: dict[int, list[str]] = {}
    table = Table(scenario="grow", rounds=3, max_teams=3)
    original = table.run

    def run(message, connection=None, **extra):
        step = original(message, connection, **extra)
        for watched in watchers:
            frames_of(table, step, watched, frames)
        return step

    watchers: list[int] = [table.next_connection]  # a second console, watched from its start
    table.run = run  # type: ignore[method-assign]
    table.connect({"type": "resume", "protocol": 1, "token": "x" * 16}, token_hash=FACILITATOR_HASH)
    seats = []
    for name in ("North", "South", "East"):
        connection = table.next_connection
        watchers.append(connection)
        seats.append(table.join(name, f"{name} player"))
    spectator = table.next_connection
    watchers.append(spectator)
    table.connect({"type": "spectate", "protocol": 1, "code": CODE})
    table.facilitate(type="start")
    table.facilitate(type="open_round", practice=True)
    for rounds in range(3):
        if rounds:
            table.facilitate(type="open_round")
        for seat in seats:
            table.now += 0.7
            state = table.held[seat]["team_state"]
            view = patch.shown("team_state", state[1], state[0])
            table.send(
                seat,
                type="submit",
                round=view["timer"]["round"],
                decisions=decide(view, "member_first", 3),
            )
        table.now += 1.0
        table.run(Flush())
        table.run(Resolve())
        if rounds == 0:
            table.facilitate(type="reset_practice")
    script = tmp_path / "replay.mjs"
    script.write_text(REPLAY % (WEB / "patch.js").as_uri())
    for connection in watchers:
        lines = frames[connection]
        assert any(json.loads(line)["type"] == "patch" for line in lines)
        result = subprocess.run(
            [NODE, str(script)],
            input="\n".join(lines),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout) == python_rebuilds(lines), connection


GAP = """
import { Connection } from "%s";
const connection = new Connection({ hello: () => null, onMessage: (m) => seen.push(m) });
const seen = [];
const asked = [];
connection.request = (message) => { asked.push(message); return new Promise(() => {}); };
const full = { type: "public_state", reply_to: null, version: 4, timer: { phase: "lobby" },
  teams: [], leaderboard: [], newspaper: null, history: [], facilitator_present: true,
  announcement: null };
connection.receive(JSON.stringify(full));
connection.receive(JSON.stringify({ type: "patch", view: "public_state", base: 4, version: 6,
  patch: { teams: ["North"] }, removed: [] }));
connection.receive(JSON.stringify({ type: "patch", view: "public_state", base: 7, version: 9,
  patch: { teams: ["North", "South"] }, removed: [] }));  // 6 -> 7 was lost
connection.receive(JSON.stringify({ type: "patch", view: "public_state", base: 9, version: 10,
  patch: { announcement: "hi" }, removed: [] }));  // still waiting for the resync
connection.receive(JSON.stringify({ ...full, version: 10, teams: ["North", "South"],
  announcement: "hi", reply_to: "r" }));
connection.receive(JSON.stringify({ type: "patch", view: "public_state", base: 10, version: 11,
  patch: { timer: { phase: "briefing" } }, removed: [] }));
connection.receive(JSON.stringify({ type: "patch", view: "public_state", base: 9, version: 10,
  patch: { announcement: "old" }, removed: [] }));  // overtaken by the full view: ignored
process.stdout.write(JSON.stringify({ seen, asked, resyncs: connection.resyncs }));
"""


@pytest.mark.skipif(NODE is None, reason="Node is not installed")
def test_the_browser_asks_a_resync_on_a_gap_and_follows_on_after_it(tmp_path: Path) -> None:
    script = tmp_path / "gap.mjs"
    script.write_text(GAP % (WEB / "net.js").as_uri())
    result = subprocess.run(
        [NODE, str(script)], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["asked"] == [{"type": "resync", "view": "public_state"}]  # once, not per patch
    assert out["resyncs"] == 1
    shown = [
        (m["version"], m["teams"], m["timer"]["phase"], m["announcement"]) for m in out["seen"]
    ]
    assert shown == [
        (4, [], "lobby", None),
        (6, ["North"], "lobby", None),
        (10, ["North", "South"], "lobby", "hi"),
        (11, ["North", "South"], "briefing", "hi"),
    ]
