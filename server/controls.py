"""The facilitator's controls, one free function per message, and the round's resolution.

Each function checks everything first and changes the session only once every
check has passed, so a refused control leaves the session as it was.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from game.round import round_cards
from game.scoring import normalise_weights
from game.strategies import STRATEGIES
from protocol.errors import Conflict, InvalidField, LimitExceeded, NotAllowed, NotFound, WrongPhase
from protocol.phases import OPEN, Role
from server import resolution, views
from server.resolution import Job, Key, Packed, Result, share_fixed
from server.rounds import RoundHash, RoundRecord, inject_card, open_teams, team_turn
from server.teams import Principal, Team, pack, team_key

if TYPE_CHECKING:
    from server.session import Command, Session

log = logging.getLogger("clusterboard.server")


def _team(session: Session, name: str) -> Team:
    team = session.teams.get(team_key(name))
    if team is None or team.removed:
        raise NotFound(f"no team {name!r}", [("team", "unknown")])
    return team


def _strategy(name: str) -> str:
    if name not in STRATEGIES:
        raise NotFound(
            f"unknown strategy {name!r}", [("strategy", f"one of {', '.join(STRATEGIES)}")]
        )
    return name


def on_start(session: Session, command: Command, principal: Principal) -> None:
    session.enter("start")
    session.accept(command, principal)
    session.push_views(command.now)


def on_open_round(session: Session, command: Command, principal: Principal) -> None:
    message = command.message
    if session.practice:
        raise WrongPhase("reset the practice round before the first round")
    if message.practice and session.completed > 0:
        raise NotAllowed("a practice round comes before the first round")
    if session.completed >= session.scenario.rounds:
        raise WrongPhase("every round has been played")
    if session.active_teams() == 0:
        raise NotAllowed("no team has joined yet")
    session.round = session.completed + 1
    session.practice = message.practice
    session.cards = round_cards(
        session.scenario, session.seed, session.round, session.pending_cards
    )
    session.pending_cards = []
    open_teams([t for t in session.teams.values() if t.active], session.scenario, session.cards)
    session.enter("open_round")
    session.present = {p.actor or "" for p in session.connections.values() if p.role is Role.PLAYER}
    session.deadline = command.now + (message.seconds or session.config.round_seconds)
    session.remaining = None
    session.accept(command, principal)
    session.push_views(command.now)
    session.close_if_complete(command.now)


def on_extend(session: Session, command: Command, principal: Principal) -> None:
    seconds = command.message.seconds
    if session.deadline is not None:
        session.deadline += seconds
    else:
        session.remaining = (session.remaining or 0.0) + seconds
    session.accept(command, principal)
    session.push_views(command.now, [])


def on_close_round(session: Session, command: Command, principal: Principal) -> None:
    session.accept(command, principal)
    session.enter_resolving(command.now)


def on_pause_round(session: Session, command: Command, principal: Principal) -> None:
    session.remaining = max((session.deadline or command.now) - command.now, 0.0)
    session.enter("pause_round")
    session.deadline = None
    session.accept(command, principal)
    session.push_views(command.now)


def on_resume_round(session: Session, command: Command, principal: Principal) -> None:
    session.deadline = command.now + (session.remaining or 0.0)
    session.enter("resume_round")
    session.remaining = None
    session.accept(command, principal)
    session.push_views(command.now)
    session.close_if_complete(command.now)


def on_inject_event(session: Session, command: Command, principal: Principal) -> None:
    card = command.message.event_id
    if card not in {c.id for c in session.scenario.events}:
        raise NotFound(f"no event card {card!r} in this scenario", [("event_id", "unknown")])
    if session.phase in OPEN:
        if card in session.cards:
            raise Conflict(f"card {card!r} is already in this round")
        session.cards.append(card)
        for team in session.teams.values():
            if team.active and team.open_state is not None:
                inject_card(team, session.scenario, card)
    else:
        if card in session.pending_cards:
            raise Conflict(f"card {card!r} is already waiting for the next round")
        session.pending_cards.append(card)
    session.accept(command, principal)
    session.push_views(command.now)


def on_add_bot(session: Session, command: Command, principal: Principal) -> None:
    message = command.message
    strategy = _strategy(message.strategy)
    if team_key(message.team) in session.teams:
        raise Conflict(f"a team {message.team!r} exists already", [("team", "taken")])
    if session.active_teams() >= session.config.max_teams:
        raise LimitExceeded(f"this session takes at most {session.config.max_teams} teams")
    name = " ".join(message.team.split())
    team = Team(name=name, seat=len(session.teams), state=session.initial, computer=strategy)
    session.teams[team.key] = team
    session.accept(command, principal)
    session.push_views(command.now)


def on_add_team(session: Session, command: Command, principal: Principal) -> None:
    """A named team for the roster: players pick it; nobody waits for it while empty."""
    message = command.message
    if team_key(message.team) in session.teams:
        raise Conflict(f"a team {message.team!r} exists already", [("team", "taken")])
    if session.completed > 0 or session.practice:
        raise WrongPhase("new teams may form only before the first round")
    if session.active_teams() >= session.config.max_teams:
        raise LimitExceeded(f"this session takes at most {session.config.max_teams} teams")
    name = " ".join(message.team.split())
    session.teams[team_key(name)] = Team(name=name, seat=len(session.teams), state=session.initial)
    session.accept(command, principal)
    session.push_views(command.now)


def on_replace_team(session: Session, command: Command, principal: Principal) -> None:
    team = _team(session, command.message.team)
    strategy = _strategy(command.message.strategy)
    team.computer = strategy
    team.submission = None
    session.accept(command, principal)
    session.push_views(command.now)
    session.close_if_complete(command.now)


def on_remove_team(session: Session, command: Command, principal: Principal) -> None:
    team = _team(session, command.message.team)
    team.removed = True
    for pid in team.players:
        session.players[pid].removed = True
    session.accept(command, principal)
    leaving = [c for c, p in session.connections.items() if p.team == team.key]
    session.close_connections(leaving, "your team was removed by the facilitator")
    session.push_views(command.now)
    session.close_if_complete(command.now)


def _player(session: Session, player_id: str) -> str:
    player = session.players.get(player_id)
    if player is None or player.removed:
        raise NotFound(f"no player {player_id!r}", [("player", "unknown")])
    return player_id


def on_rename_player(session: Session, command: Command, principal: Principal) -> None:
    player = session.players[_player(session, command.message.player)]
    player.name = command.message.name
    session.accept(command, principal)
    session.push_views(command.now, [session.teams[player.team]])


def on_remove_player(session: Session, command: Command, principal: Principal) -> None:
    player = session.players[_player(session, command.message.player)]
    player.removed = True
    session.accept(command, principal)
    leaving = [c for c, p in session.connections.items() if p.actor == player.id]
    session.close_connections(leaving, "you were removed by the facilitator")
    session.push_views(command.now, [session.teams[player.team]])
    session.close_if_complete(command.now)  # the last player of a team may have gone


def on_reinstate_team(session: Session, command: Command, principal: Principal) -> None:
    team = _team(session, command.message.team)
    if team.computer is None:
        raise Conflict(f"team {team.name} is already played by its players")
    if not any(not session.players[pid].removed for pid in team.players):
        raise NotAllowed(f"team {team.name} has no players to give it back to")
    team.computer = None
    team.submission = None
    session.accept(command, principal)
    session.push_views(command.now)


def on_move_player(session: Session, command: Command, principal: Principal) -> None:
    player = session.players[_player(session, command.message.player)]
    target = _team(session, command.message.team)
    if target.key == player.team:
        raise Conflict(f"{player.name} is already in team {target.name}")
    if target.computer is not None:
        raise NotAllowed(f"team {target.name} is run by a computer")
    members = sum(1 for pid in target.players if not session.players[pid].removed)
    if members >= session.limits.players_per_team:
        raise LimitExceeded(f"a team has at most {session.limits.players_per_team} players")
    source = session.teams[player.team]
    source.players.remove(player.id)
    target.players.append(player.id)
    player.team = target.key
    session.accept(command, principal)
    session.reseat(player.id, command)
    session.push_views(command.now, [source, target])


def on_broadcast(session: Session, command: Command, principal: Principal) -> None:
    session.announcement = command.message.text
    session.accept(command, principal)
    session.push_views(command.now, [])


def on_set_weights(session: Session, command: Command, principal: Principal) -> None:
    try:
        weights = normalise_weights(dict(command.message.weights))
    except ValueError as error:
        raise InvalidField(str(error), [("weights", str(error))]) from None
    session.weights = weights
    session.accept(command, principal)
    session.push_views(command.now, [])


def on_reset_practice(session: Session, command: Command, principal: Principal) -> None:
    if not session.practice:
        raise WrongPhase("there is no practice round to reset")
    for team in session.teams.values():
        team.state = session.initial
        team.reports.clear()
        team.forget()
        team.clear_round()
    session.practice, session.round, session.completed = False, 0, 0
    session.cards, session.newspapers = [], []
    session.enter("reset_practice")
    session.accept(command, principal)
    session.push_views(command.now)


def on_end_game(session: Session, command: Command, principal: Principal) -> None:
    session.enter("end_game")
    session.deadline, session.remaining = None, None
    session.accept(command, principal)
    session.push_views(command.now)


def _attendance(session: Session, record, submitted_by: dict[str, str | None]) -> None:
    """Note in the round record, and for grading in each player, who sat on each team,
    who was connected during the round and who submitted what was played."""
    for entry in record.teams:
        by = submitted_by.get(entry["key"]) if entry.get("how") == "submitted" else None
        team = session.teams[entry["key"]]
        seated = []
        for pid in team.players:
            player = session.players[pid]
            if player.removed:
                continue
            connected, submitted = pid in session.present, pid == by
            seated.append(
                {"id": pid, "name": player.name, "connected": connected, "submitted": submitted}
            )
            if record.practice:
                continue
            player.years.append(record.round)
            player.teams.append(team.name)
            if connected:
                player.connected.append(record.round)
            if submitted:
                player.submitted.append(record.round)
        entry["players"] = seated


def resolving_teams(session: Session) -> list[Team]:
    """The teams the round resolves for: every active team with an open world, in seat order."""
    return sorted(
        (t for t in session.teams.values() if t.active and t.open_state is not None),
        key=lambda t: t.seat,
    )


def resolution_key(session: Session, teams: list[Team]) -> Key:
    return (session.id, len(session.hashes) + 1, session.round, tuple(t.key for t in teams))


def resolution_job(session: Session, gate: str | None = None) -> Job:
    """The round that entered ``resolving``, as a pure job (see ``server.resolution``)."""
    config = session.config
    teams = resolving_teams(session)
    turns = tuple(team_turn(t, config.missing, config.missing_strategy, False) for t in teams)
    reports = tuple(t.reports[-1] if t.reports else None for t in teams)  # packed, as kept
    key = resolution_key(session, teams)
    return Job(key, turns, session.scenario, session.seed, session.weights, gate, reports)


def resolve_all(session: Session, result: Result | None = None) -> Packed:
    """Resolve the round for every active team, in seat order; exactly once per round.

    ``result`` is the job's result when it was run elsewhere (a worker process); one
    that does not belong to this round, or none, and the job is run here. Return the
    new states packed for the snapshot (by team key, with the state packed).
    """
    teams = resolving_teams(session)
    if result is None or result.key != resolution_key(session, teams):
        if result is not None:
            log.warning("session %s: a resolution for another round was dropped", session.id)
        result = resolution.run(resolution_job(session))
    submitted_by = {t.key: t.submission.by if t.submission else None for t in teams}
    packed: Packed = {}
    for team, outcome in zip(teams, result.teams, strict=True):
        team.state = share_fixed(outcome.state, team.open_state)
        team.reports.append(outcome.packed_report)
        team.unpacked = outcome.report
        packed[team.key] = (team.state, outcome.packed_state)
        team.score_memo = (team.state, session.weights, outcome.entry["score"])
        team.clear_round()
    if not session.practice:
        session.completed = session.round
    session.cards = []
    session.newspapers.append(pack(views.newspaper(session)))
    done = session.completed >= session.scenario.rounds
    session.enter("last_resolved" if done else "resolved")
    resolution_no = len(session.hashes) + 1
    record = RoundRecord(resolution_no, session.round, session.practice, session.engine)
    for team, outcome in zip(teams, result.teams, strict=True):
        record.teams.append(
            {
                "key": team.key,
                "name": team.name,
                "seat": team.seat,
                "computer": team.computer,
                **outcome.entry,
            }
        )
    _attendance(session, record, submitted_by)
    session.last_record = record
    hashed = {team["key"]: team["hash"] for team in record.teams}  # hashed once, in the job
    session.hashes.append(
        RoundHash(resolution_no, session.round, session.practice, session.current_hash(hashed))
    )
    return packed
