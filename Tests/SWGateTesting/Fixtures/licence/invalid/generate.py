#!/usr/bin/env python3
"""Writes one invalid licence fixture per licence rule (and one schema violation), each
breaking exactly that rule.

Every fixture is derived from ../valid/licence-export-precursors.xml (an ISSUE) or
../valid/licence-amendment.xml (an AMEND) by one small edit, so a test can assert that
the report names exactly the rule in the file name. The fixtures are judged on
2026-11-21 (the tests' fixture day). Run from this folder after changing the valid
fixtures.
"""
import pathlib

here = pathlib.Path(__file__).parent
base = (here / "../valid/licence-export-precursors.xml").read_text(encoding="utf-8")
amendment = (here / "../valid/licence-amendment.xml").read_text(encoding="utf-8")


def edit(text, *pairs):
    for old, new in pairs:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


cases = {
    "XSD": edit(base, ("<HSCode>29143100</HSCode>", "<HSCode>29I43100</HSCode>")),
    "LIC-VALIDITY-ORDER": edit(
        base,
        ("<ValidFrom>2026-10-15</ValidFrom>", "<ValidFrom>2027-01-01</ValidFrom>"),
        ("<ValidTo>2030-12-31</ValidTo>", "<ValidTo>2026-12-31</ValidTo>"),
    ),
    "LIC-VALIDITY-PAST": edit(
        base,
        ("<ValidFrom>2026-10-15</ValidFrom>", "<ValidFrom>2025-10-15</ValidFrom>"),
        ("<ValidTo>2030-12-31</ValidTo>", "<ValidTo>2026-10-14</ValidTo>"),
    ),
    "LIC-DATE-FUTURE": edit(
        base,
        ("<IssueDate>2026-10-15</IssueDate>", "<IssueDate>2026-11-25</IssueDate>"),
        ("<ValidFrom>2026-10-15</ValidFrom>", "<ValidFrom>2026-11-25</ValidFrom>"),
    ),
    "LIC-HS-CODE": edit(base, ("<HSCode>29143100</HSCode>", "<HSCode>2914310</HSCode>")),
    "LIC-QUANTITY": edit(base, ("<Quantity>20000</Quantity>", "<Quantity>0</Quantity>")),
    "LIC-UNIT": edit(base, ("<Unit>LTR</Unit>", "<Unit>GLL</Unit>")),
    "LIC-LINE-NUMBERS": edit(base, ("<LineNumber>2</LineNumber>", "<LineNumber>3</LineNumber>")),
    "LIC-REPLACES": edit(amendment, ("<Function>AMEND</Function>", "<Function>ISSUE</Function>")),
}

for rule, text in cases.items():
    (here / f"{rule}.xml").write_text(text, encoding="utf-8")
print(f"wrote {len(cases)} fixtures")
