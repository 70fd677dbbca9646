#!/usr/bin/env python3
"""Builds tests/data/holidays/holidays.csv: French public holidays per territory, 2027-2030,
as two independent Python references list them.

Run from the project's root, in a virtual environment with the pinned versions:

    python3 -m venv /tmp/tzv
    /tmp/tzv/bin/pip install holidays==0.109 jours-feries-france==0.7.0 python-dateutil==2.9.0.post0
    /tmp/tzv/bin/python tests/data/holidays/generate.py > tests/data/holidays/holidays.csv

Pinned versions (checked below at run time; the script refuses to run with others):
    holidays            0.109          python-holidays, `holidays.France(subdiv=...)`
    jours-feries-france 0.7.0          etalab's library, `JoursFeries.for_year(year, zone)`
    python-dateutil     2.9.0.post0    only to cross-check Easter Sunday

Columns: territory, date (ISO 8601), name, sources.
  - one row per (territory, date); rows sorted by territory then date;
  - name: python-holidays' en_US name when it has the day (two holidays on one date are joined
    by "; ", as python-holidays does), else etalab's French name;
  - sources: "etalab", "holidays" or "etalab+holidays" (which reference lists the date).
The output is UTF-8 with LF line endings and depends on nothing but the pinned packages.

Before writing, the script checks every row against RULES below (the per-territory rules the
README states in words), so the README and the CSV cannot drift apart silently.
"""
import csv
import sys
from datetime import date, timedelta
from importlib.metadata import version

PINNED = {
    "holidays": "0.109",
    "jours-feries-france": "0.7.0",
    "python-dateutil": "2.9.0.post0",
}
for dist, want in PINNED.items():
    have = version(dist)
    if have != want:
        sys.exit(f"generate.py: {dist} is {have}, this corpus is pinned to {want}")

import holidays  # noqa: E402
from dateutil.easter import easter  # noqa: E402
from jours_feries_france import JoursFeries  # noqa: E402

YEARS = range(2027, 2031)

# (territory code in the corpus, etalab zone, python-holidays subdivision or None).
# Etalab has a single "Alsace-Moselle" zone for both FR-57 and FR-6AE; note its spelling
# "Saint-Barthélémy" (python-holidays' canonical code is BL, its alias "Saint-Barthélemy").
TERRITORIES = [
    ("BL", "Saint-Barthélémy", "BL"),
    ("FR", "Métropole", None),
    ("FR-57", "Alsace-Moselle", "57"),
    ("FR-6AE", "Alsace-Moselle", "6AE"),
    ("GF", "Guyane", "973"),
    ("GP", "Guadeloupe", "971"),
    ("MF", "Saint-Martin", "MF"),
    ("MQ", "Martinique", "972"),
    ("NC", "Nouvelle-Calédonie", "NC"),
    ("PF", "Polynésie Française", "PF"),
    ("PM", "Saint-Pierre-et-Miquelon", "PM"),
    ("RE", "La Réunion", "974"),
    ("WF", "Wallis-et-Futuna", "WF"),
    ("YT", "Mayotte", "976"),
]
TERRITORIES.sort(key=lambda t: t[0])

