"""Every privileged message, sent by every wrong role or with a wrong token, changes nothing."""

from __future__ import annotations

from loopback import close_all, facilitated, joined, run, serving

from protocol.client import Client, ServerError

FACILITATOR_ONLY = {
    "start": {},
    "open_round": {"seconds": 60},
    "extend": {"seconds": 30},
    "close_round": {},
    "pause_round": {},
    "resume_round": {},
    "inject_event": {"event_id": "pandemic"},
    "add_bot": {"team": "Intruder", "strategy": "passive"},
    "replace_team": {"team": "Delta", "strategy": "passive"},
    "remove_team": {"team": "Delta"},
    "rename_player": {"player": "p1", "name": "Mallory"},
    "remove_player": {"player": "p1"},
    "set_weights": {"weights": {"impact": 1.0}},
    "reset_practice": {},
    "end_game": {},
}
PLAYER_ONLY = {
    "edit_draft": {"round": 1, "changes": {"staffing": {"hire_fte": 1.0}}},
    "submit": {"round": 1},
}


async def refused(client: Client, kind: str, fields: dict) -> str:
    try:
        reply = await client.send(kind, **fields)
    except ServerError as error:
        return error.code
    raise AssertionError(f"{kind} was accepted: {reply}")


def comparable(state: dict) -> dict:
    return {k: v for k, v in state.items() if k not in ("timer", "reply_to", "version")} | {
        "phase": state["timer"]["phase"],
        "deadline": state["timer"]["deadline"],
    }


def test_the_permission_matrix(tmp_path) -> None:
    async def main() -> None:
        async with serving(tmp_path / "p.db") as (server, url):
            facilitator, code = await facilitated(url, seed=3, rounds=3)
            player = await joined(url, code, "Delta", "Ana")
            await facilitator.send("start")
            await facilitator.send("open_round")
            await player.wait_for(lambda c: c.phase == "decisions")
            spectator = Client(url)
            await spectator.spectate(code)
            stranger = Client(url, reconnect=False)
            await stranger._open()
            impostor = Client(url, reconnect=False)
            try:
                await impostor.resume("not-the-right-token-at-all")
            except ServerError as error:
                assert error.code == "wrong_token"
            before_events = server.store.counts()["events"]
            before = comparable(await facilitator.send("get_view"))
            codes = set()
            for kind, fields in FACILITATOR_ONLY.items():
                for client in (player, spectator):
                    codes.add(await refused(client, kind, fields))
                for client in (stranger, impostor):
                    assert await refused(client, kind, fields) == "not_authenticated"
            for kind, fields in PLAYER_ONLY.items():
                for client in (facilitator, spectator, stranger, impostor):
                    codes.add(await refused(client, kind, fields))
            assert codes == {"not_allowed", "not_authenticated"}
            assert server.store.counts()["events"] == before_events
            assert comparable(await facilitator.send("get_view")) == before
            await close_all(facilitator, player, spectator, stranger, impostor)

    run(main())


def test_a_removed_player_loses_the_token(tmp_path) -> None:
    async def main() -> None:
        async with serving(tmp_path / "p.db") as (_, url):
            facilitator, code = await facilitated(url, seed=3, rounds=3)
            player = await joined(url, code, "Delta", "Ana")
            token = player.token
            await facilitator.send("remove_player", player="p1")
            await player.wait_for(lambda c: c.removed)
            again = Client(url, reconnect=False)
            try:
                await again.resume(token)
                raise AssertionError("a revoked token was accepted")
            except ServerError as error:
                assert error.code == "wrong_token"
            await close_all(facilitator, player, again)

    run(main())
