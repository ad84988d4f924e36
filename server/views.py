"""What each role may see, as pure functions of the session, applied just before sending.

A team sees its own cluster, draft, submission and reports; everyone sees the
timer, the leaderboard and the public newspaper; the facilitator sees everything,
including who is connected and which teams have submitted.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from game.decisions import Decisions
from game.rules import check_decisions
from game.scoring import game_score
from game.state import ClusterState
from game.view import TeamView, team_view
from protocol.phases import OPEN
from protocol.replies import (
    Briefing,
    ErrorDetail,
    FacilitatorState,
    Labels,
    LeaderboardRow,
    Newspaper,
    NewspaperRow,
    PlayerInfo,
    PublicState,
    SessionConfig,
    StudentRow,
    Submission,
    TeamState,
    TeamStatus,
    Timer,
    labels_reply,
)
from server.teams import Player, Team, unpack

if TYPE_CHECKING:
    from server.session import Session


@functools.cache
def labels_message() -> Labels:
    """Return the ``labels`` message: send it once per connection, right after ``welcome``.

    It depends on nothing of the session (the vocabulary and the decisions model's
    field metadata), so every role may receive it.
    """
    return labels_reply()


def briefing_message(session: Session) -> Briefing:
    """Return the ``briefing`` message: the session's scenario, as its players read it."""
    info = session.scenario.scenario
    return Briefing(
        scenario=info.id,
        name=info.name,
        category=str(info.category),
        rounds=session.scenario.rounds,
        summary=info.summary,
        briefing=info.briefing,
        lesson=info.lesson,
    )


def timer(session: Session, now: float) -> Timer:
    remaining = session.remaining
    if session.deadline is not None:
        remaining = max(session.deadline - now, 0.0)
    return Timer(
        phase=session.phase,
        round=session.round,
        rounds=session.scenario.rounds,
        practice=session.practice,
        deadline=session.deadline,
        remaining=None if remaining is None else round(remaining, 3),
        waiting=[t.name for t in session.teams.values() if session.waits_for(t)]
        if session.phase in OPEN
        else [],
    )


def players(session: Session, team: Team) -> list[PlayerInfo]:
    return [
        PlayerInfo(id=p.id, name=p.name, connected=session.is_connected(p.id))
        for p in (session.players[pid] for pid in team.players)
        if not p.removed
    ]


def problems(decisions: Decisions, state: ClusterState, session: Session) -> list[ErrorDetail]:
    return [
        ErrorDetail(field=field, problem=problem)
        for field, problem in check_decisions(decisions, state, session.scenario)
    ]


def submission(team: Team) -> Submission | None:
    if team.submission is None:
        return None
    s = team.submission
    return Submission(round=s.round, by=s.by, decisions=s.decisions)


def team_state(session: Session, team: Team, now: float, full: bool = False) -> TeamState:
    """Return one team's private view."""
    return TeamState(view=board_view(session, team), **team_fields(session, team, now, full))


def team_fields(session: Session, team: Team, now: float, full: bool = False) -> dict[str, Any]:
    """Every field of the team's view but its board's (``view``), as models."""
    state = team.current_state()
    forecast, pending = session.forecast_view(team)
    return {
        "timer": timer(session, now),
        "team": team.name,
        "players": players(session, team),
        "computer": team.computer,
        "removed": team.removed,
        "draft": team.draft,
        "draft_version": team.draft_version,
        "problems": problems(team.draft, state, session) if team.open_state is not None else [],
        "submission": submission(team),
        "reports": team.all_reports() if full else None,
        "forecast": forecast,
        "forecast_pending": pending,
    }


def board_view(session: Session, team: Team) -> TeamView:
    """What the team's board sees before deciding: it changes only with the team's state
    (a round's opening, its resolution) and its last report."""
    return team_view(team.current_state(), session.scenario, team.last_report())


def score(session: Session, team: Team) -> float:
    """The team's game score, computed once per resolution and set of weights (every view
    asks for every team's score, and the sum runs over every round played)."""
    memo = team.score_memo
    if memo is not None and memo[0] is team.state and memo[1] is session.weights:
        return memo[2]
    value = game_score(team.state.scores, session.weights)
    team.score_memo = (team.state, session.weights, value)
    return value


def ranked(session: Session) -> list[Team]:
    teams = [t for t in session.teams.values() if t.active]
    return sorted(teams, key=lambda t: (-score(session, t), t.seat))


