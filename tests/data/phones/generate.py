#!/usr/bin/env python3
"""Builds tests/data/phones/corpus.csv: phone numbers as people write them, with what Google's
libphonenumber (through its Python port `phonenumbers`) says of each.

Run once, from the project's root, in a virtual environment:

    python3 -m venv /tmp/pn && /tmp/pn/bin/pip install phonenumbers==9.0.42
    /tmp/pn/bin/python tests/data/phones/generate.py > tests/data/phones/corpus.csv

The seed is fixed, so the same phonenumbers release writes the same file. 9.0.42 is the
metadata release of the Rust crate Herald parses with (rlibphonenumber 2.2.15); the corpus
checks Herald's parser, it is not read by Herald itself.

Columns: input, region (the account's region the input is read in), e164 (empty when
libphonenumber can't parse the input at all), valid (true/false), type (libphonenumber's
PhoneNumberType name), number_region (the region the number belongs to, empty if none).
"""
import csv
import random
import sys

import phonenumbers as pn
from phonenumbers import PhoneNumberFormat as F
from phonenumbers import PhoneNumberType as T

assert pn.__version__ == "9.0.42", pn.__version__

TYPES = {
    T.FIXED_LINE: "FIXED_LINE",
    T.MOBILE: "MOBILE",
    T.FIXED_LINE_OR_MOBILE: "FIXED_LINE_OR_MOBILE",
    T.TOLL_FREE: "TOLL_FREE",
    T.PREMIUM_RATE: "PREMIUM_RATE",
    T.SHARED_COST: "SHARED_COST",
    T.VOIP: "VOIP",
    T.PERSONAL_NUMBER: "PERSONAL_NUMBER",
    T.PAGER: "PAGER",
    T.UAN: "UAN",
    T.VOICEMAIL: "VOICEMAIL",
    T.UNKNOWN: "UNKNOWN",
}

# Accounts Herald's customers have: France and its overseas departments and territories, its
# neighbours, and markets whose national (trunk) prefix is not 0.
ACCOUNT_REGIONS = [
    "FR", "RE", "GP", "MQ", "GF", "YT", "PM", "NC", "PF", "BE", "CH", "LU", "MC", "DE", "GB",
    "IT", "ES", "PT", "NL", "MA", "DZ", "TN", "SN", "CI", "US", "CA", "RU", "HU", "IE", "CN",
]

rng = random.Random(20261129)
rows = []
seen = set()


def expect(text, region):
    """One corpus row: what libphonenumber makes of `text` read in `region`."""
    if (text, region) in seen:
        return
    seen.add((text, region))
    try:
        number = pn.parse(text, region)
    except pn.NumberParseException:
        rows.append([text, region, "", "false", "", ""])
        return
    rows.append([
        text,
        region,
        pn.format_number(number, F.E164),
        "true" if pn.is_valid_number(number) else "false",
        TYPES[pn.number_type(number)],
        pn.region_code_for_number(number) or "",
    ])


def spaced(digits, step):
    """Digits in groups of `step`, as people type them."""
    return " ".join(digits[i:i + step] for i in range(0, len(digits), step))


def mutations(nsn):
    """Typos of a national significant number: a digit dropped, added or changed."""
    i = rng.randrange(len(nsn))
    yield nsn[:i] + nsn[i + 1:]
    yield nsn[:i] + str(rng.randrange(10)) + nsn[i:]
    yield nsn + str(rng.randrange(10)) + str(rng.randrange(10))
    yield nsn[:-1] + str((int(nsn[-1]) + 1) % 10)


examples = []
for region in sorted(pn.SUPPORTED_REGIONS):
    for kind in TYPES:
        if kind in (T.UNKNOWN, T.FIXED_LINE_OR_MOBILE):
            continue
        number = pn.example_number_for_type(region, kind)
        if number is not None:
            examples.append((region, number))

# 1. Every example number of every region and type: international from some account, and
# national in its own region.
for region, number in examples:
    e164 = pn.format_number(number, F.E164)
    account = rng.choice(ACCOUNT_REGIONS)
    expect(e164, account)
    expect(pn.format_number(number, F.INTERNATIONAL), rng.choice(ACCOUNT_REGIONS))
    expect(pn.format_number(number, F.NATIONAL), region)

