"""What each shared line type asks of a line (DESIGN.md §4.2), for every sales document that has lines.

- **item** and **service** lines name a catalogue item; which of the two follows from the item's type.
- A **write-in** line sells a product that is not in the catalogue (typed by a clerk, or coming from a CRM): it is
  carried by the configured write-in item (``SALESFLOW_WRITE_IN_ITEM``, an item number), so it is taxed, delivered
  and posted like that item, while the text as written stays on the line. Its price is typed: no agreement can
  know a product that is not in the catalogue, so a write-in price is the line's own and never an override.
- A **comment** line is text only: no item, quantity, price or tax, and it never reaches a packing slip or an
  invoice's amounts.

A text longer than one line's description continues on comment lines right after it, as the reference does.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext

from core.money import ZERO, TaxableLine
from salesapp.choices import ItemType, LineType, PriceSource

DESCRIPTION_LENGTH = 300  # the description column of every document line
# Line numbers step by ten, so a line has nine numbers after it for its continuation comments.
MAX_CONTINUATIONS = 9
MAX_TEXT_LENGTH = DESCRIPTION_LENGTH * (MAX_CONTINUATIONS + 1)
TEXT_LINE_TYPES = (LineType.WRITE_IN, LineType.COMMENT)


def item_line_type(item) -> str:
    return LineType.SERVICE if item.item_type == ItemType.SERVICE else LineType.ITEM


def is_comment(line) -> bool:
    return line.line_type == LineType.COMMENT


def write_in_item():
    """The catalogue item write-in lines are carried by, or None when the company has none."""
    from salesapp.models import Item

    return Item.objects.filter(number=settings.SALESFLOW_WRITE_IN_ITEM).first()


def is_write_in_item(item) -> bool:
    return item is not None and item.number == settings.SALESFLOW_WRITE_IN_ITEM


def write_in_item_missing_message() -> str:
    return gettext(
        "Write-in lines need the write-in item %(number)s: create an item with that number (a product not in "
        "the catalogue is taxed and delivered as that item), or name another one in SALESFLOW_WRITE_IN_ITEM."
    ) % {"number": settings.SALESFLOW_WRITE_IN_ITEM}


def write_in_price_missing_message() -> str:
    return gettext("A write-in product has no price in the catalogue: enter the unit price agreed with the customer.")


def line_type_errors(*, line_type: str, item, description: str, unit_price, prefix: str) -> dict[str, str]:
    """What the line type asks and the input lacks, keyed ``<prefix>.<field>``. ``line_type`` "" means "from the
    item". For a write-in line ``item`` is the write-in item once resolved (None when none is configured)."""
    errors: dict[str, str] = {}
    if line_type and line_type not in LineType.values:
        choices = ", ".join(f"'{value}'" for value in LineType.values)
        errors[f"{prefix}.line_type"] = gettext("'%(value)s' is not a line type: choose %(choices)s.") % {
            "value": line_type,
            "choices": choices,
        }
        return errors
    text = (description or "").strip()
    if line_type in TEXT_LINE_TYPES:
        if not text:
            errors[f"{prefix}.description"] = (
                gettext("A comment line needs its text.")
                if line_type == LineType.COMMENT
                else gettext("A write-in line needs the product's description as the customer wrote it.")
            )
        elif len(text) > MAX_TEXT_LENGTH:
            errors[f"{prefix}.description"] = gettext(
                "The text is %(length)s characters; a line with its continuation lines holds at most %(max)s."
            ) % {"length": len(text), "max": MAX_TEXT_LENGTH}
    elif len(description or "") > DESCRIPTION_LENGTH:
        # Only a write-in's or a comment's text continues on comment lines; an item line keeps to its column.
        errors[f"{prefix}.description"] = gettext(
            "Enter at most %(max)s characters on an item line; a longer text goes on a comment line."
        ) % {"max": DESCRIPTION_LENGTH}
    if line_type == LineType.WRITE_IN:
        if item is None:
            errors[f"{prefix}.item"] = write_in_item_missing_message()
        if unit_price is None:
            errors[f"{prefix}.unit_price"] = write_in_price_missing_message()
    elif line_type != LineType.COMMENT and item is None:
        errors[f"{prefix}.item"] = gettext("Choose an item.")
    elif line_type in (LineType.ITEM, LineType.SERVICE) and item is not None and item_line_type(item) != line_type:
        errors[f"{prefix}.line_type"] = gettext(
            "Item %(number)s makes a line of type '%(type)s': leave the line type empty or choose that one."
        ) % {"number": item.number, "type": LineType(item_line_type(item)).label}
    elif line_type == LineType.COMMENT and item is not None:
        errors[f"{prefix}.item"] = gettext("A comment line is text only: it takes no item.")
    return errors


def taxable(lines) -> Iterator[TaxableLine]:
    """The lines that carry an amount, as the totals rule reads them: a comment line has no tax code."""
    for line in lines:
        if line.tax_code_id is not None:
            yield TaxableLine(net=line.net_amount, tax_code_id=line.tax_code_id, tax_rate=line.tax_code.rate)


def comment_line(model, text: str, line_no: int, **document):
    """A comment line of ``model`` (an order or quotation line class) on ``document`` (its parent keyword)."""
    return model(
        line_no=line_no,
        line_type=LineType.COMMENT,
        item=None,
        description=text,
        quantity=ZERO,
        unit="",
        unit_price=ZERO,
        price_source=PriceSource.MANUAL,
        discount_percent=ZERO,
        tax_code=None,
        net_amount=ZERO,
        **document,
    )


def continued_lines(line) -> Q:
    """``line`` with the comment lines its text continues on: removing a line removes them too."""
    if line.line_no % 10:
        return Q(pk=line.pk)
    return Q(pk=line.pk) | Q(line_type=LineType.COMMENT, line_no__gt=line.line_no, line_no__lt=line.line_no + 10)


def with_full_text(lines) -> list[tuple[object, str]]:
    """Each line with its whole text: a line's continuation comment lines joined back onto it (and left out), so
    a document copying the lines splits the text again exactly as ``text_chunks`` cut it."""
    merged: list[tuple[object, str]] = []
    for line in lines:
        if merged and is_comment(line) and line.line_no % 10 and line.line_no // 10 == merged[-1][0].line_no // 10:
            merged[-1] = (merged[-1][0], f"{merged[-1][1]} {line.description}")
        else:
            merged.append((line, line.description))
    return merged


def text_chunks(text: str) -> list[str]:
    """``text`` cut into descriptions that fit a line, at word boundaries where there are any: the first for the
    line itself, the rest for its continuation comment lines."""
    text = " ".join((text or "").split())
    chunks = []
    while len(text) > DESCRIPTION_LENGTH:
        cut = text.rfind(" ", 0, DESCRIPTION_LENGTH + 1)
        if cut <= 0:
            cut = DESCRIPTION_LENGTH
        chunks.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    chunks.append(text)
    return chunks
