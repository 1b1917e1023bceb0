from decimal import Decimal

from core.money import TaxableLine, document_totals, line_net, round_money

D = Decimal


def test_round_half_up_not_bankers():
    assert [round_money(D(v)) for v in ("0.125", "0.135", "-0.125", "2.675")] == [
        D("0.13"),
        D("0.14"),
        D("-0.13"),
        D("2.68"),
    ]


def test_line_net_applies_discount_before_rounding_once():
    assert line_net(quantity=D("3"), unit_price=D("1.2345"), discount_percent=D("0")) == D("3.70")
    assert line_net(quantity=D("7"), unit_price=D("0.3333"), discount_percent=D("15")) == D("1.98")  # 1.983135


def test_tax_is_rounded_once_per_code_on_the_sum_of_nets():
    # three lines of 0.05 at 21 %: per line 0.01 each (0.03), on the sum 0.15 × 21 % = 0.0315 → 0.03
    # and two lines of 0.10 at 9 %: per line 0.01 each (0.02), on the sum 0.20 × 9 % = 0.018 → 0.02
    lines = [TaxableLine(D("0.05"), 1, D("21"))] * 3 + [TaxableLine(D("0.10"), 2, D("9"))] * 2
    totals = document_totals(lines)
    assert [(t.tax_code_id, t.base, t.amount) for t in totals.taxes] == [
        (1, D("0.15"), D("0.03")),
        (2, D("0.20"), D("0.02")),
    ]
    assert (totals.net, totals.tax, totals.gross) == (D("0.35"), D("0.05"), D("0.40"))
