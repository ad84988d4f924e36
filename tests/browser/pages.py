"""What the browser tests do on the pages: a facilitator, players and a projector."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from selenium.common.exceptions import (
    ElementNotInteractableException,
    StaleElementReferenceException,
)
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

from tests.browser.conftest import WAIT


def wait(driver: Any, condition: Any, what: str) -> Any:
    """Wait for ``condition(driver)`` to be truthy; fail naming ``what`` otherwise."""

    def check(d: Any) -> Any:
        try:
            return condition(d)
        except StaleElementReferenceException:
            return False

    return WebDriverWait(driver, WAIT).until(check, f"waited for {what}")


def text_of(driver: Any, css: str) -> str:
    found = driver.find_elements(By.CSS_SELECTOR, css)
    return found[0].text if found else ""


def click(driver: Any, css: str) -> None:
    """Click the first enabled match of ``css``, again if the page redrew it meanwhile."""

    def clicked(d: Any) -> bool:
        button = next((b for b in d.find_elements(By.CSS_SELECTOR, css) if b.is_enabled()), None)
        if button is None:
            return False
        d.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
        button.click()
        return True

    wait(driver, clicked, f"{css} to be enabled and clicked")


def click_xpath(driver: Any, xpath: str, what: str) -> None:
    """Click the first match of ``xpath``, found anew if the page redrew it meanwhile."""

    def clicked(d: Any) -> bool:
        found = d.find_elements(By.XPATH, xpath)
        if not found:
            return False
        found[0].click()
        return True

    wait(driver, clicked, f"{what} clicked")


def type_into(driver: Any, css: str, text: str) -> None:
    """Type ``text`` into a box of a page that redraws itself (the console does, every
    150 ms, keeping values): again with the box found anew if the page replaced it."""

    def typed(d: Any) -> bool:
        try:
            box = d.find_element(By.CSS_SELECTOR, css)
            box.clear()
            box.send_keys(text)
            return d.find_element(By.CSS_SELECTOR, css).get_attribute("value") == text
        except (StaleElementReferenceException, ElementNotInteractableException):
            return False  # replaced or not yet shown while the page redrew: try again

    wait(driver, typed, f"{text!r} typed into {css}")


def set_field(driver: Any, key: str, value: str) -> None:
    """Type a value into a decision field (``staffing.hire_fte``) and leave it."""
    box = wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, f'[data-key="{key}"] input'), key)
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", box)
    box.click()
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(value)
    box.send_keys(Keys.TAB)


def field_value(driver: Any, key: str) -> str:
    found = driver.find_elements(By.CSS_SELECTOR, f'[data-key="{key}"] input')
    return found[0].get_attribute("value") if found else ""


def field_problem(driver: Any, key: str) -> str:
    found = driver.find_elements(By.CSS_SELECTOR, f'[data-key="{key}"] .problem')
    return found[0].get_attribute("textContent") if found else ""


# ------------------------------------------------------------ facilitator


def create_session(driver: Any, site: str, scenario: str = "grow", rounds: int = 2) -> str:
    """Create a session on the facilitator page; return its join code."""
    driver.get(f"{site}/host")
    choice = f'#c-scenario option[value="{scenario}"]'
    wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, choice), f"the scenario {scenario}")
    Select(driver.find_element(By.ID, "c-scenario")).select_by_value(scenario)
    years = driver.find_element(By.ID, "c-rounds")
    years.clear()
    years.send_keys(str(rounds))
    driver.find_element(By.ID, "c-seed").send_keys("7")
    driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    return wait(driver, lambda d: text_of(d, "#join-code"), "the join code")


def add_bot(driver: Any, team: str, strategy: str = "member_first") -> None:
    name = wait(driver, lambda d: d.find_element(By.ID, "k-bot-name"), "the bot form")
    name.send_keys(team)
    Select(driver.find_element(By.ID, "k-bot-strategy")).select_by_value(strategy)
    click(driver, "#b-bot")
    wait(driver, lambda d: team in text_of(d, "#teams"), f"{team} in the teams")


def phase_is(driver: Any, words: str) -> bool:
    return words in text_of(driver, "#k-phase")


# ------------------------------------------------------------ players


def join(driver: Any, site: str, code: str, team: str, name: str) -> None:
    driver.get(f"{site}/?code={code}")
    wait(driver, lambda d: d.find_element(By.ID, "join-team"), "the join form").send_keys(team)
    driver.find_element(By.ID, "join-name").send_keys(name)
    driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    seated = team.lower()
    wait(driver, lambda d: seated in text_of(d, "#bar .info").lower(), f"{name} seated in {team}")


def screen(driver: Any) -> str:
    return text_of(driver, "#screen-title")


def open_screen(driver: Any, name: str) -> None:
    click(driver, f'nav.tabs button[data-screen="{name}"]')
    wait(driver, lambda d: d.find_elements(By.ID, "screen-title"), name)


# ------------------------------------------------------------ accessibility

AUDIT = """
const problems = [];
const name = (e) => (e.getAttribute('aria-label') || e.textContent || e.value || '').trim();
if (!document.documentElement.lang) problems.push('the page has no lang');
if (!document.title.trim()) problems.push('the page has no title');
if (document.querySelectorAll('h1').length !== 1) problems.push('not exactly one h1');
for (const e of document.querySelectorAll('input, select, textarea')) {
  if (e.type === 'hidden' || e.closest('[hidden]')) continue;
  if (!e.labels?.length && !e.getAttribute('aria-label') && !e.getAttribute('aria-labelledby'))
    problems.push(`unlabelled ${e.tagName.toLowerCase()} ${e.id || e.name}`);
}
for (const e of document.querySelectorAll('button, a[href]'))
  if (!name(e)) problems.push(`a ${e.tagName.toLowerCase()} without a name`);
