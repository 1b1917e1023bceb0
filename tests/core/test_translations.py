"""Dutch and Swedish: domain messages follow the active language, pages follow the user's choice, and the
committed catalogues are complete and compiled (no machine needs gettext at run time)."""

import gettext
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from core.errors import TransitionRefused, ValidationFailed
from salesapp.selectors.orders import order_progress
from salesapp.services.orders import OrderLineInput, order_confirm, order_create, order_line_remove
from tests.factories.salesapp import ItemFactory, make_customer, make_order

LOCALE_DIR = Path(settings.LOCALE_PATHS[0])
LANGUAGES = ("nl", "sv")
PLACEHOLDER = re.compile(r"%(?:\(\w+\))?[sd%]")


# --- domain messages ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("nl", "Order {number} heeft de status Bevestigd: alleen open orders kunnen worden bevestigd."),
        ("sv", "Order {number} har status Bekräftad: endast öppna order kan bekräftas."),
        ("en", "Order {number} is Confirmed: only open orders can be confirmed."),
    ],
)
def test_refusal_reason_is_in_the_active_language(clerk, language, expected):
    # given: an order that is already confirmed
    order = order_confirm(order=make_order(by=clerk), by=clerk)

    # when
    with translation.override(language), pytest.raises(TransitionRefused) as refused:
        order_confirm(order=order, by=clerk)

    # then: the reason is translated, the machine code is not
    assert refused.value.reason == expected.format(number=order.number)
    assert refused.value.code == "order-not-confirmable"


def test_validation_messages_are_translated_but_field_keys_are_not(clerk):
    # given
    customer = make_customer()
    item = ItemFactory(number="A-100")

    # when
    with translation.override("nl"), pytest.raises(ValidationFailed) as refused:
        order_create(customer=customer, lines=[OrderLineInput(item=item, quantity=Decimal("0"))], by=clerk)

    # then
    assert refused.value.field_errors == {"lines[0].quantity": "Aantal moet groter zijn dan nul."}


def test_order_progress_summary_in_swedish(clerk):
    # given: an open order of two lines, nothing delivered
    item = ItemFactory(number="B-200")
    order = make_order(lines=[(item, "3"), (ItemFactory(), "1")], by=clerk)

    # when
    with translation.override("sv"):
        progress = order_progress(order)

    # then
    assert progress["summary"] == "Rader levererade: 0 av 2, fakturerade: 0"
    assert progress["waiting"][0] == "3 pcs av B-200"


# --- pages --------------------------------------------------------------------------------------------------------


def test_page_follows_accept_language_dutch(client, clerk):
    # given
    client.force_login(clerk)

    # when
    response = client.get(reverse("salesapp:order_list"), headers={"accept-language": "nl"})

    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="nl" ' in html
    assert ">Verkooporders</a>" in html
    assert ">Pakbonnen</a>" in html
    assert ">Afmelden</button>" in html


def test_page_follows_language_cookie_swedish(client, clerk):
    # given: the cookie wins over the browser's Accept-Language
    client.force_login(clerk)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"

    # when
    response = client.get(reverse("salesapp:order_list"), headers={"accept-language": "nl"})

    # then
    html = response.content.decode()
    assert '<html lang="sv" ' in html
    assert ">Försäljningsorder</a>" in html
    assert ">Följesedlar</a>" in html
    assert ">Logga ut</button>" in html


def test_language_switch_sets_the_language_for_later_pages(client, clerk):
    # given
    client.force_login(clerk)
    home = reverse("home")

    # when
    response = client.post("/i18n/setlang/", {"language": "nl", "next": home})

    # then
    assert response.status_code == 302 and response.headers["Location"] == home
    html = client.get(home).content.decode()
    assert '<html lang="nl" ' in html
    assert ">Verkooporders</a>" in html


