"""The cluster's state: organizations of the region as numpy arrays, plus the board's books.

Every organization in the region is one row, member or not, so that recruitment
draws from the same arrays, the random draws line up across parallel worlds
(common random numbers), and the counterfactual "no cluster" region lives in the
same rows (the ``*_cf`` columns). A later shared-region mode can point several
teams at one ``Organizations`` table with a membership column per team.

States are treated as immutable: the resolution copies what it changes.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, fields, replace
from typing import Any

import numpy as np

from game.scenario import FeeSchedule
from game.vocabulary import Kpi, ServiceLine, Stage

ARRAY_COLUMNS = (
    "segment",
    "employees",
    "employees_cf",
    "revenue",
    "revenue_cf",
    "export_share",
    "export_share_cf",
    "needs",
    "engagement",
    "member",
    "present",
    "founding",
    "tenure",
    "fee_paid",
    "shareholder",
    "value_seen",
    "grievance",
)

# What a column holds in a state stored before the column existed (see game.snapshot).
COLUMN_DEFAULTS: dict[str, float] = {"grievance": 0.0}

FIXED_COLUMNS = frozenset({"segment", "needs", "founding"})


def freeze_columns(columns: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Mark the fixed columns read-only, so that nothing can change them by mistake."""
    for name in FIXED_COLUMNS:
        columns[name].flags.writeable = False
    return columns


@dataclass(frozen=True)
class Organizations:
    """One row per organization in the region; ``member`` marks the cluster's members."""

    segment: np.ndarray  # int8 index into SEGMENTS
    employees: np.ndarray  # float64, with the cluster
    employees_cf: np.ndarray  # float64, the same region without the cluster's work
    revenue: np.ndarray  # float64, million EUR a year
    revenue_cf: np.ndarray
    export_share: np.ndarray  # float64 0..1
    export_share_cf: np.ndarray
    needs: np.ndarray  # float64 (n, services), rows sum to 1
    engagement: np.ndarray  # float64 0..1 (meaningful for members)
    member: np.ndarray  # bool
    present: np.ndarray  # bool: in the region now (dormant rows arrive later)
    founding: np.ndarray  # bool: a member from the start
    tenure: np.ndarray  # int16 years of membership
    fee_paid: np.ndarray  # float64 EUR paid last year
    shareholder: np.ndarray  # bool: holds a share (share program)
    value_seen: np.ndarray  # float64 0..1: service value as members perceive it (lagged)
    grievance: np.ndarray  # float64 0..1: lost trust after leaving over price or neglect

    @property
    def size(self) -> int:
        return int(self.segment.shape[0])

    def copy(self) -> Organizations:
        """Return a copy whose changing columns are new arrays.

        The fixed columns (segment, needs, founding) never change during a game: they
        are read-only and shared by every copy, so the teams of a session and the
        rounds of a game hold one array each instead of one per state.
        """
        columns = self.__dict__
        return self.evolve(
            **{name: columns[name].copy() for name in ARRAY_COLUMNS if name not in FIXED_COLUMNS}
        )

    def evolve(self, **columns: np.ndarray) -> Organizations:
        """Return the organizations with some columns replaced, the others shared, as
        ``dataclasses.replace`` gives them."""
        if not columns.keys() <= _ORGANIZATION_FIELDS:
            return replace(self, **columns)  # says which name is not a column
        new = object.__new__(Organizations)
        new.__dict__.update(self.__dict__)
        new.__dict__.update(columns)
        return new


@dataclass(frozen=True)
class AgreementState:
    """A running funding agreement: a public program or a project."""

    source: str
    amount: float
    years_left: int
    started_round: int


@dataclass(frozen=True)
class Policy:
    """The standing decisions that carry on from year to year."""

    budget: dict[ServiceLine, float]
    fees: FeeSchedule
    revenue_lines: tuple[str, ...]
    recruitment: dict[str, float]
    ambition: str = ""
    focus_areas: tuple[str, ...] = ()
    targets: dict[Kpi, float] = field(default_factory=dict)
    strategy_set: bool = False
    # every standing policy that is one number (a reserve in months, ...), by field name:
    # a new such decision field carries on here with no change to this class
    scalars: dict[str, float] = field(default_factory=dict)

    def scalar(self, name: str) -> float:
        """Return a one-number standing policy; 0 until the board first sets it."""
        return self.scalars.get(name, 0.0)


