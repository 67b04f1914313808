"""A small resolved corpus, written by hand, for the build, store, validate and query tests.

Units: NATO International Staff > Defence Policy and Planning Division >
Defence Policy and Capabilities Directorate > Resilience Section, plus the
Division's Defence Planning and Divisional Support Sections, two committees
and a committee's group.  Notice 000 reports to the Head of the Resilience
Section and, through them, to the Director of the Directorate; notice 001
reports to the "Deputy Director/Head" of the Defence Planning Section.
"""

from __future__ import annotations

from kg.model import POST, Corpus, Entity, Evidence, Fact, Header, Mention, Posting, Superior

NATO_IS = "nato-is"
DPP = "defence-policy-and-planning-division"
DPCD = f"{DPP}/defence-policy-and-capabilities-directorate"
RS = f"{DPCD}/resilience-section"
DPS = f"{DPP}/defence-planning-section"
DSS = f"{DPP}/divisional-support-section"
CEPC = "civil-emergency-planning-committee"
EPG = f"{CEPC}/energy-planning-group"
DPPC = "defence-policy-and-planning-committee"
IMS = "international-military-staff"

SOURCE_0 = "000_bbc9af25ff1dbbb4.txt"
SOURCE_1 = "001_bd70e3a12936a551.txt"

SUMMARY_SENTENCE = "The Division's Resilience Section (RS) develops advice to NATO and national authorities."
REPORTS_SENTENCE = (
    "The incumbent reports to the Head, Resilience Section and, through them, "
    "to the Director, Defence Policy and Capabilities Directorate."
)
SUPPORTS_SENTENCE = "The Defence Policy and Planning Division serves the Defence Policy and Planning Committee."
OVERSEES_SENTENCE = "S/he will oversee the work of the Civil Emergency Planning Committee's (CEPC) Energy Planning Group."


def entity(key: str, type_: str, en: str | None, fr: str | None = None, **more) -> Entity:
    labels = {lang: label for lang, label in (("en", en), ("fr", fr)) if label}
    return Entity(key=key, type=type_, labels=labels, **more)


def sample_entities() -> dict[str, Entity]:
    entities = [
        entity(
            NATO_IS,
            "Organization",
            "NATO International Staff",
            "Secrétariat international de l'OTAN",
            acronyms={"IS", "NATO IS"},
            alt_labels={"en": {"International Staff"}, "fr": {"Secrétariat international"}},
            sources={SOURCE_0, SOURCE_1},
        ),
        entity(
            DPP,
            "Division",
            "Defence Policy and Planning Division",
            "Division Politique et plans de défense",
            acronyms={"DPP"},
            alt_labels={"en": {"Defence Policy and Planning (DPP) Division", "DPP Division"}},
            parents={NATO_IS},
            sources={SOURCE_0, SOURCE_1},
        ),
        entity(DPCD, "Directorate", "Defence Policy and Capabilities Directorate", parents={DPP}, sources={SOURCE_0}),
        entity(RS, "Section", "Resilience Section", "Section Résilience", acronyms={"RS"}, parents={DPCD}, sources={SOURCE_0}),
        entity(DPS, "Section", "Defence Planning Section", parents={DPP}, sources={SOURCE_1}),
        entity(DSS, "Section", "Divisional Support Section", parents={DPP}, sources={SOURCE_1}),
        entity(CEPC, "Committee", "Civil Emergency Planning Committee", acronyms={"CEPC"}, sources={SOURCE_0}),
        entity(EPG, "Group", "Energy Planning Group", parents={CEPC}, sources={SOURCE_0}),
        entity(DPPC, "Committee", "Defence Policy and Planning Committee", acronyms={"DPPC"}, sources={SOURCE_0}),
        entity(IMS, "Organization", "International Military Staff", "État-major militaire international", acronyms={"IMS"}, sources={SOURCE_1}),
    ]
    return {e.key: e for e in entities}