def test_order_page_shows_refusals_and_status_in_dutch(client, clerk):
    # given: an open order whose last line was removed cannot be confirmed
    order = make_order(lines=[(ItemFactory(number="A-100"), "2")], by=clerk)
    order_line_remove(order_line=order.lines.get(), by=clerk)
    client.force_login(clerk)

    # when
    response = client.get(reverse("salesapp:order_detail", args=[order.pk]), headers={"accept-language": "nl"})

    # then: the reason and the status in Dutch, and no reason for steps that come later (delivering)
    html = response.content.decode()
    assert "<strong>Bevestigen</strong>: Voeg ten minste één regel toe voordat u de order bevestigt." in html
    assert "Regels geleverd: 0 van 0, gefactureerd: 0" in html
    assert "bevestig deze eerst" not in html


# --- catalogues ---------------------------------------------------------------------------------------------------


def _unquote(text: str) -> str:
    return re.sub(r'\\(["\\nt])', lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), text[1:-1])


def po_entries(path: Path) -> list[dict]:
    """The entries of a .po file: msgid, msgid_plural, msgstr (a list: one per plural form) and flags."""
    entries, entry, key = [], None, None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if not line.strip():
            if entry is not None:
                entries.append(entry)
            entry = None
            continue
        if entry is None:
            entry = {
                "msgctxt": None,
                "msgid": "",
                "msgid_plural": None,
                "msgstr": [],
                "flags": set(),
                "obsolete": False,
            }
        if line.startswith("#~"):
            entry["obsolete"] = True
        elif line.startswith("#,"):
            entry["flags"].update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            if key == "msgstr":
                entry["msgstr"][-1] += _unquote(line)
            else:
                entry[key] += _unquote(line)
        else:
            keyword, value = line.split(" ", 1)
            key = "msgstr" if keyword.startswith("msgstr") else keyword
            if key == "msgstr":
                entry["msgstr"].append(_unquote(value))
            else:
                entry[key] = _unquote(value)
    return [e for e in entries if e["msgid"] and not e["obsolete"]]


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_is_complete_without_fuzzy_entries(language):
    # given
    entries = po_entries(LOCALE_DIR / language / "LC_MESSAGES" / "django.po")

    # then: every message has every form translated, nothing is left for review
    assert len(entries) > 400
    assert [e["msgid"] for e in entries if "fuzzy" in e["flags"]] == []
    assert [e["msgid"] for e in entries if not e["msgstr"] or not all(e["msgstr"])] == []
    assert [e["msgid"] for e in entries if e["msgid_plural"] is not None and len(e["msgstr"]) != 2] == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_the_placeholders(language):
    # given
    entries = po_entries(LOCALE_DIR / language / "LC_MESSAGES" / "django.po")

    # then: the same named placeholders (and escaped percent signs) in the source and every translation
    broken = [
        (e["msgid"], form)
        for e in entries
        for form in e["msgstr"]
        if sorted(set(PLACEHOLDER.findall(e["msgid_plural"] or e["msgid"]))) != sorted(set(PLACEHOLDER.findall(form)))
    ]
    assert broken == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalogue_matches_the_po_file(language):
    # given: the committed .mo, read without any gettext tools
    directory = LOCALE_DIR / language / "LC_MESSAGES"
    with open(directory / "django.mo", "rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    entries = po_entries(directory / "django.po")

    # then: every entry of the .po is in the .mo with the same translation (the .mo is not stale)
    stale = []
    for entry in entries:
        context = entry["msgctxt"]
        if entry["msgid_plural"] is None:
            found = [compiled.pgettext(context, entry["msgid"]) if context else compiled.gettext(entry["msgid"])]
        else:
            found = [
                compiled.npgettext(context, entry["msgid"], entry["msgid_plural"], n)
                if context
                else compiled.ngettext(entry["msgid"], entry["msgid_plural"], n)
                for n in (1, 2)
            ]
        if found != entry["msgstr"]:
            stale.append(entry["msgid"])
    assert stale == []
    assert compiled.info()["language"] == language
