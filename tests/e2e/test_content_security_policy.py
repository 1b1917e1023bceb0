"""Pages work under the enforced Content-Security-Policy (the ``page`` fixture fails a test on any violation)."""

import pytest
from playwright.sync_api import expect

from core import roles
from tests.e2e.conftest import PASSWORD, login
from tests.factories.marketing import OpportunityFactory
from tests.factories.users import user_with_role

pytestmark = pytest.mark.e2e


def test_the_language_choice_submits_itself_without_an_inline_handler(logged_in_page):
    # given
    page = logged_in_page(roles.SALES_CLERK)

    # when
    page.locator("header select[name=language]").select_option("nl")

    # then
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.locator("h1")).to_have_text("Dashboard")


def test_bars_get_their_width_from_the_page_script(logged_in_page):
    # given: one open opportunity, so its stage has the widest bar
    OpportunityFactory()
    page = logged_in_page(roles.SALES_MANAGER)

    # then: every bar the dashboard draws has the width its data-width names
    bars = page.locator(".pipeline-chart .bar[data-width]")
    widths = [bars.nth(index).evaluate("bar => [bar.dataset.width, bar.style.width]") for index in range(bars.count())]
    assert ["100", "100%"] in widths
    assert all(style == f"{data}%" for data, style in widths)


def test_the_api_documentation_renders_for_a_signed_in_user(page, integrator):
    # given: integrators have no page access, but the API documentation is theirs too
    manager = user_with_role(roles.SALES_MANAGER, username="docs_reader")
    login(page, manager)

    # when
    page.goto("/api/docs/")

    # then: Swagger UI started from its own script URL and read the schema
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("salesflow API")
    expect(page.get_by_role("button", name="GET /api/v1/activities/", exact=True)).to_be_visible()


def test_a_locked_out_login_says_why_and_for_how_long(page, clerk):
    # given
    page.goto("/login/")
    for attempt in range(10):
        page.locator("#id_username").fill(clerk.username)
        page.locator("#id_password").fill(f"guess-{attempt}")
        page.locator("form.stacked button[type=submit]").click()
        page.wait_for_load_state()

    # when: the right password now
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form.stacked button[type=submit]").click()

    # then
    expect(page.locator(".errorlist.nonfield[role=alert] li")).to_have_text(
        "Too many failed attempts to log in with this username from your address. Try again in 15 minutes."
    )
    expect(page.locator("#id_username")).to_have_value(clerk.username)
    expect(page.locator("nav.apps")).to_have_count(0)
