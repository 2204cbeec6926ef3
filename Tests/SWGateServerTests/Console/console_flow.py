#!/usr/bin/env python3
"""Drives the SWGate operator console in headless Chromium (Selenium), as an operator would.

Started by ConsoleBrowserTests.swift against a running gateway with a dead delivery to `nsw`.
Prints one JSON object on its last line: {"ok": true, "steps": [...]} or {"ok": false, "error": ...}.
Every wait is bounded; the Swift test bounds the whole run as well.
"""
import argparse
import json
import os
import sys
import tempfile
import time
import traceback

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

steps = []


def step(name):
    steps.append(name)
    print("step:", name, flush=True)


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--operator", required=True, help="name:password of an operator")
    parser.add_argument("--viewer", required=True, help="name:password of a viewer")
    parser.add_argument("--reference", required=True, help="the C/O reference of the dead message")
    parser.add_argument("--screenshots", required=True)
    parser.add_argument("--forbidden", action="append", default=[], help="text that must never appear in a page")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--chromedriver", default="/usr/bin/chromedriver")
    args = parser.parse_args()
    os.makedirs(args.screenshots, exist_ok=True)
    operator_name, operator_password = args.operator.split(":", 1)
    viewer_name, viewer_password = args.viewer.split(":", 1)

    options = webdriver.ChromeOptions()
    options.binary_location = args.chromium
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,900",
                 "--no-first-run", "--disable-extensions", "--lang=en-US"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(args.chromedriver), options=options)
    driver.set_page_load_timeout(30)
    driver.set_script_timeout(10)
    sources = []

    def go(path):
        driver.get(args.base + path)
        sources.append(driver.page_source)

    def shot(name, directory=None):
        """The whole page: the window is made as tall as the page (bounded), then restored."""
        size = driver.get_window_size()
        height = driver.execute_script("return document.documentElement.scrollHeight")
        driver.set_window_size(size["width"], min(max(height + 140, 600), 3000))
        driver.save_screenshot(os.path.join(directory or args.screenshots, name + ".png"))
        driver.set_window_size(size["width"], size["height"])

    def text(selector):
        return driver.find_element(By.CSS_SELECTOR, selector).text

    def replaced(element):
        """True once `element` no longer belongs to the current page. While the page is being
        replaced, Chromium sometimes answers for the old node with an inspector error ("Node with
        given id does not belong to the document") instead of a stale reference; both mean gone."""
        def predicate(_):
            try:
                element.is_enabled()
                return False
            except StaleElementReferenceException:
                return True
            except WebDriverException as error:
                if "does not belong to the document" in str(error):
                    return True
                raise
        return predicate

    def navigating(action):
        """Runs `action`, which leaves the page, and waits (bounded) until the next page has loaded."""
        old = driver.find_element(By.TAG_NAME, "html")
        action()
        WebDriverWait(driver, 15).until(replaced(old))
        WebDriverWait(driver, 15).until(lambda d: d.execute_script("return document.readyState") == "complete")
        sources.append(driver.page_source)

    def click(selector):
        navigating(lambda: driver.find_element(By.CSS_SELECTOR, selector).click())

    def sign_in(name, password):
        go("/console/sign-in")
        driver.find_element(By.ID, "name").send_keys(name)
        driver.find_element(By.ID, "password").send_keys(password)
        click("#sign-in")

    def post_form(action, fields):
        """Submits a form built in the page (no fetch: the console's CSP forbids connections)."""
        navigating(lambda: driver.execute_script(
            """
            const form = document.createElement('form');
            form.method = 'post'; form.action = arguments[0];
            for (const [name, value] of arguments[1]) {
              const input = document.createElement('input');
              input.type = 'hidden'; input.name = name; input.value = value; form.appendChild(input);
            }
            document.body.appendChild(form); form.submit();
            """, action, fields))

    try:
        # Without a session: pages send the browser to sign-in, and a POST is refused.
        go("/console/")
        check("/console/sign-in" in driver.current_url, "no session: expected the sign-in page, got " + driver.current_url)
        shot("sign-in")
        post_form("/console/replay", [["scope", "selection"], ["id", "anything"]])
        check("Sign in first" in driver.page_source, "no session: a POST to /console/replay was not refused")
        step("refused without a session")

        sign_in(operator_name, "wrong password")
        check("Wrong operator name or password" in driver.page_source, "a wrong password was not refused")
        sign_in(operator_name, operator_password)
        check(driver.current_url.rstrip("/").endswith("/console"), "sign-in did not reach the dashboard: " + driver.current_url)
        check(operator_name in text("#operator"), "the operator's name is not shown")
        dead = int(text("#state-dead .n"))
        check(dead >= 1, "the dashboard shows no dead delivery")
        shot("dashboard")
        step("signed in; the dashboard shows %d dead" % dead)

        # Find the dead message: search by reference and state.
        go("/console/messages")
        driver.find_element(By.ID, "q-reference").send_keys(args.reference)
        Select(driver.find_element(By.ID, "q-state")).select_by_value("dead")
        click("#search-button")
        rows = driver.find_elements(By.CSS_SELECTOR, "#results tbody tr")
        check(len(rows) == 1, "expected one dead delivery for the reference, found %d" % len(rows))
        shot("search")
        link = rows[0].find_element(By.CSS_SELECTOR, "a")
        message_id = link.text
        navigating(link.click)
        check(message_id in text("#message-id"), "the message page shows another message")
        check("dead" in text("#delivery-nsw"), "the nsw delivery is not dead on the message page")
        check(len(driver.find_elements(By.CSS_SELECTOR, "#story tbody tr")) >= 2, "the message's story is missing")
        shot("message")
        step("found the dead message " + message_id)

        # Without the CSRF token the replay is refused.
        driver.execute_script("document.querySelectorAll('form[action=\"/console/replay\"] input[name=csrf]').forEach(e => e.remove())")
        click("#replay")
        check("Refused" in driver.page_source and "security token" in driver.page_source, "a replay without CSRF token was not refused")
        step("refused without the CSRF token")

        # Dry run, then confirm.
        go("/console/messages/" + message_id)
        click("#replay")
        check("1 delivery would be re-sent" in text("#dry-run"), "dry run: " + text("#dry-run"))
        shot("replay-dry-run")
        go("/console/messages/" + message_id)
        check("dead" in text("#delivery-nsw"), "the dry run changed the delivery")
        click("#replay")
        click("#confirm-replay")
        check("Replayed 1 delivery" in text("#replay-result"), "replay: " + text("#replay-result"))
        shot("replay-done")
        step("dry-ran and replayed")

        # Watch it delivered.
        deadline = time.time() + 30
        delivered = False
        while time.time() < deadline:
            go("/console/messages/" + message_id)
            if "delivered" in text("#delivery-nsw"):
                delivered = True
                break
            time.sleep(0.5)
        check(delivered, "the replayed delivery was not delivered within 30 s")
        story = text("#story")
        check("replayed" in story and operator_name in story, "the story does not show the replay by the operator")
        shot("message-delivered")
        step("watched it delivered")

        # Audit: by operator, then verify the chain.
        go("/console/audit?actor=" + operator_name)
        check("replayed" in text("#audit"), "the audit view does not list the operator's replay")
        check("signed-in" in text("#audit"), "the audit view does not list the operator's sign-in")
        click("#verify-chain")
        check("intact" in text("#verification"), "verification: " + text("#verification"))
        check("audit-verified" in text("#audit"), "the audit view does not list the verification just run")
        shot("audit")
        step("verified the audit chain")

        # Vietnamese labels, chosen for the session in the footer; values stay as stored.
        go("/console/")
        Select(driver.find_element(By.ID, "language")).select_by_value("vi")
        click("#apply-preferences")
        check("Tổng quan" in driver.find_element(By.TAG_NAME, "nav").text, "the labels did not switch to Vietnamese")
        shot("dashboard-vi")
        Select(driver.find_element(By.ID, "language")).select_by_value("en")
        click("#apply-preferences")
        check("Dashboard" in driver.find_element(By.TAG_NAME, "nav").text, "the labels did not switch back to English")
        step("switched the labels to Vietnamese and back")

        # The same pages on a phone.
        driver.set_window_size(390, 844)
        go("/console/")
        shot("dashboard-phone")
        go("/console/messages/" + message_id)
        shot("message-phone")
        driver.set_window_size(1280, 900)

        session_cookie = (driver.get_cookie("swgate_console") or {}).get("value", "")
        check(len(session_cookie) >= 32, "no session cookie")
        cookie = driver.get_cookie("swgate_console")
        check(cookie.get("httpOnly") is True and cookie.get("sameSite") == "Strict", "session cookie flags: %r" % cookie)

        click("#sign-out")
        check("/console/sign-in" in driver.current_url, "sign-out did not return to sign-in")
        go("/console/")
        check("/console/sign-in" in driver.current_url, "after sign-out the dashboard still opened")
        step("signed out")

        # A viewer sees no replay button, and a replay posted with a valid token is refused.
        sign_in(viewer_name, viewer_password)
        go("/console/messages/" + message_id)
        check(not driver.find_elements(By.ID, "replay"), "a viewer sees a replay button")
        token = driver.find_element(By.CSS_SELECTOR, "input[name=csrf]").get_attribute("value")
        post_form("/console/replay", [["csrf", token], ["scope", "selection"], ["id", message_id], ["confirm", "yes"]])
        check("Not allowed" in driver.page_source, "a viewer's replay was not refused")
        click("#sign-out")
        step("a viewer cannot replay")

        for secret in args.forbidden + [session_cookie]:
            for source in sources:
                check(secret not in source, "a secret appears in a page")
        step("no secret in %d pages" % len(sources))
        print(json.dumps({"ok": True, "steps": steps}))
        return 0
    except Exception as error:  # noqa: BLE001 - reported to the Swift test
        try:
            shot("swgate-console-failure", tempfile.gettempdir())
            print("screenshot of the failure:", os.path.join(tempfile.gettempdir(), "swgate-console-failure.png"))
        except Exception:
            pass
        traceback.print_exc()
        print(json.dumps({"ok": False, "steps": steps, "error": str(error), "url": driver.current_url}))
        return 1
    finally:
        driver.quit()


if __name__ == "__main__":
    sys.exit(main())
