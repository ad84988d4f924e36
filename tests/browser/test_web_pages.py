"""The web edition in real Chromium: a facilitator, players on one draft, a projector."""

from __future__ import annotations

import csv

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from protocol.grading import STUDENT_COLUMNS
from tests.browser.conftest import PHONE, ServerProcess
from tests.browser.pages import (
    add_bot,
    audit,
    axe_violations,
    click,
    click_xpath,
    create_session,
    field_problem,
    field_value,
    join,
    phase_is,
    screen,
    set_field,
    text_of,
    type_into,
    wait,
)


def test_a_facilitator_and_two_teammates_play_a_whole_game_with_a_computer_team(
    site, browser
) -> None:
    host = browser()
    code = create_session(host, site, rounds=2)
    assert len(code) == 6
    add_bot(host, "House", "project_chaser")
    ana, ben = browser(), browser()
    join(ana, site, code, "North", "Ana")
    join(ben, site, code.lower(), "north", "Ben")  # code and team name ignore case
    wait(host, lambda d: "Ana, Ben" in text_of(d, "#teams"), "both players in North")

    projector = browser()
    projector.get(f"{site}/projector?code={code}")
    wait(projector, lambda d: text_of(d, "#join-code") == code, "the code on the projector")
    qr = projector.find_element(By.CSS_SELECTOR, "img.qr")
    assert wait(projector, lambda d: qr.get_attribute("naturalWidth") not in (None, "0"), "QR")

    click(host, "#b-start")
    wait(host, lambda d: phase_is(d, "Briefing"), "the briefing")
    click(host, "#b-open")
    for player in (ana, ben):
        wait(player, lambda d: screen(d) == "Decisions", "the decisions screen")

    # one draft, edited live by both
    set_field(ana, "staffing.hire_fte", "1")
    wait(ben, lambda d: field_value(d, "staffing.hire_fte") == "1", "Ana's edit on Ben's page")
    set_field(ben, "fees.flat", "650")
    wait(ana, lambda d: field_value(d, "fees.flat") == "650", "Ben's edit on Ana's page")
    assert field_value(ana, "staffing.hire_fte") == "1"
    set_field(ana, "reserve_months", "3")  # a field drawn from its metadata alone
    wait(ben, lambda d: field_value(d, "reserve_months") == "3", "the reserve on Ben's page")
    wait(projector, lambda d: "North" in text_of(d, "#waiting"), "the projector waits for North")

    click(ben, "#submit")  # the bot is always ready: the year resolves
    for player in (ana, ben):
        wait(player, lambda d: screen(d) == "Results", "the results")
    assert "Year 1 of 2" in text_of(ana, "main")
    assert "newspaper" in text_of(ana, "main").lower()
    wait(projector, lambda d: "House" in text_of(d, "table"), "the leaderboard on the projector")

    wait(host, lambda d: phase_is(d, "Results"), "the results on the console")
    click(host, "#b-open")
    wait(ana, lambda d: screen(d) == "Decisions", "the second year's decisions")
    click(ana, "#submit")
    for player in (ana, ben):
        wait(player, lambda d: screen(d) == "Game over", "the end of the game")
    final = text_of(ana, "main")
    assert "North finished" in final and "House" in final
    ana.find_element(By.CSS_SELECTOR, 'nav.tabs button[data-screen="history"]').click()
    charts = wait(ana, lambda d: d.find_elements(By.CSS_SELECTOR, "svg.chart"), "the charts")
    assert len(charts) >= 4
    ana.find_element(By.CSS_SELECTOR, 'nav.tabs button[data-screen="canvas"]').click()
    wait(ana, lambda d: "Key activities" in text_of(d, "main"), "the business model canvas")
    assert "Funding partners" in text_of(ana, "main")
    wait(host, lambda d: phase_is(d, "Game over"), "game over on the console")
    assert all(not driver.get_log("browser") for driver in (host, ana, ben, projector))