@dataclass(frozen=True)
class ActiveEvent:
    """An event card in force, with the response the board chose."""

    event_id: str
    rounds_left: int
    choice: str | None = None


@dataclass(frozen=True)
class ClusterState:
    """Everything about one team's cluster between two rounds."""

    round: int  # rounds resolved so far; the next round is round + 1
    cash: float
    loan: float
    loan_years: int  # years left to repay the emergency loan
    staff_fte: float
    interns: int
    new_hires: float  # FTE hired this year, still at reduced productivity
    overwork_years: int
    stage: Stage
    track_record: int  # projects finished
    wound_up: bool
    organizations: Organizations
    agreements: tuple[AgreementState, ...]
    policy: Policy
    events: tuple[ActiveEvent, ...]  # cards in force this round (drawn before decisions)
    impact: dict[Kpi, float]  # counted outcomes: startups, companies, capital, public funds
    start_members: int
    rng_state: dict[str, Any]
    scores: tuple[dict[str, float], ...] = ()  # scorecard components, one dict per round
    last_terms: dict[str, float] = field(default_factory=dict)  # engagement drivers last round
    kpis: dict[Kpi, float] = field(default_factory=dict)  # value impact at the last round's end

    def evolve(self, **changes: Any) -> ClusterState:
        """Return a copy with ``changes``, as ``dataclasses.replace`` gives it."""
        if not changes.keys() <= _STATE_FIELDS:
            return replace(self, **changes)  # says which name is not a field
        new = object.__new__(ClusterState)
        new.__dict__.update(self.__dict__)
        new.__dict__.update(changes)
        return new

    @property
    def members(self) -> int:
        return int(np.count_nonzero(self.organizations.member))


_PLAIN = frozenset({float, int, str, bool, type(None)})  # JSON as they are (not subclasses)
_DATACLASSES: tuple[type, ...] = ()  # filled in below, once the classes exist
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _jsonable(value: Any) -> Any:
    kind = type(value)
    if kind in _PLAIN:  # the common case first; a Stage (an int enum) is not plain
        return value
    if kind is dict:
        return {str(k): _jsonable(v) for k, v in value.items()}
    if kind in _FIELD_NAMES:
        return {name: _jsonable(getattr(value, name)) for name in _FIELD_NAMES[kind]}
    if kind is tuple or kind is list:
        return [_jsonable(v) for v in value]
    return _jsonable_other(value)


def _jsonable_other(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return {"dtype": str(value.dtype), "shape": list(value.shape), "data": value.tolist()}
    if isinstance(value, _DATACLASSES):
        return {f.name: _jsonable(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, FeeSchedule):
        return value.model_dump(mode="json")
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [_jsonable(v) for v in value]
    if isinstance(value, Stage):
        return value.label
    if isinstance(value, np.generic):
        return value.item()
    return value


_ORGANIZATION_FIELDS = frozenset(ARRAY_COLUMNS)
_STATE_FIELDS = frozenset(f.name for f in fields(ClusterState))
_DATACLASSES = (Organizations, AgreementState, Policy, ActiveEvent, ClusterState)
_FIELD_NAMES.update({kind: tuple(f.name for f in fields(kind)) for kind in _DATACLASSES})


def dump_state(state: ClusterState) -> dict[str, Any]:
    """Return the state as plain JSON-ready data."""
    return _jsonable(state)


def state_hash(state: ClusterState) -> str:
    """Return a SHA-256 of the state's canonical form; equal states give equal hashes."""
    digest = hashlib.sha256()
    orgs = state.organizations
    for name in ARRAY_COLUMNS:  # each column's bytes, as ``tobytes`` gives them
        digest.update(np.ascontiguousarray(getattr(orgs, name)).data)
    rest = {  # dump_state(state) without the organizations, which the bytes above cover
        name: _jsonable(getattr(state, name))
        for name in _FIELD_NAMES[ClusterState]
        if name != "organizations"
    }
    digest.update(json.dumps(rest, sort_keys=True, default=str).encode())
    return digest.hexdigest()