for (const e of document.querySelectorAll('img'))
  if (!e.hasAttribute('alt')) problems.push(`an image without alt: ${e.src}`);
for (const e of document.querySelectorAll('svg[role="img"]'))
  if (!e.getAttribute('aria-label')) problems.push('a chart without a label');
const ids = [...document.querySelectorAll('[id]')].map((e) => e.id);
for (const id of new Set(ids.filter((id, i) => ids.indexOf(id) !== i)))
  problems.push(`duplicate id ${id}`);
for (const e of document.querySelectorAll('[aria-describedby], [aria-labelledby]'))
  for (const attr of ['aria-describedby', 'aria-labelledby'])
    for (const ref of (e.getAttribute(attr) || '').split(/\\s+/).filter(Boolean))
      if (!document.getElementById(ref)) problems.push(`${attr} names a missing #${ref}`);
for (const e of document.querySelectorAll('th, td, label, button, p, li, h1, h2, h3, a')) {
  const style = getComputedStyle(e);
  if (!e.offsetParent || !e.textContent.trim()) continue;
  if (parseFloat(style.fontSize) < 11)
    problems.push(`text under 11px: ${e.textContent.slice(0, 30)}`);
}
return problems;
"""


def audit(driver: Any) -> list[str]:
    """Check the page for the accessibility basics: names, labels, references, one h1."""
    return driver.execute_script(AUDIT)


AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
RUN_AXE = """
const done = arguments[arguments.length - 1];
axe.run(document, {resultTypes: ['violations']})
  .then((r) => done(r.violations.map((v) => ({id: v.id, impact: v.impact,
      help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' '))}))))
  .catch((e) => done([{id: 'axe-error', impact: 'critical', help: String(e), nodes: []}]));
"""


def axe_violations(driver: Any) -> list[dict[str, Any]]:
    """Run axe-core (vendored, tests/browser/vendor) on the page; return its serious and
    critical violations, each with the rule, what it asks for and the first elements."""
    if not driver.execute_script("return typeof axe !== 'undefined'"):
        driver.execute_script(AXE)
    driver.set_script_timeout(60)
    found = driver.execute_async_script(RUN_AXE)
    return [v for v in found if v["impact"] in ("serious", "critical")]