def test_a_reload_mid_round_rejoins_the_same_seat(site, browser) -> None:
    host = browser()
    code = create_session(host, site, rounds=3)
    ana, ben = browser(), browser()
    join(ana, site, code, "North", "Ana")
    join(ben, site, code, "North", "Ben")
    click(host, "#b-start")
    wait(host, lambda d: phase_is(d, "Briefing"), "the briefing")
    click(host, "#b-open")
    wait(ana, lambda d: screen(d) == "Decisions", "the decisions")
    set_field(ana, "staffing.hire_fte", "2")
    wait(ben, lambda d: field_value(d, "staffing.hire_fte") == "2", "the edit reached the team")

    ana.refresh()
    wait(ana, lambda d: screen(d) == "Decisions", "the decisions after the reload")
    assert not ana.find_elements(By.ID, "join-team")
    wait(ana, lambda d: field_value(d, "staffing.hire_fte") == "2", "the draft after the reload")
    set_field(ana, "staffing.hire_interns", "1")  # fresh request ids after the reload
    wait(ben, lambda d: field_value(d, "staffing.hire_interns") == "1", "an edit after reload")
    assert "Ana, Ben" in text_of(host, "#teams")  # the same seat, not a third player
    assert "(away)" not in text_of(host, "#teams")


def test_a_refused_decision_shows_its_problems_by_field(site, browser) -> None:
    host = browser()
    code = create_session(host, site, rounds=2)
    ana = browser()
    join(ana, site, code, "North", "Ana")
    click(host, "#b-start")
    wait(host, lambda d: phase_is(d, "Briefing"), "the briefing")
    click(host, "#b-open")
    wait(ana, lambda d: screen(d) == "Decisions", "the decisions")

    set_field(ana, "staffing.hire_fte", "9")  # outside the schema's bounds: never sent
    wait(ana, lambda d: "at most 5" in field_problem(d, "staffing.hire_fte"), "a bound problem")
    set_field(ana, "staffing.hire_fte", "0")
    wait(ana, lambda d: not field_problem(d, "staffing.hire_fte"), "the problem cleared")

    set_field(ana, "staffing.let_go_interns", "9")  # the rules refuse it: more than it has
    problem = wait(
        ana, lambda d: field_problem(d, "staffing.let_go_interns"), "the rule's problem by field"
    )
    assert "interns" in problem
    assert "(1 problem)" in text_of(ana, 'a[data-section="budget_staff"]')
    click(ana, "#submit")
    wait(ana, lambda d: "refuse" in text_of(d, ".banner.bad"), "the refusal")
    assert "interns" in field_problem(ana, "staffing.let_go_interns")
    box = ana.find_element(By.CSS_SELECTOR, '[data-key="staffing.let_go_interns"] input')
    assert box.get_attribute("aria-invalid") == "true"
    assert "Not submitted yet" in text_of(ana, "#submit-state")


def test_the_player_page_works_at_phone_width_and_from_the_keyboard(site, browser) -> None:
    host = browser()
    code = create_session(host, site, rounds=2)
    add_bot(host, "House")
    phone = browser(size=PHONE)
    phone.get(f"{site}/?code={code}")
    team = wait(phone, lambda d: d.find_element(By.ID, "join-team"), "the join form")
    assert phone.switch_to.active_element == team  # the code is filled in: focus on the team
    team.send_keys("North", Keys.TAB, "Ana", Keys.ENTER)
    wait(phone, lambda d: "North" in text_of(d, "#bar .info"), "seated from the keyboard")
    click(host, "#b-start")
    wait(host, lambda d: phase_is(d, "Briefing"), "the briefing")
    click(host, "#b-open")
    wait(phone, lambda d: screen(d) == "Decisions", "the decisions")

    width = phone.execute_script("return document.documentElement.scrollWidth")
    inner = phone.execute_script("return window.innerWidth")
    assert width <= inner, f"the page scrolls sideways: {width} > {inner}"
    unlabelled = phone.execute_script(
        """return [...document.querySelectorAll('input, select, textarea')].filter(
             (e) => e.type !== 'hidden' && !e.labels?.length && !e.getAttribute('aria-label')
           ).length"""
    )
    assert unlabelled == 0
    submit = phone.find_element(By.ID, "submit")
    phone.execute_script("arguments[0].focus()", submit)
    submit.send_keys(Keys.ENTER)
    wait(phone, lambda d: screen(d) == "Results", "the results on the phone")
    width = phone.execute_script("return document.documentElement.scrollWidth")
    assert width <= phone.execute_script("return window.innerWidth")


