"""The names and the decision fields the client shows, as the server says them.

The server sends ``labels`` once per connection: every display name (segments,
services, KPIs, costs, ...) and every decision field's metadata (label, unit, step,
bounds, section). The client keeps the last one it received in ``BOOK`` and every
screen reads names and fields from there, so a window connected to a server of
another version shows that server's fields and words. Until a ``labels`` message
arrives (or against a server too old to send one), the book holds this version's
own, from the decisions model and the vocabulary.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from game.decisions import decision_fields as model_fields
from game.metadata import FieldSpec
from game.vocabulary import vocabulary as model_vocabulary
from protocol.replies import Labels


class LabelBook:
    """Display names by kind and id, and decision fields by path."""

    def __init__(self) -> None:
        self.vocabulary: dict[str, dict[str, str]] = {}
        self.specs: dict[str, FieldSpec] = {}
        self.from_server = False
        self.reset()

    def reset(self) -> None:
        """Go back to this version's own names and fields."""
        self.vocabulary = model_vocabulary()
        self.specs = {spec.path: spec for spec in model_fields()}
        self.from_server = False

    def take(self, message: Labels) -> None:
        """Take the names and fields a server sent."""
        self.vocabulary = {kind: dict(names) for kind, names in message.vocabulary.items()}
        self.specs = {spec.path: spec for spec in message.fields}
        self.from_server = True

    def name(self, kind: str, key: str) -> str:
        names = self.vocabulary.get(kind, {})
        return names.get(str(key), str(key).replace("_", " ").capitalize())


BOOK = LabelBook()


class Names(Mapping[str, str]):
    """One kind of display names, read live from the book (``SERVICE_NAMES[line]``)."""

    def __init__(self, kind: str) -> None:
        self.kind = kind

    def _names(self) -> dict[str, str]:
        return BOOK.vocabulary.get(self.kind, {})

    def __getitem__(self, key: object) -> str:
        return self._names()[str(key)]

    def __iter__(self) -> Iterator[str]:
        return iter(self._names())

    def __len__(self) -> int:
        return len(self._names())


class KpiNames(Mapping[str, str]):
    """The KPIs' names with their units, read live from the book (``KPI_NAMES[kpi]``)."""

    def __getitem__(self, key: object) -> str:
        if str(key) not in BOOK.vocabulary.get("kpis", {}):
            raise KeyError(key)
        return kpi_label(str(key))

    def __iter__(self) -> Iterator[str]:
        return iter(BOOK.vocabulary.get("kpis", {}))

    def __len__(self) -> int:
        return len(BOOK.vocabulary.get("kpis", {}))


def display_name(kind: str, key: str) -> str:
    """Return the display name of an id, or a readable form of the id when it has none."""
    return BOOK.name(kind, key)


def kpi_label(kpi: str, unit: bool = True) -> str:
    """Return a KPI's name, with its unit in brackets when it has one."""
    name = BOOK.name("kpis", kpi)
    shown = BOOK.vocabulary.get("kpi_units", {}).get(str(kpi), "")
    return f"{name} ({shown})" if unit and shown else name


def decision_fields() -> list[FieldSpec]:
    """Every decision field, as the server described them."""
    return list(BOOK.specs.values())


def field_spec(path: str) -> FieldSpec:
    """One decision field by its dotted path (``staffing.hire_fte``)."""
    return BOOK.specs[path]
