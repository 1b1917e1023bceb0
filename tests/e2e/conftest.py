"""Browser tests: Playwright (sync API) drives Debian's Chromium against pytest-django's live server.

`make test` installs Chromium (`/usr/bin/chromium`); Playwright never downloads a browser of its own.
Every test here gets a real server thread and a transactional database that is restored to its migrated
contents (roles, tax codes, ledger accounts, number series) before each test, so tests can rely on them.

Fixtures and helpers:

``browser``
    One headless Chromium for all tests in this folder (Playwright starts it with a new, empty profile).
``page``
    A new browser context (own cookies, language ``en``) and page per test. Its ``base_url`` is the live
    server, so ``page.goto("/sales/orders/")`` works; default timeout 10 s.
``login(page, user, password=PASSWORD)``
    Logs ``user`` in through the real login form and waits until the browser has left the login page.
    Users made with ``tests.factories.users.user_with_role`` have the password ``PASSWORD``.
``logged_in_page(role)``
    Factory fixture: creates a user in the role's group (``core.roles.SALES_CLERK`` …), logs it in through
    the login form and returns ``page``; the user is at ``page.user``.

Example::

    @pytest.mark.e2e
    def test_clerk_sees_orders(logged_in_page):
        page = logged_in_page(roles.SALES_CLERK)
        page.get_by_role("link", name="Sales orders").click()
        expect(page.locator("h1")).to_have_text("Sales orders")

Mark every test in this folder ``@pytest.mark.e2e`` (``pytest -m e2e`` runs only these,
``pytest -m "not e2e"`` everything else).
"""

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.db import connections
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.factories.users import user_with_role

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # No calls home: on a machine without internet each refused connection costs time.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "pw-123456"
TIMEOUT_MS = 10_000


# Package scope: Playwright's event loop must be stopped again before the tests outside this folder run.
@pytest.fixture(scope="package")
def browser(django_db_setup) -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"Browser tests need Debian's Chromium at {CHROMIUM}: run `make test` (it installs it), "
            "or `apt-get install chromium`.",
            pytrace=False,
        )
    snapshots = {
        alias: connections[alias]._test_serialized_contents
        for alias in connections
        if hasattr(connections[alias], "_test_serialized_contents")
    }
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        # Playwright's sync API keeps an event loop running in this thread; Django would then refuse ORM
        # calls made by the test itself (creating users, checking results) as if they came from async code.
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        # For the same reason asgiref sees this thread as async, and Django hands out a second set of
        # connection objects. They lack the snapshot of the migrated data that serialized rollback
        # restores before each test: give it to them, or every test after the first starts empty.
        for alias, contents in snapshots.items():
            connections[alias]._test_serialized_contents = contents
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser, live_server, django_db_serialized_rollback) -> Iterator[Page]:
    context = browser.new_context(base_url=live_server.url, locale="en-US")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    # The Content-Security-Policy is enforced in tests too: anything it blocks (an inline script, handler or style,
    # an eval) fails the test that met it.
    blocked = []
    page.on("console", lambda message: "Content Security Policy" in message.text and blocked.append(message.text))
    yield page
    context.close()
    assert not blocked, "The Content-Security-Policy blocked: " + " | ".join(blocked)


def login(page: Page, user: User, password: str = PASSWORD) -> Page:
    page.goto("/login/")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(password)
    page.locator("form.stacked button[type=submit]").click()
    page.wait_for_url(lambda url: "/login/" not in url)
    return page


def choose(page: Page, selector: str, typed: str, label: str) -> None:
    """Pick a record in a type-ahead field (core.widgets): type ``typed``, wait for the suggestion ``label`` and
    take the highlighted first suggestion with Enter."""
    field = page.locator(selector)
    field.fill(typed)
    listbox = page.locator(f"#{field.get_attribute('aria-controls')}")
    expect(listbox.get_by_role("option").first).to_have_text(label)
    field.press("Enter")
    expect(field).to_have_value(label)


@pytest.fixture
def logged_in_page(page: Page) -> Callable[[str], Page]:
    def open_as(role: str) -> Page:
        user = user_with_role(role)
        login(page, user)
        page.user = user
        return page

    return open_as


@pytest.fixture
def other_page(browser: Browser, live_server, page: Page) -> Iterator[Callable[[], Page]]:
    """Factory fixture: a page in a browser context of its own (no cookies shared with ``page``), as if someone
    else opened the site on another computer. Depends on ``page`` so the database is reset before both."""
    contexts = []

    def open_page() -> Page:
        context = browser.new_context(base_url=live_server.url, locale="en-US")
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()