def test_every_page_rejoins_a_server_killed_and_restarted_mid_round(killable, browser) -> None:
    first = killable[0]
    site = first.start()
    host = browser()
    code = create_session(host, site, rounds=2)
    ana = browser()
    join(ana, site, code, "North", "Ana")
    projector = browser()
    projector.get(f"{site}/projector?code={code}")
    click(host, "#b-start")
    wait(host, lambda d: phase_is(d, "Briefing"), "the briefing")
    click(host, "#b-open")
    wait(ana, lambda d: screen(d) == "Decisions", "the decisions")
    set_field(ana, "staffing.hire_fte", "1.5")
    wait(host, lambda d: "Ana" in text_of(d, "#teams"), "Ana on the console")
    wait(ana, lambda d: field_value(d, "staffing.hire_fte") == "1.5", "the edit")

    first.kill()  # SIGKILL: no goodbye to any page
    for page, online in ((host, "Connected"), (ana, "Connected"), (projector, "Live")):
        wait(page, lambda d, o=online: text_of(d, "#status") != o, "the lost connection")
    again = ServerProcess(first.db, port=first.port)
    killable.append(again)
    again.start()
    for page in (host, ana):
        wait(page, lambda d: text_of(d, "#status") == "Connected", "the page back online")
    wait(projector, lambda d: text_of(d, "#status") == "Live", "the projector back")
    wait(ana, lambda d: field_value(d, "staffing.hire_fte") == "1.5", "the draft after restart")
    set_field(ana, "staffing.hire_interns", "1")
    click(ana, "#submit")
    wait(ana, lambda d: screen(d) == "Results", "the year resolved after the restart")
    wait(host, lambda d: phase_is(d, "Results"), "the console follows")
    wait(projector, lambda d: "North" in text_of(d, "table"), "the projector follows")


def test_every_page_has_labels_names_and_no_serious_axe_violation(site, browser) -> None:
    host = browser()
    host.get(f"{site}/host")
    wait(host, lambda d: d.find_elements(By.ID, "c-scenario"), "the form")
    assert audit(host) == []
    assert axe_violations(host) == []
    tutorial = '#c-scenario option[value="tutorial"]'
    wait(host, lambda d: d.find_elements(By.CSS_SELECTOR, tutorial), "the scenario list")
    for scenario, most in (("tutorial", "3"), ("build", "12")):  # no more than it is written for
        Select(host.find_element(By.ID, "c-scenario")).select_by_value(scenario)
        assert host.find_element(By.ID, "c-rounds").get_attribute("max") == most
    code = create_session(host, site, rounds=2)
    add_bot(host, "House")
    ana = browser()
    ana.get(f"{site}/?code={code}")
    wait(ana, lambda d: d.find_elements(By.ID, "join-team"), "the join form")
    assert audit(ana) == []
    assert axe_violations(ana) == []
    join(ana, site, code, "North", "Ana")
    projector = browser()
    projector.get(f"{site}/projector?code={code}")
    wait(projector, lambda d: text_of(d, "#join-code"), "the projector")
    assert audit(projector) == []
    assert axe_violations(projector) == []
    click(host, "#b-start")
    wait(host, lambda d: phase_is(d, "Briefing"), "the briefing")
    click(host, "#b-open")
    wait(ana, lambda d: screen(d) == "Decisions", "the decisions")
    assert audit(host) == []
    assert axe_violations(host) == []
    assert audit(ana) == []
    assert axe_violations(ana) == []
    click(ana, "#submit")
    wait(ana, lambda d: screen(d) == "Results", "the results")
    for name in ("dashboard", "briefing", "history", "canvas", "results"):
        ana.find_element(By.CSS_SELECTOR, f'nav.tabs button[data-screen="{name}"]').click()
        wait(ana, lambda d, n=name: d.find_elements(By.CSS_SELECTOR, "#screen-title"), name)
        assert audit(ana) == [], name
        assert axe_violations(ana) == [], name
    wait(projector, lambda d: "House" in text_of(d, "table"), "the projector's leaderboard")
    assert audit(projector) == []
    assert axe_violations(projector) == []
    # the check itself sees a missing label, a nameless button and a second h1
    projector.execute_script(
        "document.body.append(document.createElement('input'),"
        " document.createElement('button'), document.createElement('h1'))"
    )
    found = " / ".join(audit(projector))
    assert "unlabelled input" in found and "button without a name" in found
    assert "not exactly one h1" in found
    # and axe-core sees what a screen reader would trip on
    projector.execute_script(
        "const i = document.createElement('img'); i.src = '/qr.svg'; document.body.append(i)"
    )
    assert {v["id"] for v in axe_violations(projector)} >= {"image-alt", "button-name"}