def ev(sentence: str, section: str = "summary", lang: str = "en") -> Evidence:
    return Evidence(sentence=sentence, lang=lang, section=section)


def posting_000() -> Posting:
    header = Header(
        title="Officer - Civil Preparedness Policy and Planning",
        reference="240696",
        location="Brussels, Belgium",
        body="NATO International Staff (NATO IS)",
        schedule="Full-time",
        deadline="2024-05-16",
        salary=8754.21,
        currency="EUR",
        salary_period="Monthly",
        grade="G20",
        clearance="NS",
    )
    return Posting(
        source=SOURCE_0,
        sha256="ab" * 32,
        header=header,
        title=header.title,
        title_fr="Officier - Politique et planification de la préparation du secteur civil",
        unit=RS,
        body=NATO_IS,
        direct_reports=2,
        indirect_reports=None,
        superiors=[
            Superior(order=2, roles=("Director",), unit=DPCD, evidence=ev(REPORTS_SENTENCE, "interrelationships")),
            Superior(order=1, roles=("Head",), unit=RS, evidence=ev(REPORTS_SENTENCE, "interrelationships")),
        ],
        facts=[
            Fact(RS, "partOf", DPCD, ev(SUMMARY_SENTENCE)),
            Fact(DPCD, "partOf", DPP, ev("The Defence Policy and Capabilities Directorate in DPP addresses deterrence.")),
            Fact(DPP, "supports", DPPC, ev(SUPPORTS_SENTENCE)),
            Fact(POST, "oversees", EPG, ev(OVERSEES_SENTENCE)),
            Fact(EPG, "partOf", CEPC, ev(OVERSEES_SENTENCE)),
            Fact(POST, "partOf", RS, ev(SUMMARY_SENTENCE)),
        ],
        mentions=[
            Mention(RS, "Resilience Section (RS)", ev(SUMMARY_SENTENCE)),
            Mention(RS, "Section Résilience", ev("La Section Résilience de la Division élabore des avis.", "summary", "fr")),
            Mention(DPP, "Defence Policy and Planning (DPP) Division", ev("The Defence Policy and Planning (DPP) Division leads work.")),
            Mention(EPG, "Energy Planning Group", ev(OVERSEES_SENTENCE)),
            Mention(CEPC, "Civil Emergency Planning Committee", ev(OVERSEES_SENTENCE)),
            Mention(DPPC, "Defence Policy and Planning Committee", ev(SUPPORTS_SENTENCE)),
        ],
    )


def posting_001() -> Posting:
    header = Header(
        title="Head, Capability Planning Support",
        reference="240700",
        location="Brussels, Belgium",
        body="NATO International Staff (NATO IS)",
        deadline="2024-07-01",
        grade="A3",
    )
    return Posting(
        source=SOURCE_1,
        sha256="cd" * 32,
        header=header,
        title=header.title,
        title_fr=None,
        unit=DPS,
        body=NATO_IS,
        direct_reports=None,
        indirect_reports=None,
        superiors=[
            Superior(
                order=1,
                roles=("Head", "Deputy Director"),
                unit=DPS,
                evidence=ev("The incumbent reports to the Deputy Director/Head of the Defence Planning Section.", "interrelationships"),
            ),
        ],
        facts=[
            Fact(POST, "heads", DSS, ev("The incumbent heads the Divisional Support Section.", "accountabilities")),
            Fact(POST, "coordinatesWith", IMS, ev("S/he works closely with the International Military Staff.", "interrelationships")),
            Fact(DPS, "partOf", DPP, ev("The Division's Defence Planning Section leads the NDPP.")),
        ],
        mentions=[
            Mention(DPS, "Defence Planning Section", ev("The Division's Defence Planning Section leads the NDPP.")),
            Mention(IMS, "International Military Staff", ev("S/he works closely with the International Military Staff.", "interrelationships")),
        ],
    )


def sample_corpus() -> Corpus:
    return Corpus(entities=sample_entities(), postings=[posting_000(), posting_001()])
