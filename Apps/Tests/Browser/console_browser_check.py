#!/usr/bin/env python3
"""Drives the Capture Tool console in headless Chromium (Debian `chromium` + `chromium-driver`, Selenium).

Usage: console_browser_check.py PORT
The service must be running on https://localhost:PORT with a fresh data folder (default password).
Exit status 0 when every check passed, 1 on a failed check, 77 when Selenium or Chromium is missing.
"""
import http.server
import shutil
import sys
import threading
import time

try:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.common.exceptions import WebDriverException
except ImportError:
    print("SKIP: selenium is not installed (pip install selenium)")
    sys.exit(77)

CHROMIUM = shutil.which("chromium")
DRIVER = shutil.which("chromedriver")
if not CHROMIUM or not DRIVER:
    print("SKIP: chromium or chromedriver missing (apt-get install chromium chromium-driver)")
    sys.exit(77)

PORT = int(sys.argv[1])
BASE = f"https://localhost:{PORT}"
STRONG = "Browser-Pass9"
failures = []


DRIVER_FOR_DIAGNOSIS = []


STARTED = time.time()


def check(condition, what):
    print(("ok   " if condition else "FAIL ") + what + f"  [{time.time() - STARTED:.1f} s]")
    if not condition:
        failures.append(what)
        if DRIVER_FOR_DIAGNOSIS:
            d = DRIVER_FOR_DIAGNOSIS[0]
            print("     at " + d.current_url + ": " + d.find_element(By.TAG_NAME, "body").text[:400].replace("\n", " | "))


def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--no-first-run", "--disable-background-networking", "--disable-component-update",
                     "--host-resolver-rules=MAP localhost 127.0.0.1"]:
        options.add_argument(argument)
    options.accept_insecure_certs = True  # the service's self-signed certificate
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    driver.set_page_load_timeout(30)
    return driver


def submit(driver, button):
    """Clicks a form's button and waits until the answer has replaced the page (so that the next step never
    cancels the submission): the old document carries a mark the new one lacks."""
    driver.execute_script("window.__optigoOldPage = true;")
    button.click()
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            if driver.execute_script(
                    "return window.__optigoOldPage === undefined && document.readyState === 'complete';"):
                return
        except WebDriverException:
            pass  # the page is being replaced
        time.sleep(0.05)
    raise TimeoutError("the form's answer never replaced the page")


def login(driver, user, password):
    driver.get(BASE + "/login")
    driver.find_element(By.NAME, "username").send_keys(user)
    driver.find_element(By.NAME, "password").send_keys(password)
    submit(driver, driver.find_element(By.CSS_SELECTOR, "form[action='/login'] button"))


def wait_for(driver, suffix):
    deadline = time.time() + 20
    while time.time() < deadline and not driver.current_url.endswith(suffix):
        time.sleep(0.1)


def logout(driver):
    submit(driver, driver.find_element(By.CSS_SELECTOR, "form[action='/logout'] button"))
    wait_for(driver, "/login")


def change_password(driver, current, new, bypass_client_hint=False):
    driver.get(BASE + "/change-password")
    if bypass_client_hint:  # the server's check is under test, not the browser's
        driver.execute_script(
            "document.querySelectorAll('input').forEach(function(i){i.removeAttribute('pattern');"
            "i.removeAttribute('minlength');});")
    driver.find_element(By.NAME, "current").send_keys(current)
    driver.find_element(By.NAME, "new").send_keys(new)
    driver.find_element(By.NAME, "confirm").send_keys(new)
    submit(driver, driver.find_element(By.CSS_SELECTOR, "form[action='/change-password'] button"))


class AttackerPage(http.server.BaseHTTPRequestHandler):
    """Another site (http://127.0.0.1:Q) whose page posts a form to the console."""
    def do_GET(self):
        body = (f"<html><body><form id='f' method='post' action='{BASE}/files/delete'>"
                "<input name='name' value='keep.pcap'><input name='csrf' value='guess'></form>"
                "<script>document.getElementById('f').submit()</script></body></html>").encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *arguments):
        pass


def main():
    driver = browser()
    DRIVER_FOR_DIAGNOSIS.append(driver)
    try:
        driver.get(BASE + "/")
        check(driver.current_url.endswith("/login"), "anonymous visit lands on the login page")

        for attempt in (1, 2):
            login(driver, "admin", "admin")
            check(driver.current_url.endswith("/change-password"),
                  f"login {attempt} with the default password lands on change-password")
            driver.get(BASE + "/console")
            check(driver.current_url.endswith("/change-password"),
                  f"console unreachable before the change (login {attempt})")
            logout(driver)

        login(driver, "admin", "admin")
        change_password(driver, "admin", "weakpassword", bypass_client_hint=True)
        text = driver.find_element(By.TAG_NAME, "body").text
        check("an upper-case letter" in text and "Password rule:" in text,
              "weak password refused by the server with the rule shown")
        check(driver.current_url.endswith("/change-password"), "weak password leaves the user on change-password")

        change_password(driver, "admin", STRONG)
        check("/console" in driver.current_url, "strong password accepted, console reached")

        cookies = {c["name"]: c for c in driver.get_cookies()}
        session = cookies.get("__Host-optigo-session")
        check(session is not None, "session cookie present")
        if session:
            check(session.get("secure") is True, "session cookie Secure")
            check(session.get("httpOnly") is True, "session cookie HttpOnly")
            check(session.get("sameSite") == "Strict", "session cookie SameSite=Strict")
        check(driver.execute_script("return document.cookie") == "", "no cookie readable by scripts")

        # A cross-site form post while logged in: refused.
        # Threaded: Chromium's preconnected idle sockets must not block the server's shutdown.
        http.server.ThreadingHTTPServer.daemon_threads = True
        attacker = http.server.ThreadingHTTPServer(("127.0.0.1", 0), AttackerPage)
        threading.Thread(target=attacker.serve_forever, daemon=True).start()
        driver.get(f"http://127.0.0.1:{attacker.server_address[1]}/")
        deadline = time.time() + 15
        while time.time() < deadline and "Refused" not in driver.find_element(By.TAG_NAME, "body").text:
            time.sleep(0.2)
        check("Refused: cross-site request" in driver.find_element(By.TAG_NAME, "body").text,
              "cross-site form post refused (CSRF)")
        attacker.shutdown()

        driver.get(BASE + "/console")
        logout(driver)
        login(driver, "admin", STRONG)
        check("/console" in driver.current_url, "login with the new password goes straight to the console")
        logout(driver)

        for attempt in range(1, 6):
            login(driver, "admin", f"Wrong-{attempt}x")
        login(driver, "admin", STRONG)
        text = driver.find_element(By.TAG_NAME, "body").text
        check("locked" in text and driver.current_url.endswith("/login"),
              "6th attempt after 5 failures refused while locked")
    finally:
        driver.quit()
    print(f"browser checks: {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