def test_the_consoles_controls_reach_the_players(site, browser) -> None:
    host = browser()
    code = create_session(host, site, rounds=3)
    ana, dee = browser(), browser()
    join(ana, site, code, "North", "Ana")
    join(dee, site, code, "South", "Dee")
    click(host, "#b-start")
    wait(host, lambda d: phase_is(d, "Briefing"), "the briefing")
    type_into(host, "#k-minutes", "3")
    click(host, "#b-open")
    wait(ana, lambda d: screen(d) == "Decisions", "the decisions")
    wait(ana, lambda d: text_of(d, "#clock").startswith(("2:", "3:")), "a three-minute timer")

    click(host, "#b-pause")
    wait(ana, lambda d: "Paused" in text_of(d, "#bar .info"), "the pause on the player's page")
    click(host, "#b-resume")
    wait(ana, lambda d: "Decisions open" in text_of(d, "#bar .info"), "the round resumed")

    wait(
        host,
        lambda d: Select(d.find_element(By.ID, "k-event")).select_by_value("pandemic") is None,
        "the pandemic card chosen",
    )
    click(host, "#k-event ~ button, #k-event + button, section[aria-labelledby=k-events] button")
    wait(ana, lambda d: "Pandemic" in text_of(d, "#sec-events").title(), "the event card")
    click(ana, 'input[name="resp-pandemic"][value="go_digital"]')
    wait(host, lambda d: "not yet" in text_of(d, "#teams"), "the console's team row")
    click(dee, "#submit")
    click(ana, "#submit")
    wait(ana, lambda d: screen(d) == "Results", "the results")
    assert "pandemic" in text_of(ana, "main").lower()

    weights = {"impact": "70", "sustainability": "10", "engagement": "10", "diversification": "10"}
    for key, value in weights.items():
        type_into(host, f"#w-{key}", value)
    click(host, "#k-weights ~ button")
    wait(host, lambda d: "Weights set" in text_of(d, ".banner.good"), "the weights set")
    wait(
        host,
        lambda d: d.find_element(By.ID, "w-impact").get_attribute("value") == "70",
        "the impact weight kept at 70",
    )

    cy = browser()
    join(cy, site, code, "North", "Cy")
    click(ana, 'nav.tabs button[data-screen="dashboard"]')
    wait(ana, lambda d: "Cy" in text_of(d, "#board-members"), "Cy on Ana's board")
    assert "Ana (you)" in text_of(ana, "#board-members")
    wait(host, lambda d: "Remove Cy" in text_of(d, "#teams"), "Cy on the console")
    click(host, '#teams button[data-move="Cy"]')  # to South, the only other team
    wait(cy, lambda d: "South" in text_of(d, "#bar .info"), "Cy moved to South")

    type_into(host, "#k-broadcast", "Coffee break until 11:00")
    click(host, "#b-say")
    for page in (ana, cy):
        wait(page, lambda d: "Coffee break" in text_of(d, "#announcement"), "the message")

    click(host, '#teams button[data-player="Cy"]')
    host.switch_to.alert.accept()
    wait(cy, lambda d: "removed" in text_of(d, "main"), "Cy told of the removal")
    wait(host, lambda d: "Remove Cy" not in text_of(d, "#teams"), "Cy gone from the console")

    click(host, "#b-end")
    click(host, "#end-cancel")
    assert phase_is(host, "Results")
    click(host, "#b-end")
    click(host, "#end-confirm")
    wait(ana, lambda d: screen(d) == "Game over", "the game ended by the facilitator")


