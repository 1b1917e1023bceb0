"""Country codes: ISO 3166-1 alpha-2, the 249 officially assigned codes (as published by the ISO 3166
Maintenance Agency; the same list as tzdata's iso3166.tab). Kept here rather than as a dependency because parties,
addresses and leads only need to know whether a code exists. When ISO assigns or withdraws a code, change it here."""

from __future__ import annotations

from django.utils.translation import gettext

from marketing.choices import Language

# By first letter, so a missing or extra code is easy to spot against the standard.
_CODES = """
AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ
BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ
CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ
DE DJ DK DM DO DZ
EC EE EG EH ER ES ET
FI FJ FK FM FO FR
GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY
HK HM HN HR HT HU
ID IE IL IM IN IO IQ IR IS IT
JE JM JO JP
KE KG KH KI KM KN KP KR KW KY KZ
LA LB LC LI LK LR LS LT LU LV LY
MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ
NA NC NE NF NG NI NL NO NP NR NU NZ
OM
PA PE PF PG PH PK PL PM PN PR PS PT PW PY
QA
RE RO RS RU RW
SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ
TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ
UA UG UM US UY UZ
VA VC VE VG VI VN VU
WF WS
YE YT
ZA ZM ZW
"""
ISO_3166_ALPHA_2 = frozenset(_CODES.split())

# The language a new party is written to when nobody chose one: the country's own where we have it, else English.
# Deliberately no more than this: Belgium, Switzerland and Finland read more than one language, so a guess from the
# country would be wrong for many of them.
COUNTRY_LANGUAGES = {"NL": Language.NL, "SE": Language.SV}


def country_checked(value: str, errors: dict[str, str], field: str = "country", *, required: bool = True) -> str:
    """``value`` as a country code, trimmed and upper-cased ("nl" is NL); a code that is not in ISO 3166-1 adds
    an error on ``field``. Every door (page, API, admin, import) goes through the services that call this."""
    code = (value or "").strip().upper()
    if not code and not required:
        return code
    if len(code) != 2 or not code.isalpha():
        errors[field] = gettext("Use a two-letter ISO country code, e.g. NL.")
    elif code not in ISO_3166_ALPHA_2:
        errors[field] = gettext("%(code)s is not an ISO 3166 country code; use e.g. NL, BE or SE.") % {"code": code}
    return code


def country_language(code: str) -> str:
    return COUNTRY_LANGUAGES.get(code, Language.EN)
