"""Drives the agent-server dashboard in headless Chromium (Debian's, not a downloaded one) with Playwright.

Checks: the page loads (after entering a token), a run triggered from the page appears in the runs table
through the live WebSocket update (no reload), its detail opens with its log tail, and a screenshot is saved.
Every wait has a deadline; on failure a screenshot of the failing state is saved beside the requested one.
"""

import argparse
import sys

from playwright.sync_api import expect, sync_playwright

DEADLINE_MS = 20_000


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--chromium", required=True)
    parser.add_argument("--screenshot", required=True)
    arguments = parser.parse_args()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=arguments.chromium, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            failures = []
            page.on("pageerror", lambda error: failures.append(str(error)))
            page.on(
                "request",
                lambda request: failures.append("external request " + request.url)
                if not request.url.startswith(arguments.base) and not request.url.startswith("ws://127.0.0.1")
                else None,
            )
            try:
                run(page, arguments)
            except Exception:
                page.screenshot(path=arguments.screenshot.replace(".png", "-failure.png"), full_page=True)
                raise
            if failures:
                print("dashboard problems: " + "; ".join(failures), file=sys.stderr)
                return 1
        finally:
            browser.close()
    return 0


def run(page, arguments) -> None:
    page.goto(arguments.base + "/", timeout=DEADLINE_MS)
    # The server requires a token: the page asks for one.
    expect(page.locator("#login")).to_be_visible(timeout=DEADLINE_MS)
    page.fill("#token", arguments.token)
    page.click("#login-form button")
    expect(page.locator("#app")).to_be_visible(timeout=DEADLINE_MS)
    expect(page.locator("#connection")).to_have_text("live", timeout=DEADLINE_MS)
    hello = page.locator('#agents tr[data-agent="hello"]')
    expect(hello).to_be_visible(timeout=DEADLINE_MS)
    # The operate token sees the actions.
    run_now = hello.locator('button[data-action="run"]')
    expect(run_now).to_be_visible(timeout=DEADLINE_MS)
    before = set(page.locator("#runs tbody tr").evaluate_all("rows => rows.map(r => r.dataset.run)"))
    # The page triggers the run over the API and does not reload the table itself: the new row can only come
    # from the live WebSocket update.
    run_now.click()
    # A hello row that was not there before the click (schemathesis ran hello too), succeeded.
    find_new = """(before) => {
      const row = [...document.querySelectorAll('#runs tbody tr')].find((r) => !before.includes(r.dataset.run)
        && r.textContent.includes('hello') && r.textContent.includes('succeeded'));
      return row ? row.dataset.run : null;
    }"""
    page.wait_for_function(find_new, arg=sorted(before), timeout=DEADLINE_MS)
    run_id = page.evaluate(find_new, sorted(before))
    assert run_id, "no new run appeared"
    new_row = page.locator(f'#runs tbody tr[data-run="{run_id}"]')
    events = page.locator("#events li").filter(has_text="runSucceeded")
    expect(events.first).to_be_visible(timeout=DEADLINE_MS)
    # Live updates can be paused.
    page.uncheck("#live")
    page.check("#live")
    new_row.click()
    expect(page.locator("#detail")).to_be_visible(timeout=DEADLINE_MS)
    expect(page.locator("#detail-id")).to_have_text(run_id, timeout=DEADLINE_MS)
    expect(page.locator("#detail-log")).to_contain_text("hello from " + run_id, timeout=DEADLINE_MS)
    page.screenshot(path=arguments.screenshot, full_page=True)


if __name__ == "__main__":
    sys.exit(main())