# 2. International numbers whose national number starts with an account's trunk prefix
# ("+49 151..." from a US account, "+39 02..." from a French one), in the account's own
# international dialling form too ("00...", "011...").
trunk_traps = [
    (r, n) for r, n in examples
    if str(n.national_number)[0] in "018" or n.italian_leading_zero
]
for region, number in trunk_traps:
    e164 = pn.format_number(number, F.E164)
    for account in ["US", "FR", "GB", "DE", "BE", "CH", "MA", "RU", "HU", "CN"]:
        expect(e164, account)
    expect("00" + e164[1:], "FR")
    expect("011 " + e164[1:], "US")

# 3. Typos: a digit dropped, added or changed, and letters typed for digits.
for region, number in rng.sample(examples, 400):
    cc = str(number.country_code)
    nsn = pn.national_significant_number(number)
    for typo in mutations(nsn):
        expect("+" + cc + typo, rng.choice(ACCOUNT_REGIONS))
    i = rng.randrange(len(nsn))
    letter = {"0": "O", "1": "l", "5": "S", "8": "B"}.get(nsn[i], "A")
    expect("+" + cc + " " + nsn[:i] + letter + nsn[i + 1:], rng.choice(ACCOUNT_REGIONS))

# 4. French numbers as imports hold them: every 2-digit start, national and international,
# with the separators people use, and the typo shapes seen in real files.
for _ in range(900):
    start = rng.choice(["6", "7", "1", "2", "3", "4", "5", "8", "9"])
    nsn = start + "".join(str(rng.randrange(10)) for _ in range(8))
    shape = rng.randrange(8)
    if shape == 0:
        text = "0" + nsn
    elif shape == 1:
        text = spaced("0" + nsn, 2)
    elif shape == 2:
        text = ".".join(("0" + nsn)[i:i + 2] for i in range(0, 10, 2))
    elif shape == 3:
        text = "+33" + nsn
    elif shape == 4:
        text = "+33 " + nsn[0] + " " + spaced(nsn[1:], 2)
    elif shape == 5:
        text = "0033" + nsn
    elif shape == 6:
        text = "+33 (0)" + nsn
    else:
        text = "0" + nsn[:rng.randrange(5, 10)]
    expect(text, rng.choice(["FR", "FR", "FR", "BE", "CH", "US"]))

# 5. Overseas France: mobile and fixed ranges of each department and territory, read in
# France, in their own region, and in E.164.
for region in ["RE", "YT", "GP", "MQ", "GF", "BL", "MF", "PM", "NC", "PF", "WF"]:
    meta = pn.PhoneMetadata.metadata_for_region(region)
    for kind in [T.MOBILE, T.FIXED_LINE]:
        number = pn.example_number_for_type(region, kind)
        if number is None:
            continue
        nsn = pn.national_significant_number(number)
        for _ in range(12):
            keep = rng.randrange(2, 6)
            candidate = nsn[:keep] + "".join(
                str(rng.randrange(10)) for _ in range(len(nsn) - keep))
            cc = str(meta.country_code)
            expect("+" + cc + candidate, "FR")
            expect("0" + candidate, region)
            expect("00" + cc + " " + candidate, "FR")

# 6. Numbers of the wrong length or with an extension, and plain garbage.
for text in ["+4990012345675", "+3161234567811", "+86101234567", "0612345678 x12",
             "06 12 34 56 78 poste 3", "", "+", "++33612345678", "hello", "06", "+33",
             "1-800-FLOWERS", "06 12 34 56 7O", "06 12 AB 56 78", "06 12 34 56 78 a",
             "+6870500125", "00707028046856", "+225 07 07 12 34 56", "+39 02 1234 5678"]:
    for account in ["FR", "US", "GB"]:
        expect(text, account)

writer = csv.writer(sys.stdout, lineterminator="\n")
writer.writerow(["input", "region", "e164", "valid", "type", "number_region"])
writer.writerows(rows)
print(f"{len(rows)} rows", file=sys.stderr)
