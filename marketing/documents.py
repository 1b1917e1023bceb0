"""Documents of a mailing: A4 address labels, a letter per target (both PDF) and the address list as CSV."""

from __future__ import annotations

import csv
import io

from django.db.models import QuerySet
from django.template import Context, Template, TemplateSyntaxError
from django.utils import timezone

from core.pdf import render_pdf
from marketing.choices import TargetStatus
from marketing.models import Campaign, CampaignTarget
from marketing.services.campaign_mail import email_context

LABELS_PER_ROW = 3
LABEL_ROWS = 8
LABELS_PER_SHEET = LABELS_PER_ROW * LABEL_ROWS
CSV_COLUMNS = (
    ("name", "name"),
    ("contact", "contact_name"),
    ("street", "street"),
    ("postcode", "postcode"),
    ("city", "city"),
    ("country", "country"),
    ("email", "email"),
    ("phone", "phone"),
    ("language", "language"),
    ("selected_as", "source"),
    ("status", "status"),
)


def mailing_targets(campaign: Campaign) -> QuerySet[CampaignTarget]:
    """Who gets a letter: every target not excluded, in name order (the order the labels are printed in)."""
    return campaign.targets.exclude(status=TargetStatus.EXCLUDED).order_by("name", "id")


def address_lines(target: CampaignTarget) -> list[str]:
    postal = f"{target.postcode} {target.city}".strip()
    lines = [target.name, target.contact_name, target.street, postal, target.country]
    return [line for line in lines if line]


def _sheets(targets: list[CampaignTarget]) -> list[list[list[CampaignTarget | None]]]:
    """Targets laid out as sheets of rows of labels; the last sheet is padded with empty labels."""
    sheets = []
    for first in range(0, len(targets), LABELS_PER_SHEET):
        labels: list[CampaignTarget | None] = list(targets[first : first + LABELS_PER_SHEET])
        labels += [None] * (LABELS_PER_SHEET - len(labels))
        sheets.append([labels[row : row + LABELS_PER_ROW] for row in range(0, LABELS_PER_SHEET, LABELS_PER_ROW)])
    return sheets


def campaign_labels_context(campaign: Campaign) -> dict:
    targets = list(mailing_targets(campaign))
    for target in targets:
        target.lines = address_lines(target)
    return {"campaign": campaign, "sheets": _sheets(targets), "count": len(targets)}


def campaign_labels_pdf(campaign: Campaign) -> bytes:
    return render_pdf(template_name="pdf/campaign_labels.html", context=campaign_labels_context(campaign))


class _PlainText:
    def __init__(self, text: str):
        self.text = text

    def render(self, context) -> str:
        return self.text


def _letter_template(text: str) -> Template | _PlainText:
    """The campaign's own text is checked as a template when saved; its name and description are not, so one that
    cannot be read as a template is printed as it stands rather than failing the whole mailing."""
    try:
        return Template(text)
    except TemplateSyntaxError:
        return _PlainText(text)


def campaign_letters_context(campaign: Campaign) -> dict:
    """One letter per target: the campaign's text (or description) filled in for that target."""
    subject = _letter_template(campaign.email_subject or campaign.name)
    body = _letter_template(campaign.email_body or campaign.description)
    letters = []
    for target in mailing_targets(campaign):
        context = Context(email_context(campaign=campaign, target=target), autoescape=False)
        letters.append(
            {
                "target": target,
                "lines": address_lines(target),
                "subject": " ".join(subject.render(context).split()),
                "text": body.render(context).strip(),
            }
        )
    return {"campaign": campaign, "letters": letters, "today": timezone.localdate()}


def campaign_letters_pdf(campaign: Campaign) -> bytes:
    return render_pdf(template_name="pdf/campaign_letters.html", context=campaign_letters_context(campaign))


def campaign_addresses_csv(campaign: Campaign) -> bytes:
    """The address list for a mailing house or a spreadsheet: UTF-8 with a byte order mark (so that Excel reads
    the accents right) and semicolons (the separator Excel expects where the decimal mark is a comma)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([header for header, _attribute in CSV_COLUMNS])
    for target in mailing_targets(campaign):
        writer.writerow([getattr(target, attribute) for _header, attribute in CSV_COLUMNS])
    return out.getvalue().encode("utf-8-sig")
