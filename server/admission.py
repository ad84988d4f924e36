"""Admission control per client address, counted across reconnections (no I/O, no clock).

Three limits, each keyed on the peer's IP address rather than the connection, so
a client that reconnects starts from where it was:

- open connections: at most ``connections`` at once;
- first messages that create something (``join``, ``create_session``): a token
  bucket of ``joins`` a minute, ``joins`` at once;
- failed credentials (an unknown join code, token or host key): after
  ``failures`` of them the address is locked out for ``lockout`` seconds, doubled
  at every further lockout (at most ``lockout_max``), and forgiven after
  ``forgive`` seconds without a failure.

A limit of 0 switches that limit off (for load tests on one machine).
"""

from __future__ import annotations

from dataclasses import dataclass

from protocol.errors import LimitExceeded


@dataclass
class Address:
    connections: int = 0
    joins: float = 0.0
    checked: float = 0.0
    failures: int = 0
    lockouts: int = 0
    locked_until: float = 0.0
    last_failure: float = 0.0


@dataclass
class Admission:
    connections: int = 256
    joins: int = 60  # a minute, and at once: a class behind one router joins together
    failures: int = 10
    lockout: float = 10.0
    lockout_max: float = 3600.0
    forgive: float = 86400.0  # a day: waiting does not buy a fresh round of fast guesses

    def __post_init__(self) -> None:
        self.addresses: dict[str, Address] = {}

    def _get(self, address: str, now: float) -> Address:
        entry = self.addresses.get(address)
        if entry is None:
            entry = self.addresses[address] = Address(joins=float(self.joins), checked=now)
        if entry.failures and now - entry.last_failure > self.forgive:
            entry.failures, entry.lockouts = 0, 0
        return entry

    def may_connect(self, address: str, now: float) -> bool:
        entry = self._get(address, now)
        return not self.connections or entry.connections < self.connections

    def connected(self, address: str, now: float) -> None:
        self._get(address, now).connections += 1

    def disconnected(self, address: str) -> None:
        entry = self.addresses.get(address)
        if entry is not None:
            entry.connections = max(entry.connections - 1, 0)

    def check_locked(self, address: str, now: float) -> None:
        """Raise LimitExceeded while the address is locked out for failed credentials."""
        entry = self._get(address, now)
        if entry.locked_until > now:
            wait = entry.locked_until - now
            raise LimitExceeded(
                f"too many wrong codes or tokens from your address: try again in {wait:.0f} s"
            )

    def join(self, address: str, now: float) -> None:
        """Take one join or creation from the address's allowance, or raise LimitExceeded."""
        if not self.joins:
            return
        entry = self._get(address, now)
        entry.joins = min(float(self.joins), entry.joins + (now - entry.checked) * self.joins / 60)
        entry.checked = now
        if entry.joins < 1.0:
            raise LimitExceeded(f"at most {self.joins} joins a minute from one address")
        entry.joins -= 1.0

    def failed(self, address: str, now: float) -> None:
        """Count a wrong code, token or host key; lock the address out past the limit."""
        if not self.failures:
            return
        entry = self._get(address, now)
        entry.failures += 1
        entry.last_failure = now
        if entry.failures % self.failures == 0:
            entry.lockouts += 1
            span = min(self.lockout * 2 ** (entry.lockouts - 1), self.lockout_max)
            entry.locked_until = now + span

    def prune(self, now: float) -> None:
        """Forget addresses with no connection, no lockout and nothing to remember."""
        for address, entry in list(self.addresses.items()):
            if entry.connections or entry.locked_until > now:
                continue
            if self.joins and entry.joins + (now - entry.checked) * self.joins / 60 < self.joins:
                continue  # its allowance is still refilling
            if entry.failures and now - entry.last_failure <= self.forgive:
                continue
            del self.addresses[address]
