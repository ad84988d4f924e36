"""A computer-run team that plays over the network, as any remote team would."""

from __future__ import annotations

from functools import cache
from typing import Any

from game.match import with_rounds
from game.round import bot_generator
from game.scenario import Scenario, load_scenario
from game.strategies import strategy
from game.view import TeamView
from protocol.client import Client, ServerError

DAY = 24 * 3600.0


@cache
def _scenario(name: str, rounds: int) -> Scenario:
    return with_rounds(load_scenario(name), rounds)


def to_decide(client: Client) -> dict[str, Any] | None:
    """Return the team state when a round is open and the team has not submitted yet."""
    state = client.team_state
    if state is None or state["timer"]["phase"] not in ("decisions", "paused"):
        return None
    round_no = state["timer"]["round"]
    submission = state.get("submission")
    if state["view"]["round"] != round_no or (submission and submission["round"] == round_no):
        return None
    return state


def decide(state: dict[str, Any], strategy_name: str, seed: int) -> dict[str, Any]:
    """Return the strategy's decisions for the open round, as JSON data."""
    view = TeamView.model_validate(state["view"])
    scenario = _scenario(view.scenario, view.rounds)
    decisions = strategy(strategy_name).play(view, scenario, bot_generator(seed, 0, view.round))
    return decisions.model_dump(mode="json")


def final_score(client: Client, team: str) -> float:
    board = (client.public_state or {}).get("leaderboard", [])
    return next((row["score"] for row in board if row["team"] == team), 0.0)


async def play(client: Client, strategy_name: str, seed: int = 1, timeout: float = DAY) -> float:
    """Play every round until the game finishes; return the team's final score.

    Views keep arriving while the bot waits to be woken: what it decides on is read
    again when it runs, and a round it has submitted is never submitted again while it
    is open (its view may not show the submission yet). Once the team's view shows the
    round closed, a round opened later is a new one: a practice round the facilitator
    reset is played again.
    """
    submitted: set[tuple[bool, int]] = set()  # (practice, round) of the open round

    def key(state: dict[str, Any]) -> tuple[bool, int]:
        return bool(state["timer"].get("practice")), state["timer"]["round"]

    def ready(c: Client) -> dict[str, Any] | None:
        team = c.team_state
        if team is not None and team["timer"]["phase"] not in ("decisions", "paused"):
            submitted.clear()  # the round closed
        state = to_decide(c)
        return state if state is not None and key(state) not in submitted else None

    while True:
        await client.wait_for(lambda c: c.phase == "finished" or ready(c), timeout)
        state = ready(client)
        if state is None:
            if client.phase != "finished":
                continue  # the view moved on between the wake-up and now: wait again
            await client.wait_for(
                lambda c: (c.public_state or {}).get("timer", {}).get("phase") == "finished",
                timeout,
            )
            return final_score(client, client.welcome.get("team", ""))
        try:
            await client.submit(decide(state, strategy_name, seed), state["timer"]["round"])
            submitted.add(key(state))
        except ServerError as error:
            if error.code not in ("stale_round", "wrong_phase"):
                raise
            await client.wait_for(
                lambda c, r=state["timer"]["round"]: (
                    c.round != r or c.phase not in ("decisions", "paused")
                ),
                timeout,
            )


async def run_bot(
    url: str, code: str, team: str, strategy_name: str, name: str = "bot", seed: int = 1
) -> float:
    """Join a session as a team and play it to the end with a strategy."""
    strategy(strategy_name)  # fail early on an unknown strategy
    client = Client(url)
    try:
        await client.join(code, team, name)
        return await play(client, strategy_name, seed)
    finally:
        await client.close()
