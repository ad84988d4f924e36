"""Views as merge patches: what a client rebuilds is exactly the server's full view.

Whole games (several scenarios, seeds, rosters, facilitator actions, a practice round
and its reset, players and consoles leaving and coming back, a projector arriving
late) are played through the session core; every patch each connection receives is
applied to the view it holds, as protocol/client.py does, and at every step the view
it then holds equals the full view the server would send at that moment, for a
player, a spectator and the facilitator.
"""

from __future__ import annotations

import json
from typing import Any

from harness import CODE, FACILITATOR_HASH, Table
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cli.bot import decide
from game.decisions import top_fields
from protocol import patch
from server import views
from server.session import Disconnect, Flush, Resolve

GAMES = max(4, settings().max_examples // 25)  # 8 by default, 120 in the slow profile
TOKENS = {"facilitator": FACILITATOR_HASH}


def server_view(table: Table, connection: int, kind: str) -> dict[str, Any]:
    """The full view the server would send this connection now."""
    session = table.session
    if kind == "team_state":
        principal = session.connections[connection]
        model = views.team_state(session, session.teams[principal.team], table.now, full=True)
    elif kind == "public_state":
        model = views.public_state(session, table.now, full=True)
    else:
        model = views.facilitator_state(session, table.now)
    return unversioned(model.model_dump(mode="json"))


def rebuilt(table: Table, connection: int, kind: str) -> dict[str, Any]:
    """The full view a connection holds, rebuilt from its full view and the patches since."""
    version, doc = table.held[connection][kind]
    return unversioned(json.loads(json.dumps(patch.shown(kind, doc, version))))


def unversioned(view: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in view.items() if k not in ("version", "reply_to")}


class Game:
    """A table whose every step is checked: the views each connection holds after it."""

    def __init__(self, scenario: str, seed: int, teams: int, players: int) -> None:
        self.table = Table(scenario=scenario, seed=seed, rounds=3, max_teams=teams)
        self.seats: dict[str, list[int]] = {}
        self.tokens: dict[int, str] = {}
        self.spectator: int | None = None
        self.patches = 0
        for t in range(teams):
            name = f"T{t + 1}"
            self.seats[name] = []
            for p in range(players):
                self.seats[name].append(self.join(name, f"{name}p{p + 1}"))

    def join(self, team: str, name: str) -> int:
        connection = self.table.join(team, name)
        self.tokens[connection] = f"{team}-{name}".ljust(64, "0")
        self.check(connection, None)
        return connection

    def run(self, message: Any, connection: int | None = None, **extra: Any) -> Any:
        step = self.table.run(message, connection, **extra)
        self.check(None, step)
        return step

    def check(self, connection: int | None, step: Any) -> None:
        """Every view a connection was sent in this step is the server's view now."""
        table = self.table
        touched: set[tuple[int, str]] = set()
        outbox = step.outbox if step is not None else []
        for outgoing in outbox:
            kind = outgoing.message.type
            if kind == "patch":
                kind = outgoing.message.view
                self.patches += 1
            if kind in patch.VIEWS:
                touched |= {(c, kind) for c in table.session.recipients(outgoing.to)}
        if connection is not None:
            touched |= {(connection, k) for k in table.held.get(connection, {})}
        for c, kind in touched:
            if c in table.session.connections:
                assert rebuilt(table, c, kind) == server_view(table, c, kind), (c, kind)

    def facilitate(self, **message: Any) -> Any:
        return self.run(message, self.table.facilitator)

    def leave(self, connection: int) -> int:
        """The connection drops and comes back with its token (a new connection)."""
        self.run(Disconnect(), connection)
        table = self.table
        new = table.next_connection
        table.next_connection += 1
        token_hash = self.tokens.get(connection, FACILITATOR_HASH)
        resume = {"type": "resume", "protocol": 1, "token": "x" * 16}
        step = self.run(resume, new, token_hash=token_hash)
        assert step.error is None, step.error
        self.tokens[new] = token_hash
        return new


actions = st.lists(
    st.sampled_from(
        [
            *("edit", "edit", "edit", "flush", "leave", "console_leaves", "spectate"),
            *("broadcast", "extend", "pause", "rename", "weights", "event"),
        ]
    ),
    max_size=12,
)


@settings(max_examples=GAMES, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    scenario=st.sampled_from(["grow", "transform", "build", "tutorial"]),
    seed=st.integers(1, 10_000),
    teams=st.integers(1, 3),
    players=st.integers(1, 2),
    practice=st.booleans(),
    rounds=st.lists(actions, min_size=3, max_size=3),
    picks=st.randoms(use_true_random=False),
)
def test_patches_rebuild_every_view_over_whole_games(
    scenario: str,
    seed: int,
    teams: int,
    players: int,
    practice: bool,
    rounds: list[list[str]],
    picks: Any,
) -> None:
    game = Game(scenario, seed, teams, players)
    table = game.table
    table.now = 1.0
    game.facilitate(type="start")
    if practice:
        play_round(game, [], picks, practice=True)
        game.facilitate(type="reset_practice")
    for plan in rounds:
        if table.session.phase.value == "finished":
            break
        play_round(game, plan, picks)
    assert game.patches > 0
    for connections in game.seats.values():  # the game's end, as every role holds it
        for connection in connections:
            assert rebuilt(table, connection, "team_state") == server_view(
                table, connection, "team_state"
            )


def play_round(game: Game, plan: list[str], picks: Any, practice: bool = False) -> None:
    table = game.table
    table.now += 1.0
    step = game.facilitate(type="open_round", practice=practice)
    assert step.error is None, step.error
    round_no = table.session.round
    fields = top_fields()
    for action in plan:
        table.now += picks.choice([0.1, 0.4, 1.2])
        team = picks.choice(sorted(game.seats))
        seat = picks.randrange(len(game.seats[team]))
        connection = game.seats[team][seat]
        if action == "edit" and table.session.phase.value == "decisions":
            state = rebuilt(table, connection, "team_state")
            decisions = decide(state, "random", picks.randrange(1000))
            name = picks.choice(fields)
            game.run(
                {"type": "edit_draft", "round": round_no, "changes": {name: decisions[name]}},
                connection,
            )
        elif action == "flush":
            game.run(Flush())
        elif action == "leave":
            game.seats[team][seat] = game.leave(connection)
        elif action == "console_leaves":
            table.facilitator = game.leave(table.facilitator)
        elif action == "spectate" and game.spectator is None:
            game.spectator = table.next_connection
            table.next_connection += 1
            game.run({"type": "spectate", "protocol": 1, "code": CODE}, game.spectator)
        elif action == "broadcast":
            game.facilitate(type="broadcast", text=f"At {table.now:.1f}")
        elif action == "extend":
            game.facilitate(type="extend", seconds=60)
        elif action == "pause":
            game.facilitate(type="pause_round")
            table.now += 0.5
            game.facilitate(type="resume_round")
        elif action == "rename":
            game.facilitate(type="rename_player", player="p1", name=f"Renamed {table.now:.1f}")
        elif action == "weights":
            game.facilitate(type="set_weights", weights={"impact": picks.randrange(1, 5)})
        elif action == "event":
            deck = [card.id for card in table.session.scenario.events]
            if deck:
                game.facilitate(type="inject_event", event_id=picks.choice(deck))
    for connections in game.seats.values():
        if table.session.phase.value != "decisions":
            break
        table.now += 0.2
        connection = connections[-1]
        state = rebuilt(table, connection, "team_state")
        game.run(
            {"type": "submit", "round": round_no, "decisions": decide(state, "member_first", 1)},
            connection,
        )
    table.now += 1.0
    game.run(Flush())
    if table.session.phase.value in ("decisions", "paused"):
        game.facilitate(type="close_round")
    if table.session.needs_resolution():
        game.run(Resolve())
    assert table.session.phase.value in ("results", "finished"), table.session.phase
