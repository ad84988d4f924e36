"""Scenario files: the pydantic models every tunable number lives in, and their loader.

A scenario is a TOML file under ``scenarios/``. The economy's coefficients are shared
in ``scenarios/economy.toml``; a scenario's own ``[economy]`` table overrides any of
them key by key. ``load_scenario`` refuses a bad file with *every* problem listed,
each naming the file, the field and what was expected (``ScenarioError``).
"""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from game.economy import Economy
from game.metadata import meta
from game.vocabulary import (
    Family,
    FeeModel,
    FundingKind,
    Kpi,
    Segment,
    ServiceLine,
)

SCENARIO_DIR = Path(str(resources.files("scenarios")))
ECONOMY_FILE = "economy.toml"

Share = Annotated[float, Field(ge=0.0, le=1.0)]
Euros = Annotated[float, Field(ge=0.0, le=1e9)]
Positive = Annotated[float, Field(gt=0.0)]
NonNegative = Annotated[float, Field(ge=0.0)]
StageName = Literal["baby", "emerging", "growth", "supercluster"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FeeSchedule(Strict):
    """A membership fee policy; levels are EUR per member per year."""

    model: FeeModel = Field(
        description="none, flat, tiered by size, or share_program.",
        json_schema_extra=meta("Fee model", keys="fee_models"),
    )
    flat: Euros = Field(
        0.0,
        description="Flat yearly fee for every member.",
        json_schema_extra=meta("Fee per member", unit="EUR a year", step=50.0),
    )
    small: Euros = Field(
        0.0,
        description="Tiered fee for small members.",
        json_schema_extra=meta("Small members", unit="EUR a year", step=50.0),
    )
    medium: Euros = Field(
        0.0,
        description="Tiered fee for medium members.",
        json_schema_extra=meta("Medium members", unit="EUR a year", step=50.0),
    )
    large: Euros = Field(
        0.0,
        description="Tiered fee for large members.",
        json_schema_extra=meta("Large members", unit="EUR a year", step=50.0),
    )


class FundingEntry(Strict):
    """One card of the funding catalogue."""

    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{1,40}$")]
    name: str = Field(min_length=1, max_length=80)
    family: Family
    kind: FundingKind
    description: str = Field("", max_length=400)
    amount: Euros = Field(0.0, description="EUR a year an agreement pays (programs, calls).")
    term: Annotated[int, Field(ge=1, le=12)] = Field(1, description="Years an agreement runs.")
    cofinancing: Share = Field(0.0, description="Share of the amount the cluster adds itself.")
    private_match: NonNegative = Field(
        0.0, description="Private revenue required per EUR paid; payment shrinks if short."
    )
    staff_fte: NonNegative = Field(0.0, description="FTE the agreement or line takes each year.")
    projects_only: bool = Field(
        False, description="Money may pay project and service costs only, not staff or operations."
    )
    min_stage: StageName = "baby"
    min_members: Annotated[int, Field(ge=0)] = 0
    min_track_record: Annotated[int, Field(ge=0)] = Field(
        0, description="Projects finished before the cluster is eligible."
    )
    open_rounds: list[Annotated[int, Field(ge=1, le=20)]] = Field(
        default_factory=list, description="Rounds in which applications are open (programs, calls)."
    )
    chance: Share = Field(0.5, description="Base chance that an application succeeds.")
    chance_per_project: NonNegative = Field(0.0, description="Chance added per finished project.")
    chance_engagement: NonNegative = Field(0.0, description="Chance added per unit of engagement.")
    chance_focus: NonNegative = Field(0.0, description="Chance added when a theme is in focus.")
    chance_members: NonNegative = Field(
        0.0, description="Chance added per engaged member of the themed segments, per 10 members."
    )
    themes: list[str] = Field(default_factory=list, description="Focus areas this call serves.")
    segments: list[Segment] = Field(
        default_factory=list, description="Members who take part (calls) or buy (revenue lines)."
    )
    service: ServiceLine | None = Field(
        None, description="Service line a revenue line sells; its quality drives demand."
    )
    price: Euros = Field(0.0, description="EUR per buyer per year (revenue lines).")
    buyer_rate: Share = Field(0.0, description="Share of engaged, well-served members who buy.")
    outsider_buyers: NonNegative = Field(
        0.0, description="Buyers from outside the membership per member buyer (events)."
    )
    capital_fee: Share = Field(0.0, description="Fee on capital members raise (success fee line).")
    fixed_cost: Euros = Field(0.0, description="Yearly cost of running a revenue line.")
    work_share: Share = Field(
        0.0,
        description="Share of a revenue line's income spent on the work it sells (member-funded "
        "projects pass most of it to the partners who do the work): a project cost.",
    )
    trust_projects: Annotated[int, Field(ge=0, le=20)] = Field(
        0,
        description="Finished projects at which a revenue line sells to its whole market; "
        "with fewer, members buy (1 + track record) / (1 + this) of it (0: no such wait).",
    )

    @model_validator(mode="after")
    def _coherent(self) -> FundingEntry:
        if self.kind == FundingKind.REVENUE_LINE:
            if self.family != Family.PRIVATE:
                raise ValueError("a revenue_line must be in the private family")
            if self.service is None:
                raise ValueError("a revenue_line needs the service it sells")
        else:
            if self.amount <= 0:
                raise ValueError("a program or call needs an amount above 0")
            if self.family == Family.PRIVATE:
                raise ValueError("programs and calls are public or project funding")
        return self


class EventEffects(Strict):
    """What an event card or a response changes while it lasts."""

    cash: Annotated[float, Field(ge=-1e7, le=1e7)] = 0.0
    service_factor: dict[ServiceLine, Annotated[float, Field(ge=0, le=3)]] = Field(
        default_factory=dict, description="Multiplier on a service line's delivered value."
    )
    revenue_line_factor: dict[str, Annotated[float, Field(ge=0, le=3)]] = Field(
        default_factory=dict, description="Multiplier on a revenue line's demand."
    )
    member_growth: Annotated[float, Field(ge=-0.5, le=0.5)] = Field(
        0.0, description="Added to every organization's revenue growth."
    )
    hardship_leave: Annotated[float, Field(ge=-0.5, le=0.5)] = Field(
        0.0, description="Added to every member's leave chance."
    )
    fee_capacity_factor: Annotated[float, Field(ge=0, le=3)] = 1.0
    end_funding: list[str] = Field(
        default_factory=list, description="Funding ids whose agreements end now."
    )
    open_calls: list[str] = Field(
        default_factory=list, description="Funding ids open for applications this round."
    )
    activate_prospects: Share = Field(
        0.0, description="Share of dormant organizations that arrive in the region."
    )
    chance_bonus: Annotated[float, Field(ge=-1, le=1)] = Field(
        0.0, description="Added to the success chance of every application."
    )
    engagement: Annotated[float, Field(ge=-1, le=1)] = 0.0
    urgency: Annotated[float, Field(ge=-1, le=1)] = Field(
        0.0, description="Added to the region's urgency while it lasts."
    )


class EventChoice(Strict):
    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{1,40}$")]
    label: str = Field(min_length=1, max_length=120)
    cost: Euros = 0.0
    effects: EventEffects = Field(default_factory=EventEffects)


class EventCard(Strict):
    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{1,40}$")]
    title: str = Field(min_length=1, max_length=80)
    text: str = Field(min_length=1, max_length=600)
    round: Annotated[int, Field(ge=1, le=20)] | None = Field(
        None, description="Round it happens in (scheduled); omitted for a random card."
    )
    rounds: list[Annotated[int, Field(ge=1, le=20)]] = Field(
        default_factory=list, description="Rounds a random card may fall in; it happens once."
    )
    probability: Share = Field(0.0, description="Yearly chance of a random card in its rounds.")
    duration: Annotated[int, Field(ge=1, le=12)] = 1
    effects: EventEffects = Field(default_factory=EventEffects)
    choices: list[EventChoice] = Field(default_factory=list)
    default_choice: str | None = None

    @model_validator(mode="after")
    def _timing(self) -> EventCard:
        if self.round is None and (not self.rounds or self.probability <= 0):
            raise ValueError("an event needs a round, or rounds with a probability above 0")
        ids = [c.id for c in self.choices]
        if self.choices and self.default_choice not in ids:
            raise ValueError(f"default_choice must be one of {ids}")
        return self


class FocusArea(Strict):
    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{1,40}$")]
    name: str = Field(min_length=1, max_length=80)
    services: list[ServiceLine] = Field(min_length=1, max_length=4)


class StageThreshold(Strict):
    stage: StageName
    min_members: Annotated[int, Field(ge=0)]
    min_revenue: Euros
    min_track_record: Annotated[int, Field(ge=0)]
    min_segments: Annotated[int, Field(ge=0, le=6)] = Field(
        description="Segments with at least three members."
    )


class Scoring(Strict):
    weights: dict[Literal["impact", "sustainability", "engagement", "diversification"], Share]
    reference: dict[Kpi, Positive] = Field(
        description="What a strong cluster adds by the last round, per KPI (the yardstick)."
    )
    ramp: Annotated[float, Field(ge=0.5, le=3.0)] = Field(
        description="How the yardstick and targets are due over the game: by round r of R, "
        "the share (r / R) ** ramp of them (1 a straight line; above 1 impact that comes late)."
    )

    @model_validator(mode="after")
    def _complete(self) -> Scoring:
        if abs(sum(self.weights.values()) - 1.0) > 1e-6 or len(self.weights) != 4:
            raise ValueError("weights: give all four components, summing to 1")
        missing = [k.value for k in Kpi if k not in self.reference]
        if missing:
            raise ValueError(f"reference: missing KPIs {', '.join(missing)}")
        return self


class Agreement(Strict):
    source: str
    years_left: Annotated[int, Field(ge=1, le=12)]


class StartingPosition(Strict):
    cash: Euros
    staff_fte: Annotated[float, Field(ge=0.5, le=50)]
    interns: Annotated[int, Field(ge=0, le=50)]
    stage: StageName
    members: dict[Segment, Annotated[int, Field(ge=0, le=2000)]]
    fees: FeeSchedule
    budget: dict[ServiceLine, Euros]
    revenue_lines: list[str] = Field(default_factory=list)
    agreements: list[Agreement] = Field(default_factory=list)
    track_record: Annotated[int, Field(ge=0)] = 0
    engagement: Share = Field(description="Average engagement of the starting members.")


class Region(Strict):
    name: str = Field(min_length=1, max_length=80)
    prospects: dict[Segment, Annotated[int, Field(ge=0, le=20000)]] = Field(
        description="Organizations in the region that could join."
    )
    dormant: dict[Segment, Annotated[int, Field(ge=0, le=20000)]] = Field(
        default_factory=dict, description="Organizations that arrive only when an event says."
    )
    urgency: Share = Field(0.0, description="How urgently members need the cluster (transform).")


class ScenarioInfo(Strict):
    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{1,30}$")]
    name: str = Field(min_length=1, max_length=80)
    category: Literal["grow", "transform", "build", "tutorial"]
    rounds: Annotated[int, Field(ge=1, le=20)]
    summary: str = Field(min_length=1, max_length=200)
    briefing: str = Field(min_length=1, max_length=4000)
    lesson: str = Field("", max_length=400)


class Scenario(Strict):
    """A whole scenario: story, region, start, catalogue, deck, scoring and economy."""

    scenario: ScenarioInfo
    region: Region
    start: StartingPosition
    focus_areas: list[FocusArea] = Field(min_length=1)
    stages: list[StageThreshold]
    funding: list[FundingEntry]
    events: list[EventCard] = Field(default_factory=list)
    scoring: Scoring
    economy: Economy

    @property
    def id(self) -> str:
        return self.scenario.id

    @property
    def rounds(self) -> int:
        return self.scenario.rounds

    def funding_entry(self, funding_id: str) -> FundingEntry:
        for entry in self.funding:
            if entry.id == funding_id:
                return entry
        raise KeyError(funding_id)

    def event_card(self, event_id: str) -> EventCard:
        for card in self.events:
            if card.id == event_id:
                return card
        raise KeyError(event_id)


class ScenarioError(ValueError):
    """A scenario file that cannot be used; ``problems`` lists every defect found."""

    def __init__(self, path: str, problems: list[str]) -> None:
        self.path = path
        self.problems = problems
        lines = "\n".join(f"  {path}: {p}" for p in problems)
        super().__init__(f"{path}: {len(problems)} problem(s)\n{lines}")


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _describe(error: dict[str, Any]) -> str:
    where = ".".join(str(part) for part in error["loc"]) or "(file)"
    message = error["msg"].removeprefix("Value error, ")
    if error["type"] == "missing":
        return f"{where}: required field is missing"
    if error["type"] == "extra_forbidden":
        return f"{where}: unknown field (check the spelling)"
    got = error.get("input")
    shown = "" if isinstance(got, dict | list) else f" (got {got!r})"
    return f"{where}: {message}{shown}"


def _items(data: Any, key: str) -> list[dict[str, Any]]:
    """Return the tables under ``key`` of raw data, skipping anything malformed."""
    value = data.get(key, []) if isinstance(data, dict) else []
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _table(data: Any, key: str) -> dict[str, Any]:
    value = data.get(key, {}) if isinstance(data, dict) else {}
    return value if isinstance(value, dict) else {}


def _numbers(value: Any) -> list[int]:
    values = value if isinstance(value, list) else [value]
    return [v for v in values if isinstance(v, int) and not isinstance(v, bool)]


def _cross_references(data: dict[str, Any]) -> list[str]:
    """Check every id a scenario refers to exists; return all problems.

    Works on the raw data, so that it runs even when some fields are invalid and the
    file's author sees every problem at once.
    """
    problems: list[str] = []
    funding = _items(data, "funding")
    events = _items(data, "events")
    start = _table(data, "start")
    rounds = _table(data, "scenario").get("rounds")
    rounds = rounds if isinstance(rounds, int) else 20
    funding_ids = {e.get("id") for e in funding}
    focus_ids = {a.get("id") for a in _items(data, "focus_areas")}
    lines = {e.get("id") for e in funding if e.get("kind") == FundingKind.REVENUE_LINE.value}
    for dup in _duplicates([str(e.get("id")) for e in funding]):
        problems.append(f"funding: id {dup!r} is used twice")
    for dup in _duplicates([str(c.get("id")) for c in events]):
        problems.append(f"events: id {dup!r} is used twice")
    for i, line in enumerate(start.get("revenue_lines", []) or []):
        if line not in lines:
            problems.append(f"start.revenue_lines.{i}: {line!r} is not a revenue_line in funding")
    for i, agreement in enumerate(_items(start, "agreements")):
        if agreement.get("source") not in funding_ids:
            source = agreement.get("source")
            problems.append(f"start.agreements.{i}.source: unknown funding id {source!r}")
    for i, entry in enumerate(funding):
        for theme in entry.get("themes", []) or []:
            if theme not in focus_ids:
                problems.append(f"funding.{i}.themes: {theme!r} is not a focus area id")
        late = [r for r in _numbers(entry.get("open_rounds", [])) if r > rounds]
        if late:
            problems.append(f"funding.{i}.open_rounds: rounds {late} are after the last round")
    for i, card in enumerate(events):
        slots = [("effects", _table(card, "effects"))] + [
            (f"choices.{j}.effects", _table(c, "effects"))
            for j, c in enumerate(_items(card, "choices"))
        ]
        for slot, effects in slots:
            for key in ("end_funding", "open_calls"):
                for fid in effects.get(key, []) or []:
                    if fid not in funding_ids:
                        problems.append(f"events.{i}.{slot}: unknown funding id {fid!r}")
            for fid in _table(effects, "revenue_line_factor"):
                if fid not in lines:
                    problems.append(f"events.{i}.{slot}.revenue_line_factor: unknown line {fid!r}")
        when = _numbers(card.get("round")) + _numbers(card.get("rounds", []))
        if any(r > rounds for r in when):
            problems.append(f"events.{i}: falls after the last round ({rounds})")
    stage_order = [t.get("stage") for t in _items(data, "stages")]
    if stage_order != ["emerging", "growth", "supercluster"]:
        problems.append("stages: give thresholds for emerging, growth and supercluster, in order")
    members = _table(start, "members")
    counted = [v for v in members.values() if isinstance(v, int)]
    if members and len(counted) == len(members) and sum(counted) < 3:
        problems.append("start.members: a cluster needs at least 3 starting members")
    return problems


def _duplicates(items: list[str]) -> list[str]:
    seen: set[str] = set()
    return sorted({item for item in items if item in seen or seen.add(item)})


def parse_scenario(data: dict[str, Any], path: str, economy: dict[str, Any]) -> Scenario:
    """Validate raw TOML data merged over the shared economy; raise ScenarioError."""
    merged = dict(data)
    merged["economy"] = _merge(economy, data.get("economy", {}))
    problems = _cross_references(merged)
    try:
        scenario = Scenario.model_validate(merged)
    except ValidationError as error:
        raise ScenarioError(path, [_describe(e) for e in error.errors()] + problems) from None
    if problems:
        raise ScenarioError(path, problems)
    return scenario


def read_toml(path: Path) -> dict[str, Any]:
    """Read a TOML file, turning unreadable files into a ScenarioError."""
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ScenarioError(str(path), ["file not found"]) from None
    except tomllib.TOMLDecodeError as error:
        raise ScenarioError(str(path), [f"not valid TOML: {error}"]) from None
    except (OSError, UnicodeDecodeError) as error:
        raise ScenarioError(str(path), [f"cannot be read: {error}"]) from None


def load_economy(directory: Path = SCENARIO_DIR) -> dict[str, Any]:
    return read_toml(directory / ECONOMY_FILE)


def load_economy_file(path: Path | str) -> Economy:
    """Load and validate a file of shared coefficients (``economy.toml``), not a scenario."""
    path = Path(path)
    try:
        return Economy.model_validate(read_toml(path))
    except ValidationError as error:
        raise ScenarioError(str(path), [_describe(e) for e in error.errors()]) from None


def is_economy_file(path: Path | str) -> bool:
    """True for a file of shared coefficients: it is named like ``scenarios/economy.toml``."""
    return Path(path).name == ECONOMY_FILE


def load_scenario_file(path: Path | str) -> Scenario:
    """Load and validate one scenario file; raise ScenarioError with every problem."""
    path = Path(path)
    return parse_scenario(read_toml(path), str(path), load_economy())


def scenario_names(directory: Path = SCENARIO_DIR) -> list[str]:
    return sorted(p.stem for p in directory.glob("*.toml") if p.name != ECONOMY_FILE)


def load_scenario(name: str) -> Scenario:
    """Load a scenario by name (``grow``) or by path to a TOML file."""
    if name.endswith(".toml") or "/" in name:
        return load_scenario_file(name)
    if name not in scenario_names():
        known = ", ".join(scenario_names())
        raise ScenarioError(name, [f"unknown scenario (known: {known})"])
    return load_scenario_file(SCENARIO_DIR / f"{name}.toml")