def test_a_practice_round_is_played_and_reset_from_the_console(site, browser) -> None:
    host = browser()
    code = create_session(host, site, rounds=2)
    ana = browser()
    ana.get(f"{site}/?code={code}")
    suggestions = wait(ana, lambda d: d.find_element(By.ID, "join-team"), "the join form")
    suggestions.send_keys("North", Keys.TAB, "Ana", Keys.ENTER)
    wait(ana, lambda d: "North" in text_of(d, "#bar .info"), "Ana seated")
    ben = browser()
    ben.get(f"{site}/?code={code}")
    wait(  # the page offers the session's teams
        ben,
        lambda d: d.find_elements(By.CSS_SELECTOR, '#teams-known option[value="North"]'),
        "the teams of the session",
    )
    click(host, "#b-start")
    wait(host, lambda d: phase_is(d, "Briefing"), "the briefing")
    practice = wait(host, lambda d: d.find_element(By.ID, "k-practice"), "the practice box")
    practice.click()
    click(host, "#b-open")
    wait(ana, lambda d: "(practice)" in text_of(d, "#bar .info"), "a practice year")
    click(ana, "#submit")
    wait(ana, lambda d: screen(d) == "Results", "the practice results")
    click(host, "#b-reset")
    wait(ana, lambda d: "Briefing" in text_of(d, "#bar .info"), "everyone back at the start")
    click(host, "#b-open")
    wait(ana, lambda d: screen(d) == "Decisions", "the first real year")
    assert "(practice)" not in text_of(ana, "#bar .info")
    assert "year 1 of 2" in text_of(ana, "#bar .info")


def headings(driver, caption: str) -> list[str]:
    """The column headings of the first table whose caption starts with ``caption``."""
    return driver.execute_script(
        """const t = [...document.querySelectorAll('table')].find(
             (t) => (t.caption?.textContent || '').startsWith(arguments[0]));
           return t ? [...t.tHead.querySelectorAll('th')].map((th) => th.textContent) : null""",
        caption,
    )


HOLD_DRAFTS = """
const setter = Object.getOwnPropertyDescriptor(WebSocket.prototype, 'onmessage');
Object.defineProperty(WebSocket.prototype, 'onmessage', {
  configurable: true,
  get() { return setter.get.call(this); },
  set(handler) {
    setter.set.call(this, (event) => {
      if (window.holdDrafts && /"type":\\s*"draft"/.test(event.data)) {
        window.heldDrafts = (window.heldDrafts || 0) + 1;
        return undefined;
      }
      return handler(event);
    });
  },
});
"""


WATCH_FORECAST = """
window.forecastTexts = [];
const seen = () => {
  const box = document.querySelector("#forecast");
  const words = box ? box.innerText : "";
  const all = window.forecastTexts;
  if (!all.length || all[all.length - 1] !== words) all.push(words);
};
const options = {subtree: true, childList: true, characterData: true};
new MutationObserver(seen).observe(document.body, options);
"""


