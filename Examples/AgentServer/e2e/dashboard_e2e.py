"""Drives the agent-server dashboard in headless Chromium (Debian's, not a downloaded one) with Playwright.

Checks: the page loads (after entering a token), a run triggered from the page appears in the runs table
through the live WebSocket update (no reload), its detail opens with its log tail, the agents' sparklines draw
their recent runs, and a screenshot is saved. Then approvals: a run of `proposer` triggered from the page appears
live in the approvals queue without decision buttons for the operate token; in a second tab an approve token
approves it from the page, the queue empties and the run ends succeeded; a second screenshot is saved.
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
    parser.add_argument("--approve-token", required=True)
    parser.add_argument("--chromium", required=True)
    parser.add_argument("--screenshot", required=True)
    arguments = parser.parse_args()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=arguments.chromium, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            failures = []
            page = new_page(browser, arguments, failures)
            approver = None
            try:
                run(page, arguments)
                approver = new_page(browser, arguments, failures)
                approvals(page, approver, arguments)
            except Exception:
                page.screenshot(path=arguments.screenshot.replace(".png", "-failure.png"), full_page=True)
                if approver is not None:
                    approver.screenshot(
                        path=arguments.screenshot.replace(".png", "-approvals-failure.png"), full_page=True
                    )
                raise
            if failures:
                print("dashboard problems: " + "; ".join(failures), file=sys.stderr)
                return 1
        finally:
            browser.close()
    return 0


def new_page(browser, arguments, failures):
    """A tab of its own (its own sessionStorage, so its own token) whose errors and external requests are failures."""
    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    page.on("pageerror", lambda error: failures.append(str(error)))
    page.on(
        "request",
        lambda request: failures.append("external request " + request.url)
        if not request.url.startswith(arguments.base) and not request.url.startswith("ws://127.0.0.1")
        else None,
    )
    return page


def sign_in(page, arguments, token) -> None:
    page.goto(arguments.base + "/", timeout=DEADLINE_MS)
    # The server requires a token: the page asks for one.
    expect(page.locator("#login")).to_be_visible(timeout=DEADLINE_MS)
    page.fill("#token", token)
    page.click("#login-form button")
    expect(page.locator("#app")).to_be_visible(timeout=DEADLINE_MS)
    expect(page.locator("#connection")).to_have_text("live", timeout=DEADLINE_MS)


def run(page, arguments) -> None:
    sign_in(page, arguments, arguments.token)
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
    # The sparkline draws hello's recent runs, the new one last.
    bars = hello.locator("svg.spark rect")
    expect(bars.last).to_have_attribute("data-status", "succeeded", timeout=DEADLINE_MS)
    assert bars.last.bounding_box()["height"] > 0, "the sparkline's bars have no height"
    page.screenshot(path=arguments.screenshot, full_page=True)


def approvals(page, approver, arguments) -> None:
    # The operate token triggers a proposal; its request appears in the queue live, without decision buttons.
    queue_rows = "rows => rows.map(r => r.dataset.run)"
    before = page.locator("#approvals tbody tr").evaluate_all(queue_rows)
    page.locator('#agents tr[data-agent="proposer"] button[data-action="run"]').click()
    find_new = """(before) => {
      const row = [...document.querySelectorAll('#approvals tbody tr')].find((r) => !before.includes(r.dataset.run));
      return row ? row.dataset.run : null;
    }"""
    page.wait_for_function(find_new, arg=before, timeout=DEADLINE_MS)
    run_id = page.evaluate(find_new, before)
    row = page.locator(f'#approvals tbody tr[data-run="{run_id}"]')
    expect(row).to_contain_text("proposer")
    expect(row.locator('a[href="https://example.test/pull/7"]')).to_be_visible(timeout=DEADLINE_MS)
    expect(row.locator('button[data-action="approve"]')).to_have_count(0)
    expect(page.locator("#approvals th.approve")).to_be_hidden()
    # The approve token sees the decision buttons, and no run-now (its role does not operate).
    sign_in(approver, arguments, arguments.approve_token)
    pending = approver.locator(f'#approvals tbody tr[data-run="{run_id}"]')
    expect(pending).to_be_visible(timeout=DEADLINE_MS)
    expect(approver.locator('#agents button[data-action="run"]')).to_have_count(0)
    pending.locator('button[data-action="approve"]').click()
    expect(approver.locator("#decision")).to_be_visible(timeout=DEADLINE_MS)
    approver.fill("#decision-approver", "e2e-approver")
    approver.fill("#decision-comment", "looks good")
    approver.click("#decision-confirm")
    expect(pending).to_have_count(0, timeout=DEADLINE_MS)
    expect(approver.locator("#decision")).to_be_hidden()
    # The decision reaches the operate tab live too, and the run ended succeeded.
    expect(row).to_have_count(0, timeout=DEADLINE_MS)
    # A fragment-only navigation keeps the document: load the page again so it opens the run from its address.
    approver.goto(arguments.base + "/#run/" + run_id, timeout=DEADLINE_MS)
    approver.reload(timeout=DEADLINE_MS)
    expect(approver.locator("#detail-id")).to_have_text(run_id, timeout=DEADLINE_MS)
    expect(approver.locator("#detail-fields dd.status-succeeded")).to_have_text("succeeded", timeout=DEADLINE_MS)
    approver.screenshot(path=arguments.screenshot.replace(".png", "-approvals.png"), full_page=True)


if __name__ == "__main__":
    sys.exit(main())
