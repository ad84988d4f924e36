"""The turn structure as data: phases, roles, and which message each allows.

    lobby ─start─▶ briefing ─open_round─▶ decisions ⇄ paused
                       ▲                      │ all submitted / deadline / close_round
                       │ reset_practice       ▼
                       └──────────────── results ◀── resolving
                                           │ open_round (next round) or the last round
                                           ▼
                                        finished   (end_game from any phase)

A round resolves exactly once: ``resolving`` is entered once per round and only
the internal ``resolve`` command leaves it.
"""

from __future__ import annotations

from enum import StrEnum


class Phase(StrEnum):
    LOBBY = "lobby"
    BRIEFING = "briefing"
    DECISIONS = "decisions"
    PAUSED = "paused"
    RESOLVING = "resolving"
    RESULTS = "results"
    FINISHED = "finished"


class Role(StrEnum):
    FACILITATOR = "facilitator"
    PLAYER = "player"
    SPECTATOR = "spectator"


class MissingPolicy(StrEnum):
    """What a team that has not submitted plays when its round resolves."""

    KEEP = "keep"
    STRATEGY = "strategy"


P = Phase
LIVE = frozenset(set(Phase) - {P.FINISHED})
STEADY = frozenset(LIVE - {P.RESOLVING})
OPEN = frozenset({P.DECISIONS, P.PAUSED})
EVERYONE = frozenset(Role)
FACILITATOR = frozenset({Role.FACILITATOR})
PLAYER = frozenset({Role.PLAYER})

# message type -> (roles that may send it, phases that allow it)
TABLE: dict[str, tuple[frozenset[Role], frozenset[Phase]]] = {
    "get_view": (EVERYONE, frozenset(Phase)),
    "resync": (EVERYONE, frozenset(Phase)),
    "edit_draft": (PLAYER, OPEN),
    "submit": (PLAYER, OPEN),
    "start": (FACILITATOR, frozenset({P.LOBBY})),
    "open_round": (FACILITATOR, frozenset({P.BRIEFING, P.RESULTS})),
    "extend": (FACILITATOR, frozenset({P.DECISIONS, P.PAUSED})),
    "close_round": (FACILITATOR, OPEN),
    "pause_round": (FACILITATOR, frozenset({P.DECISIONS})),
    "resume_round": (FACILITATOR, frozenset({P.PAUSED})),
    "inject_event": (FACILITATOR, frozenset({P.BRIEFING, P.RESULTS, P.DECISIONS, P.PAUSED})),
    "add_bot": (FACILITATOR, frozenset({P.LOBBY, P.BRIEFING})),
    "add_team": (FACILITATOR, frozenset({P.LOBBY, P.BRIEFING})),
    "replace_team": (FACILITATOR, STEADY),
    "remove_team": (FACILITATOR, STEADY),
    "rename_player": (FACILITATOR, LIVE),
    "remove_player": (FACILITATOR, LIVE),
    "reinstate_team": (FACILITATOR, STEADY),
    "move_player": (FACILITATOR, STEADY),
    "broadcast": (FACILITATOR, frozenset(Phase)),
    "set_weights": (FACILITATOR, STEADY),
    "reset_practice": (FACILITATOR, frozenset({P.RESULTS})),
    "end_game": (FACILITATOR, STEADY),
    # internal commands, sent by the server's own clock
    "tick": (frozenset(), frozenset({P.DECISIONS})),
    "resolve": (frozenset(), frozenset({P.RESOLVING})),
    "rules_switch": (frozenset(), frozenset(P)),  # a restart under other rules, noted
}

# the phase changes, as data: (phase, what happens) -> the phase it leads to. The session
# changes phase only through ``enter``, which refuses any pair not listed here.
TRANSITIONS: dict[tuple[Phase, str], Phase] = {
    (P.LOBBY, "start"): P.BRIEFING,
    (P.BRIEFING, "open_round"): P.DECISIONS,
    (P.RESULTS, "open_round"): P.DECISIONS,
    (P.DECISIONS, "pause_round"): P.PAUSED,
    (P.PAUSED, "resume_round"): P.DECISIONS,
    (P.DECISIONS, "close"): P.RESOLVING,  # all submitted, the deadline, or close_round
    (P.PAUSED, "close"): P.RESOLVING,
    (P.RESOLVING, "resolved"): P.RESULTS,
    (P.RESOLVING, "last_resolved"): P.FINISHED,
    (P.RESULTS, "reset_practice"): P.BRIEFING,
    **{(phase, "end_game"): P.FINISHED for phase in STEADY},
}


class TransitionRefused(ValueError):
    """A phase change the turn structure does not allow."""


def next_phase(phase: Phase, event: str) -> Phase:
    """Return the phase ``event`` leads to from ``phase``; raise TransitionRefused if none."""
    try:
        return TRANSITIONS[(phase, event)]
    except KeyError:
        raise TransitionRefused(f"{event} is not possible while {phase}") from None


# phases in which a new team may be formed (existing teams may take players until the end)
NEW_TEAM_PHASES = frozenset({P.LOBBY, P.BRIEFING})
JOIN_PHASES = LIVE


def allowed_roles(message_type: str) -> frozenset[Role]:
    return TABLE[message_type][0]


def allowed_phases(message_type: str) -> frozenset[Phase]:
    return TABLE[message_type][1]