def test_the_forecast_follows_the_draft_and_a_stale_submit_is_refused(site, browser) -> None:
    host = browser()
    code = create_session(host, site, rounds=2)
    ana, ben = browser(), browser()
    # Ana's page can be made deaf to draft messages, so a teammate's edit can slip
    # in between what her page last saw and her submit
    ana.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": HOLD_DRAFTS})
    join(ana, site, code, "North", "Ana")
    join(ben, site, code, "North", "Ben")
    click(host, "#b-start")
    wait(host, lambda d: phase_is(d, "Briefing"), "the briefing")
    click(host, "#b-open")
    wait(ana, lambda d: screen(d) == "Decisions", "the decisions")

    first = wait(
        ana,
        lambda d: "expected cash" in text_of(d, "#forecast") and text_of(d, "#forecast"),
        "a forecast",
    )
    assert "Year 1:" in first and "runway" in first and "staff utilisation" in first
    wait(ben, lambda d: text_of(d, "#forecast") == first, "the same forecast on Ben's page")
    ana.execute_script(WATCH_FORECAST)  # every text the forecast box shows from now on
    set_field(ben, "staffing.hire_fte", "4")  # more staff: less cash, lower utilisation
    changed = wait(
        ana,
        lambda d: (
            "expected cash" in text_of(d, "#forecast")
            and text_of(d, "#forecast") != first
            and text_of(d, "#forecast")
        ),
        "the forecast after Ben's edit",
    )
    assert changed != first
    shown = ana.execute_script("return window.forecastTexts")
    coming = [i for i, words in enumerate(shown) if "Forecast coming" in words]
    assert coming, shown  # while Ben's draft settled, never the old forecast for the new draft
    assert "expected cash" not in shown[coming[0]] and first not in shown[coming[0] :]
    assert audit(ana) == []
    assert axe_violations(ana) == []

    ana.execute_script("window.holdDrafts = true")
    set_field(ben, "fees.flat", "650")
    wait(ana, lambda d: d.execute_script("return window.heldDrafts || 0") >= 1, "Ben's edit held")
    click(ana, "#submit")
    wait(
        ana, lambda d: "teammate changed the draft" in text_of(d, ".banner.bad"), "the stale draft"
    )
    assert "Not submitted yet" in text_of(ana, "#submit-state")
    assert audit(ana) == []


def test_a_roster_team_a_message_an_absent_console_and_the_grading_export(
    site, browser, tmp_path
) -> None:
    host = browser()
    code = create_session(host, site, rounds=2)
    name = wait(host, lambda d: d.find_element(By.ID, "k-team-name"), "the roster form")
    name.send_keys("Harbour")
    click(host, "#b-team")
    wait(host, lambda d: "Harbour" in text_of(d, "#teams"), "Harbour in the teams")
    assert "Nobody" not in text_of(host, "#teams")
    ana = browser()
    ana.get(f"{site}/?code={code}")
    wait(
        ana,
        lambda d: d.find_elements(By.CSS_SELECTOR, '#teams-known option[value="Harbour"]'),
        "the roster team offered to players",
    )
    join(ana, site, code, "Harbour", "Ana")
    projector = browser()
    projector.get(f"{site}/projector?code={code}")
    wait(projector, lambda d: text_of(d, "#join-code") == code, "the projector")

    type_into(host, "#k-broadcast", "Welcome to the harbour")
    click(host, "#b-say")
    for page in (ana, projector):
        wait(page, lambda d: "Welcome to the harbour" in text_of(d, "#announcement"), "message")

    console = host.current_url
    # the console goes away (an unload handler keeps the page out of the back-forward
    # cache, which would keep its connection open)
    host.execute_script("window.addEventListener('unload', () => {})")
    host.get("about:blank")
    for page in (ana, projector):
        wait(page, lambda d: "console is away" in text_of(d, "#facilitator-away"), "the notice")
    assert audit(projector) == [] and axe_violations(projector) == []
    host.get(console)
    for page in (ana, projector):
        wait(page, lambda d: not d.find_elements(By.ID, "facilitator-away"), "the console back")

    click(host, "#b-start")
    wait(host, lambda d: phase_is(d, "Briefing"), "the briefing")
    click(host, "#b-open")
    wait(ana, lambda d: screen(d) == "Decisions", "the decisions")
    click(ana, "#submit")
    wait(ana, lambda d: screen(d) == "Results", "the results")
    for page, captions in ((ana, ("Newspaper",)), (projector, ("Newspaper", "Leaderboard"))):
        for caption in captions:
            heads = wait(page, lambda d, c=caption: headings(d, c), f"the {caption} table")
            assert "Game score" in heads and "Score" not in heads
            if caption == "Newspaper":
                assert "Total costs" in heads and "Budget" not in heads

    host.execute_cdp_cmd(
        "Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)}
    )
    wait(host, lambda d: phase_is(d, "Results"), "the results on the console")
    assert audit(host) == [] and axe_violations(host) == []
    click(host, "#b-export")
    saved = tmp_path / f"students-{code}.csv"
    wait(host, lambda d: saved.exists() and saved.stat().st_size > 0, "the CSV file")
    with saved.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    with saved.open(newline="", encoding="utf-8") as handle:
        assert tuple(next(csv.reader(handle))) == STUDENT_COLUMNS
    assert len(rows) == 1
    row = rows[0]
    assert (row["student"], row["team"], row["teams_by_year"]) == ("Ana", "Harbour", "1 Harbour")
    assert (row["years_submitted"], row["submissions"], row["removed"]) == ("1", "1", "no")
    assert row["connected_count"] == "1" and row["player_id"]