# The rules, 2027-2030: ("fixed", month, day) or ("easter", offset in days from Easter Sunday),
# with the sources that list the day. NATIONAL applies to every territory.
BOTH = "etalab+holidays"
NATIONAL = [
    (("fixed", 1, 1), BOTH),  # New Year's Day
    (("easter", 1), BOTH),  # Easter Monday
    (("fixed", 5, 1), BOTH),  # Labor Day
    (("fixed", 5, 8), BOTH),  # Victory Day
    (("easter", 39), BOTH),  # Ascension Day
    (("easter", 50), BOTH),  # Pentecost (Whit) Monday
    (("fixed", 7, 14), BOTH),  # National Day
    (("fixed", 8, 15), BOTH),  # Assumption Day
    (("fixed", 11, 1), BOTH),  # All Saints' Day
    (("fixed", 11, 11), BOTH),  # Armistice Day
    (("fixed", 12, 25), BOTH),  # Christmas Day
]
LOCAL = {
    "FR": [],
    "FR-57": [(("easter", -2), BOTH), (("fixed", 12, 26), BOTH)],
    "FR-6AE": [(("easter", -2), BOTH), (("fixed", 12, 26), BOTH)],
    "GP": [
        (("easter", -24), "holidays"),  # Mi-Carême
        (("easter", -2), "holidays"),  # Good Friday
        (("fixed", 5, 27), BOTH),  # Abolition of Slavery
        (("fixed", 7, 21), "holidays"),  # Victor Schoelcher Day
    ],
    "MQ": [(("fixed", 5, 22), BOTH), (("fixed", 7, 21), "holidays")],
    "GF": [(("fixed", 6, 10), BOTH)],
    "RE": [(("fixed", 12, 20), BOTH)],
    "YT": [(("fixed", 4, 27), BOTH)],
    "BL": [(("fixed", 10, 9), BOTH)],
    "MF": [(("fixed", 5, 28), BOTH), (("fixed", 7, 21), "holidays")],
    "PM": [],
    "NC": [(("fixed", 9, 24), "holidays")],  # Citizenship Day
    "PF": [
        (("fixed", 3, 5), "holidays"),  # Missionary Day
        (("easter", -2), "holidays"),  # Good Friday
        (("fixed", 11, 20), "holidays"),  # Matāri'i
    ],
    "WF": [
        (("fixed", 4, 28), "holidays"),  # Saint Peter Chanel
        (("fixed", 6, 29), "holidays"),  # Saints Peter and Paul
        (("fixed", 7, 29), "holidays"),  # Territory Day
    ],
}


def rule_date(rule, year):
    if rule[0] == "fixed":
        return date(year, rule[1], rule[2])
    return easter(year) + timedelta(days=rule[1])


def merge_sources(a, b):
    parts = set(a.split("+")) | set(b.split("+"))
    return "+".join(p for p in ("etalab", "holidays") if p in parts)


def expected(territory):
    out = {}
    for year in YEARS:
        for rule, sources in NATIONAL + LOCAL[territory]:
            d = rule_date(rule, year)
            out[d] = merge_sources(out[d], sources) if d in out else sources
    return out


def build():
    rows = []
    for territory, zone, subdiv in TERRITORIES:
        etalab = {}
        ph = {}
        for year in YEARS:
            # Etalab's own Easter must agree with dateutil's.
            if JoursFeries.paques(year) != easter(year):
                sys.exit(f"generate.py: Easter {year}: etalab {JoursFeries.paques(year)}"
                         f" != dateutil {easter(year)}")
            for name, d in JoursFeries.for_year(year, zone).items():
                etalab.setdefault(d, []).append(name)
            for d, name in holidays.France(subdiv=subdiv, years=year, language="en_US").items():
                ph[d] = name
        got = {}
        for d in sorted(set(etalab) | set(ph)):
            if d in ph and d in etalab:
                sources = "etalab+holidays"
            elif d in ph:
                sources = "holidays"
            else:
                sources = "etalab"
            name = ph[d] if d in ph else "; ".join(etalab[d])
            rows.append((territory, d.isoformat(), name, sources))
            got[d] = sources
        if got != expected(territory):
            want = expected(territory)
            diff = sorted(set(got.items()) ^ set(want.items()))
            sys.exit(f"generate.py: {territory} differs from RULES: {diff}")
    rows.sort(key=lambda r: (r[0], r[1]))
    return rows


def main():
    rows = build()
    sys.stdout.reconfigure(encoding="utf-8", newline="\n")
    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(["territory", "date", "name", "sources"])
    w.writerows(rows)


if __name__ == "__main__":
    main()
