"""The browser's patch.js and net.js, run in Chromium, rebuild the views protocol/patch.py does.

A game is played through the session core; every view and patch a player, the
spectator and the facilitator receive is fed, in order, to server/web/patch.js in a
page served by the game server (imported from the server's own origin, under the
pages' Content-Security-Policy: the same functions the pages' connection uses), and
each full view it rebuilds must equal the one the Python library rebuilds. The pages'
connection (net.js) asks one resync on a lost patch and follows on after it.
"""

from __future__ import annotations

import json
from typing import Any

from cli.bot import decide
from protocol import patch
from server.session import Flush, Resolve
from tests.server.harness import CODE, FACILITATOR_HASH, Table

REPLAY = """
const [streams, done] = arguments;
import("/static/patch.js").then(({ VIEWS, apply, held, shown }) => {
  const rebuilt = {};
  for (const [connection, lines] of Object.entries(streams)) {
    const out = [];
    const holding = {};
    for (const line of lines) {
      const message = JSON.parse(line);
      if (VIEWS.includes(message.type)) {
        holding[message.type] = { version: message.version, doc: held(message.type, message) };
        out.push(message);
        continue;
      }
      const current = holding[message.view];
      if (message.version <= current.version) continue;
      if (message.base !== current.version) throw new Error(`a gap before ${line}`);
      const doc = apply(current.doc, message.patch, message.removed);
      holding[message.view] = { version: message.version, doc };
      out.push(shown(message.view, doc, message.version));
    }
    rebuilt[connection] = out;
  }
  done(JSON.stringify({ rebuilt }));
}).catch((error) => done(JSON.stringify({ error: String(error) })));
"""


def frames_of(table: Table, step: Any, connection: int, frames: dict[int, list[str]]) -> None:
    for outgoing in step.outbox:
        kind = outgoing.message.type
        if (kind in patch.VIEWS or kind == "patch") and connection in table.session.recipients(
            outgoing.to
        ):
            frames.setdefault(connection, []).append(outgoing.message.model_dump_json())


def recorded_game() -> dict[int, list[str]]:
    """The views and patches a second console, three players and a spectator receive
    over a practice round (reset) and three years, each as its JSON frame."""
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
        watchers.append(table.next_connection)
        seats.append(table.join(name, f"{name} player"))
    watchers.append(table.next_connection)
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
    return {connection: frames[connection] for connection in watchers}


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


def test_the_browser_rebuilds_the_views_the_python_library_rebuilds(site, browser) -> None:
    streams = recorded_game()
    for lines in streams.values():
        assert any(json.loads(line)["type"] == "patch" for line in lines)
        assert any('"removed":[[' in line for line in lines)  # some patch takes keys out
    page = browser()
    page.get(f"{site}/")  # the player page: its origin and its Content-Security-Policy
    answer = json.loads(
        page.execute_async_script(REPLAY, {str(c): lines for c, lines in streams.items()})
    )
    assert "error" not in answer, answer.get("error")
    for connection, lines in streams.items():
        rebuilt = answer["rebuilt"][str(connection)]
        expected = python_rebuilds(lines)
        assert len(rebuilt) == len(expected), connection
        for index, (theirs, ours) in enumerate(zip(rebuilt, expected, strict=True)):
            assert theirs == ours, (connection, index, ours["type"], ours["version"])


GAP = """
const done = arguments[0];
import("/static/net.js").then(({ Connection }) => {
  const seen = [];
  const asked = [];
  const connection = new Connection({ hello: () => null, onMessage: (m) => seen.push(m) });
  connection.request = (message) => { asked.push(message); return new Promise(() => {}); };
  const full = { type: "public_state", reply_to: null, version: 4, timer: { phase: "lobby" },
    teams: [], leaderboard: [], newspaper: null, history: [], facilitator_present: true,
    announcement: null };
  const patch = (base, version, fields) =>
    JSON.stringify({ type: "patch", view: "public_state", base, version, patch: fields,
      removed: [] });
  connection.receive(JSON.stringify(full));
  connection.receive(patch(4, 6, { teams: ["North"] }));
  connection.receive(patch(7, 9, { teams: ["North", "South"] }));  // 6 -> 7 was lost
  connection.receive(patch(9, 10, { announcement: "hi" }));  // still waiting for the resync
  connection.receive(JSON.stringify({ ...full, version: 10, teams: ["North", "South"],
    announcement: "hi", reply_to: "r" }));
  connection.receive(patch(10, 11, { timer: { phase: "briefing" } }));
  connection.receive(patch(9, 10, { announcement: "old" }));  // overtaken by the full view
  done(JSON.stringify({ seen, asked, resyncs: connection.resyncs }));
}).catch((error) => done(JSON.stringify({ error: String(error) })));
"""


def test_the_browser_asks_a_resync_on_a_gap_and_follows_on_after_it(site, browser) -> None:
    page = browser()
    page.get(f"{site}/")
    out = json.loads(page.execute_async_script(GAP))
    assert "error" not in out, out.get("error")
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