def leaderboard(session: Session) -> list[LeaderboardRow]:
    return [
        LeaderboardRow(rank=rank, team=team.name, score=score(session, team))
        for rank, team in enumerate(ranked(session), 1)
    ]


def newspaper(session: Session) -> Newspaper:
    """Return the public results of the round just resolved."""
    rows = []
    for rank, team in enumerate(ranked(session), 1):
        report = team.last_report()
        if report is None:
            continue
        rows.append(
            NewspaperRow(
                team=team.name,
                members=[p.name for p in players(session, team)],
                computer=team.computer is not None,
                budget=report.costs_total,
                financing_mix={str(k): v for k, v in report.financing_mix.items()},
                stage="wound up" if report.wound_up else report.stage,
                score=score(session, team),
                rank=rank,
            )
        )
    return Newspaper(round=session.round, practice=session.practice, rows=rows)


def public_state(session: Session, now: float, full: bool = False) -> PublicState:
    """Return what the projector may show."""
    return PublicState(
        timer=timer(session, now),
        teams=[t.name for t in session.teams.values() if t.active],
        leaderboard=leaderboard(session),
        newspaper=unpack(Newspaper, session.newspapers[-1]) if session.newspapers else None,
        history=[unpack(Newspaper, packed) for packed in session.newspapers] if full else None,
        facilitator_present=session.count_connections("facilitator") > 0,
        announcement=session.announcement or None,
    )


def team_status(session: Session, team: Team, reports: bool) -> TeamStatus:
    state = team.state
    return TeamStatus(
        team=team.name,
        seat=team.seat,
        computer=team.computer,
        removed=team.removed,
        players=players(session, team),
        submitted=team.submission is not None,
        submitted_by=team.submission.by if team.submission else None,
        draft_version=team.draft_version,
        score=score(session, team),
        cash=state.cash,
        members=state.members,
        stage=state.stage.label,
        wound_up=state.wound_up,
        last_report=team.last_report() if reports else None,
    )


def team_status_inputs(session: Session, team: Team) -> tuple[Any, ...]:
    """What ``team_status`` shows of the team besides its state and last report: equal
    inputs (with the same state and report) give an equal row."""
    submission = team.submission
    return (
        team.name,
        team.seat,
        team.computer,
        team.removed,
        tuple(
            (p.id, p.name, session.is_connected(p.id))
            for p in (session.players[pid] for pid in team.players)
            if not p.removed
        ),
        None if submission is None else submission.by,
        submission is not None,
        team.draft_version,
        score(session, team),
    )


def student_inputs(session: Session, player: Player) -> tuple[Any, ...]:
    """What ``student`` shows of the player: equal inputs give an equal row."""
    return (
        player.id,
        player.name,
        session.teams[player.team].name,
        player.removed,
        tuple(player.years),
        tuple(player.teams),
        tuple(player.connected),
        tuple(player.submitted),
    )


def student(session: Session, player: Player) -> dict[str, Any]:
    """One row of ``facilitator_state.students``, as JSON data."""
    return {
        "id": player.id,
        "name": player.name,
        "team": session.teams[player.team].name,
        "removed": player.removed,
        "years": list(player.years),
        "teams": list(player.teams),
        "connected": list(player.connected),
        "submitted": list(player.submitted),
    }


def facilitator_state(
    session: Session, now: float, reports: bool = True, students: bool = True, teams: bool = True
) -> FacilitatorState:
    """Return everything the facilitator may see (each team's last report only if
    ``reports``; the students only if ``students``, the teams only if ``teams``:
    streams.py adds them as JSON)."""
    return FacilitatorState(
        session=session.id,
        code=session.code,
        config=SessionConfig(
            scenario=session.scenario.id,
            rounds=session.scenario.rounds,
            seed=str(session.seed),
            max_teams=session.config.max_teams,
            round_seconds=session.config.round_seconds,
            missing=session.config.missing,
            missing_strategy=session.config.missing_strategy,
            weights=session.weights,
        ),
        timer=timer(session, now),
        teams=[team_status(session, t, reports) for t in session.teams.values()] if teams else [],
        spectators=session.count_connections("spectator"),
        facilitator_connections=session.count_connections("facilitator"),
        pending_events=list(session.pending_cards),
        round_events=list(session.cards),
        event_deck=[card.id for card in session.scenario.events],
        leaderboard=leaderboard(session),
        state_hashes=[h.hash for h in session.hashes],
        students=[StudentRow(**student(session, p)) for p in session.players.values()]
        if students
        else [],
    )
