"""Presence answers as a scan of every connection would, whatever came and went before."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from protocol.phases import Role
from server.presence import Presence
from server.teams import Principal

PRINCIPALS = [
    Principal(Role.FACILITATOR, "facilitator"),
    Principal(Role.SPECTATOR),
    Principal(Role.PLAYER, "p1", "north"),
    Principal(Role.PLAYER, "p2", "north"),
    Principal(Role.PLAYER, "p3", "south"),
]
steps = st.lists(
    st.tuples(
        st.sampled_from(["set", "pop", "del", "clear"]), st.integers(0, 6), st.integers(0, 4)
    ),
    max_size=60,
)


@given(steps)
def test_presence_agrees_with_a_scan(operations):
    presence, plain = Presence(), {}
    for kind, connection, who in operations:
        if kind == "set":
            presence[connection] = plain[connection] = PRINCIPALS[who]
        elif kind == "pop":
            assert presence.pop(connection, None) == plain.pop(connection, None)
        elif kind == "del" and connection in plain:
            del presence[connection], plain[connection]
        elif kind == "clear":
            presence.clear(), plain.clear()
        assert dict(presence) == plain
        for actor in ("facilitator", "p1", "p2", "p3"):
            assert presence.has_actor(actor) == any(p.actor == actor for p in plain.values())
        for role in Role:
            scan = [c for c, p in plain.items() if p.role is role]
            assert presence.count_role(role) == len(scan)
            assert sorted(presence.of_role(role)) == sorted(scan)
        for team in ("north", "south", "east"):
            assert sorted(presence.of_team(team)) == sorted(
                c for c, p in plain.items() if p.team == team
            )
