import re

import pytest
from playwright.sync_api import expect

from core import roles
from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e


def test_login_with_a_wrong_password_shows_an_error(page, clerk):
    # given
    page.goto("/login/")

    # when
    page.locator("#id_username").fill(clerk.username)
    page.locator("#id_password").fill("not-the-password")
    page.locator("form.stacked button[type=submit]").click()

    # then
    expect(page.locator(".errorlist.nonfield li")).to_have_text(
        "Please enter a correct username and password. Note that both fields may be case-sensitive."
    )
    assert page.url.endswith("/login/")
    expect(page.locator("nav.apps")).to_have_count(0)


def test_clerk_logs_in_to_the_dashboard_with_the_navigation(page, clerk):
    # when
    login(page, clerk)

    # then
    expect(page.locator("h1")).to_have_text("Dashboard")
    expect(page.locator("nav.apps .app > span")).to_have_text(["Marketing", "Sales", "Invoicing"])
    expect(page.locator("header .user span")).to_have_text(clerk.username)


def test_every_navigation_link_opens_for_a_clerk(logged_in_page):
    # given
    page = logged_in_page(roles.SALES_CLERK)
    links = page.locator("nav.apps a")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]

    # when
    statuses = {href: page.request.get(href).status for href in hrefs}

    # then
    assert {"/marketing/", "/sales/", "/invoicing/"} <= {re.match(r"/[a-z]+/", href)[0] for href in hrefs}
    assert statuses == dict.fromkeys(hrefs, 200)


def test_switching_to_dutch_reloads_the_page_and_stays_dutch(logged_in_page, live_server):
    # given
    page = logged_in_page(roles.SALES_CLERK)
    expect(page.locator("html")).to_have_attribute("lang", "en")

    # when
    with page.expect_navigation():
        page.locator("select[name=language]").select_option("nl")

    # then
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    assert page.url == f"{live_server.url}/"
    page.locator("a.brand").click()
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.locator("select[name=language]")).to_have_value("nl")


def test_logout_returns_to_the_login_page_and_ends_the_session(logged_in_page):
    # given
    page = logged_in_page(roles.SALES_CLERK)

    # when
    page.get_by_role("button", name="Log out").click()

    # then
    page.wait_for_url(re.compile(r"/login/$"))
    page.goto("/")
    assert page.url.endswith("/login/?next=/")
    expect(page.locator("h1")).to_have_text("Log in")
