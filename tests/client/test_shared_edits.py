"""Two teammates edit one field at once: each screen ends showing the server's draft.

The server answers an edit with an ack (to its sender) and a ``draft`` (to the whole
team), in that order; but the client reads the ack through the request that waits for
it, so the model can get the ack after the drafts read with it, a teammate's later
draft included. The model must then not keep its own edit on screen over the
teammate's: the server's echo of the edit already says it was applied.
"""

from __future__ import annotations

from client.model import ClientModel
from client.net import NetEvent
from game.decisions import Decisions
from protocol.replies import Ack, DraftChanged
from tests.client.test_scenes import team_state


def _store() -> ClientModel:
    store = ClientModel()
    store.apply(NetEvent("welcome", message={"role": "player", "team": "North", "player": "p1"}))
    store.apply(NetEvent("status", status="connected"))
    store.apply(NetEvent("message", message=team_state()))
    return store


def _draft(store: ClientModel, budget: dict, version: int, by: str) -> DraftChanged:
    decisions = Decisions.model_validate(
        store.team.draft.model_dump(mode="json") | {"budget": budget}
    )
    return DraftChanged(round=1, draft=decisions, version=version, edited_by=by, problems=[])


def _edits() -> tuple[ClientModel, dict, dict]:
    store = _store()
    lines = dict(store.team.view.budget)
    mine = {line: 1000.0 for line in lines}
    theirs = {line: 2000.0 for line in lines}
    store.edit("budget", mine)
    changes = store.unsent()
    assert set(changes) == {"budget"}
    store.sent(7, list(changes))  # request 7 carries it
    return store, _draft(store, mine, 1, "p1"), _draft(store, theirs, 2, "p2")


def test_an_ack_read_after_a_teammates_later_draft_leaves_the_server_draft_on_screen() -> None:
    store, echo, later = _edits()
    store.apply(NetEvent("message", message=echo))  # my edit, applied
    store.apply(NetEvent("message", message=later))  # a teammate's edit of the same field
    store.apply(NetEvent("reply", tag=7, message=Ack(reply_to="x", seq=5).model_dump()))
    assert store.overlay == {} and store.dirty == set()
    assert store.draft_data()["budget"] == later.draft.model_dump(mode="json")["budget"]
    assert store.team.draft_version == 2


def test_in_the_usual_order_the_edit_settles_too() -> None:
    store, echo, later = _edits()
    store.apply(NetEvent("reply", tag=7, message=Ack(reply_to="x", seq=5).model_dump()))
    assert "budget" in store.overlay  # acknowledged, shown until the draft carries it
    store.apply(NetEvent("message", message=echo))
    assert store.overlay == {}
    store.apply(NetEvent("message", message=later))
    assert store.draft_data()["budget"] == later.draft.model_dump(mode="json")["budget"]


def test_an_echo_from_another_players_edit_does_not_settle_mine() -> None:
    store, _, later = _edits()
    store.apply(NetEvent("message", message=later))  # p2's edit, applied before mine
    assert "budget" in store.overlay  # mine is still on its way