def test_a_wound_up_team_sees_only_that_and_the_console_says_so(site, browser) -> None:
    host = browser()
    code = create_session(host, site, rounds=5)
    ana = browser()
    join(ana, site, code, "North", "Ana")
    click(host, "#b-start")
    wait(host, lambda d: phase_is(d, "Briefing"), "the briefing")
    click(host, "#b-open")
    wait(ana, lambda d: screen(d) == "Decisions", "the decisions")
    lines = ana.execute_script(
        """return [...document.querySelectorAll('[data-key^="budget."]')].map(
             (e) => e.dataset.key)"""
    )
    assert len(lines) >= 5
    for key in lines:  # far more than the cluster can pay: a standing policy
        set_field(ana, key, "120000")
    set_field(ana, "reserve_months", "0")  # no reserve holds the spending back
    set_field(ana, "staffing.hire_fte", "5")
    wait(ana, lambda d: "emergency loan" in text_of(d, "#forecast"), "the forecast's warning")
    for year in range(1, 6):
        if year > 1:
            wait(host, lambda d: phase_is(d, "Results"), "the results on the console")
            click(host, "#b-open")
            wait(ana, lambda d, y=year: f"year {y} of 5" in text_of(d, "#bar .info"), "a year")
        if ana.find_elements(By.ID, "wound-up"):
            break
        wait(ana, lambda d: screen(d) == "Decisions", "the decisions")
        click(ana, "#submit")
        wait(ana, lambda d: d.find_elements(By.CSS_SELECTOR, "#wound-up, table"), "the results")
    # a late message (a forecast, a timer) may redraw the page: read it again if so
    wait(ana, lambda d: "Wound up" in text_of(d, "#wound-up"), "the wound-up notice")
    wait(host, lambda d: "wound up" in text_of(d, "#teams"), "wound up on the console")
    for name in ("dashboard", "decisions", "canvas", "briefing"):
        ana.find_element(By.CSS_SELECTOR, f'nav.tabs button[data-screen="{name}"]').click()
        wait(ana, lambda d: "was wound up" in text_of(d, "#wound-up"), f"{name} wound up")
        assert not ana.find_elements(By.CSS_SELECTOR, "form.decisions, #submit"), name
    assert audit(ana) == [] and axe_violations(ana) == []
    ana.find_element(By.CSS_SELECTOR, 'nav.tabs button[data-screen="history"]').click()
    wait(ana, lambda d: d.find_elements(By.CSS_SELECTOR, "svg.chart"), "the history stays open")


