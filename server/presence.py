"""Who is connected to a session: connection ids mapped to principals, with O(1) questions.

A ``Presence`` is the session's ``connections`` mapping (connection id -> principal)
that also keeps, as connections come and go, how many each actor, role and team has.
So "is this player here?", "how many spectators?" and "which connections belong to
this team?" cost the same for a class of 5 as for a hall of 5,000, where a scan of
every connection made each view cost more with every player who joined.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from server.teams import Principal

_MISSING: Any = object()


class Presence(dict[int, Principal]):
    """Connection id -> principal, with counts by actor and role and connections by team."""

    def __init__(self, items: Iterable[tuple[int, Principal]] = ()) -> None:
        super().__init__()
        self._actors: Counter[str] = Counter()
        self._roles: dict[str, dict[int, None]] = {}  # insertion-ordered sets
        self._teams: dict[str, dict[int, None]] = {}
        for connection, principal in items:
            self[connection] = principal

    def __setitem__(self, connection: int, principal: Principal) -> None:
        if connection in self:
            self._forget(connection, super().__getitem__(connection))
        super().__setitem__(connection, principal)
        if principal.actor is not None:
            self._actors[principal.actor] += 1
        self._roles.setdefault(str(principal.role), {})[connection] = None
        if principal.team is not None:
            self._teams.setdefault(principal.team, {})[connection] = None

    def __delitem__(self, connection: int) -> None:
        principal = super().__getitem__(connection)
        super().__delitem__(connection)
        self._forget(connection, principal)

    def pop(self, connection: int, default: Any = _MISSING) -> Any:  # type: ignore[override]
        if connection not in self:
            if default is _MISSING:
                raise KeyError(connection)
            return default
        principal = super().__getitem__(connection)
        del self[connection]
        return principal

    def clear(self) -> None:
        super().clear()
        self._actors.clear()
        self._roles.clear()
        self._teams.clear()

    def _forget(self, connection: int, principal: Principal) -> None:
        if principal.actor is not None:
            self._actors[principal.actor] -= 1
            if self._actors[principal.actor] <= 0:
                del self._actors[principal.actor]
        _drop(self._roles, str(principal.role), connection)
        if principal.team is not None:
            _drop(self._teams, principal.team, connection)

    # ------------------------------------------------------------ questions, O(1)

    def has_actor(self, actor: str) -> bool:
        return self._actors.get(actor, 0) > 0

    def count_role(self, role: str) -> int:
        return len(self._roles.get(str(role), ()))

    def of_role(self, role: str) -> list[int]:
        return list(self._roles.get(str(role), ()))

    def of_team(self, team: str) -> list[int]:
        return list(self._teams.get(team, ()))

    def update(self, *args: Any, **kwargs: Any) -> None:  # keep the counts right
        for connection, principal in dict(*args, **kwargs).items():
            self[connection] = principal

    def setdefault(self, connection: int, principal: Principal) -> Principal:  # type: ignore[override]
        if connection not in self:
            self[connection] = principal
        return super().__getitem__(connection)

    def popitem(self) -> tuple[int, Principal]:
        connection = next(reversed(self))
        return connection, self.pop(connection)


def _drop(index: dict[str, dict[int, None]], key: str, connection: int) -> None:
    members = index.get(key)
    if members is not None:
        members.pop(connection, None)
        if not members:
            del index[key]
