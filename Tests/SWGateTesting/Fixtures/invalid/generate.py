#!/usr/bin/env python3
"""Writes one invalid fixture per validation rule, each breaking exactly that rule.

Every fixture is derived from ../valid/formd-single-item.xml (or the NSW envelope
fixture) by one small edit, so a test can assert that the report names exactly the
rule in the file name. Run from this folder after changing the valid fixtures.
"""
import pathlib

here = pathlib.Path(__file__).parent
base = (here / "../valid/formd-single-item.xml").read_text(encoding="utf-8")
envelope = (here / "../valid/nsw-envelope-formd.xml").read_text(encoding="utf-8")


def edit(text, *pairs):
    for old, new in pairs:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


cases = {
    "XSD": edit(base, ("<HSCode>03061711</HSCode>", "<HSCode>03O61711</HSCode>")),
    "FD-COUNTRY-ASEAN": edit(
        base,
        ("<ImportingCountry>TH</ImportingCountry>", "<ImportingCountry>CN</ImportingCountry>"),
        ("<Country>TH</Country>", "<Country>CN</Country>"),
    ),
    "FD-COUNTRY-DIFFER": edit(
        base,
        ("<ImportingCountry>TH</ImportingCountry>", "<ImportingCountry>VN</ImportingCountry>"),
        ("<Country>TH</Country>", "<Country>VN</Country>"),
    ),
    "FD-EXPORTER-COUNTRY": edit(base, ("<Country>VN</Country>", "<Country>LA</Country>")),
    "FD-CONSIGNEE-COUNTRY": edit(base, ("<Country>TH</Country>", "<Country>MY</Country>")),
    "FD-DATE-FUTURE": edit(
        base,
        ("<IssueDate>2026-03-12</IssueDate>", "<IssueDate>2099-03-12</IssueDate>"),
        ("<DepartureDate>2026-03-11</DepartureDate>", "<DepartureDate>2099-03-11</DepartureDate>"),
        ("<Date>2026-03-12</Date>\n    <Officer>", "<Date>2099-03-12</Date>\n    <Officer>"),
    ),
    "FD-DATE-DECLARATION": edit(base, ("<Date>2026-03-10</Date>", "<Date>2026-03-13</Date>")),
    "FD-DATE-CERTIFICATION": edit(base, ("<Date>2026-03-12</Date>\n    <Officer>", "<Date>2026-03-11</Date>\n    <Officer>")),
    "FD-DATE-INVOICE": edit(base, ("<Date>2026-03-05</Date>", "<Date>2026-03-15</Date>")),
    "FD-RETROACTIVE": edit(base, ("<DepartureDate>2026-03-11</DepartureDate>", "<DepartureDate>2026-03-01</DepartureDate>")),
    "FD-ITEM-NUMBERS": edit(base, ("<ItemNumber>1</ItemNumber>", "<ItemNumber>2</ItemNumber>")),
    "FD-HS-CODE": edit(base, ("<HSCode>03061711</HSCode>", "<HSCode>0306171</HSCode>")),
    "FD-RVC-PERCENT": edit(
        base,
        ("<OriginCriterion>WO</OriginCriterion>",
         "<OriginCriterion>RVC</OriginCriterion>\n    <RvcPercentage>35</RvcPercentage>"),
        ("</Quantity>", "</Quantity>\n    <FobValue currency=\"USD\">151200.00</FobValue>"),
    ),
    "FD-RVC-FOB": edit(
        base,
        ("<OriginCriterion>WO</OriginCriterion>",
         "<OriginCriterion>RVC</OriginCriterion>\n    <RvcPercentage>45</RvcPercentage>"),
    ),
    "FD-REPLACES": edit(base, ("<Function>ISSUE</Function>", "<Function>AMEND</Function>")),
    "FD-THIRD-COUNTRY": edit(
        base, ("  </Certification>", "  </Certification>\n  <Flags>\n    <ThirdCountryInvoicing>true</ThirdCountryInvoicing>\n  </Flags>")
    ),
    "FD-MOVEMENT": edit(
        base, ("  </Certification>", "  </Certification>\n  <Flags>\n    <MovementCertificate>1</MovementCertificate>\n  </Flags>")
    ),
    "FD-EXHIBITION": edit(
        base,
        ("  <ExporterDeclaration>",
         "  <Exhibition>\n    <Name>Vietnam Expo 2026</Name>\n    <Place>Hà Nội</Place>\n  </Exhibition>\n  <ExporterDeclaration>"),
    ),
    "FD-OFFICIAL-USE": edit(
        base,
        ("  <Item>",
         "  <OfficialUse>\n    <PreferentialTreatment>NOT_GIVEN</PreferentialTreatment>\n    <Officer>Somchai P.</Officer>\n  </OfficialUse>\n  <Item>"),
    ),
    "ENV-REFERENCE": edit(envelope, ("<reference>VN-TH 26/03/000123</reference>", "<reference>VN-TH 26/03/000999</reference>")),
    "ENV-FUNCTION": edit(envelope, ("<function>ISSUE</function>", "<function>CANCEL</function>")),
    "ENV-DOCUMENT-TYPE": edit(envelope, ("<documentType>ATIGA_FORM_D</documentType>", "<documentType>COMMERCIAL_INVOICE</documentType>")),
    "ENV-PARTIES": edit(envelope, ("<identity>VN-NSW</identity>", "<identity>VN-MOIT-ECOSYS</identity>")),
    "DOC-ROOT": edit(base, ("<FormD xmlns=", "<CertificateOfOrigin xmlns="), ("</FormD>", "</CertificateOfOrigin>")),
    "DOC-NAMESPACE": edit(base, ('xmlns="urn:swgate:atiga:form-d:1"', 'xmlns="urn:example:form-d"')),
}

for rule, text in cases.items():
    (here / f"{rule}.xml").write_text(text, encoding="utf-8")
print(f"wrote {len(cases)} fixtures")