def test_a_team_handed_to_a_computer_is_given_back_to_its_players(site, browser) -> None:
    host = browser()
    code = create_session(host, site, rounds=3)
    ana, dee = browser(), browser()
    join(ana, site, code, "North", "Ana")
    join(dee, site, code, "South", "Dee")  # the round waits for South meanwhile
    click(host, "#b-start")
    wait(host, lambda d: phase_is(d, "Briefing"), "the briefing")
    click(host, "#b-open")
    wait(ana, lambda d: screen(d) == "Decisions", "the decisions")
    north = "//table[@id='teams']//tr[th[normalize-space()='North']]"
    hand = f"{north}//button[normalize-space()='Hand to computer']"
    click_xpath(host, hand, "the hand-over button")
    wait(host, lambda d: "computer: " in text_of(d, "#teams"), "North computer-run")
    wait(ana, lambda d: "computer strategy" in text_of(d, "main"), "Ana told")
    assert not ana.find_elements(By.ID, "submit")
    give = f"{north}//button[normalize-space()='Give back to players']"
    click_xpath(host, give, "the give-back button")
    wait(host, lambda d: "computer: " not in text_of(d, "#teams"), "North back")
    wait(ana, lambda d: d.find_elements(By.ID, "submit"), "the decisions form back")
    click(ana, "#submit")
    click(dee, "#submit")
    wait(ana, lambda d: screen(d) == "Results", "the year played by its players")


def test_a_server_with_a_host_key_takes_sessions_only_with_it(tmp_path, browser) -> None:
    """The console asks for the key, says when it is missing or wrong, and takes it from
    /host#key=..., which it then removes from the address bar; the player page takes the
    server's code length."""
    from protocol.messages import CODE_LENGTH
    from tests.browser.conftest import ServerThread

    served = ServerThread(tmp_path / "key.db", host_key="class-key-2931")
    site = served.start()
    try:
        host = browser()
        host.get(f"{site}/host")
        key = wait(host, lambda d: d.find_element(By.ID, "c-host-key"), "the host key box")
        assert key.get_attribute("type") == "password"
        click(host, "form button[type=submit]")
        wait(host, lambda d: "needs its host key" in text_of(d, "form"), "the missing key")
        type_into(host, "#c-host-key", "not-the-key")
        click(host, "form button[type=submit]")
        wait(host, lambda d: "wrong host key" in text_of(d, "form"), "the wrong key refused")
        type_into(host, "#c-host-key", "class-key-2931")
        click(host, "form button[type=submit]")
        code = wait(host, lambda d: text_of(d, "#join-code"), "the join code")
        assert len(code) == CODE_LENGTH

        linked = browser()
        linked.get(f"{site}/host#key=class-key-2931")
        box = wait(linked, lambda d: d.find_element(By.ID, "c-host-key"), "the filled key box")
        assert box.get_attribute("value") == "class-key-2931"
        assert "key" not in linked.current_url  # out of the address bar
        click(linked, "form button[type=submit]")
        other = wait(linked, lambda d: text_of(d, "#join-code"), "the second join code")
        assert other != code

        player = browser()
        player.get(f"{site}/")
        box = wait(player, lambda d: d.find_element(By.ID, "join-code"), "the join form")
        wait(player, lambda d: box.get_attribute("maxlength") == str(CODE_LENGTH), "the length")
        join(player, site, code, "North", "Ana")
        wait(host, lambda d: "Ana" in text_of(d, "#teams"), "the player on the console")
    finally:
        served.stop()


def test_a_page_that_cannot_connect_waits_longer_each_time_and_says_so(killable, browser) -> None:
    """No tight reconnect loop: each failed attempt doubles the wait (with jitter), and
    the status line says why and when the page tries again."""
    import re

    first = killable[0]
    site = first.start()
    host = browser()
    code = create_session(host, site, rounds=2)
    projector = browser()
    projector.get(f"{site}/projector?code={code}")
    wait(projector, lambda d: text_of(d, "#status") == "Live", "the projector live")
    first.kill()

    def waits(d) -> int:
        found = re.search(r"trying again in (\d+) s", text_of(d, "#status"))
        return int(found.group(1)) if found else 0

    wait(projector, lambda d: waits(d) >= 1, "the first retry announced")
    assert "no connection to the server" in text_of(projector, "#status")
    wait(projector, lambda d: waits(d) >= 4, "a longer wait after a few failed attempts")
    again = ServerProcess(first.db, port=first.port)
    killable.append(again)
    again.start()
    wait(projector, lambda d: text_of(d, "#status") == "Live", "the projector back")
