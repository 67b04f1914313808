"""Behaviour tests for kg.extract: names, types, relations and French names read from one notice.

The texts are written for these tests in the seeds' layout, but name other
divisions, committees and offices than the seeds do, so that what passes here
is the rules, not the seeds' words.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.extract import extract
from kg.extract.acronyms import looks_like_acronym, matches_long_form
from kg.extract.components import pipeline
from kg.extract.entities import name_key
from kg.extract.french import best_french_names, candidates
from kg.extract.lexicon import fold, words_correspond
from kg.extract.mentions import OrgMention
from kg.ingest import parse_notice
from kg.model import POST, Extraction, LocalEntity, Notice

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SEEDS = ROOT / "seeds"


def read_file(path: Path) -> Notice:
    """A notice file, parsed the way ingest parses text."""
    return parse_notice(path.read_text(encoding="utf-8"), path.name)


PASP = (
    "The Political Affairs and Security Policy (PASP) Division is responsible for the political aspects "
    "of NATO's security tasks."
)
PDD = "The Public Diplomacy Division (PDD) communicates NATO's policies and activities to audiences worldwide."
OPS = "The Operations Division (OPS) of the International Staff prepares NATO for crisis response."
ENGAGEMENTS = " Within PDD, the Engagements Directorate runs outreach."


# ------------------------------------------------------------------ helpers


def notice_text(
    summary: str = "",
    accountabilities: str = "",
    interrelationships: str = "",
    title: str = "Officer, Policy",
    french_summary: str | None = None,
    french_interrelationships: str | None = None,
) -> str:
    """A notice in the seeds' layout; the French half only when French text is given."""
    lines = [
        "VACANCY NOTIFICATION/ NOTIFICATION DE LA VACANCE DU POSTE", "",
        f"{title} - 259999", "",
        "Primary Location: Belgium-Brussels", "",
        "NATO Body: NATO International Staff (NATO IS)", "",
        "Schedule: Full-time", "",
        "Description:", "",
        "1. SUMMARY", "", summary, "",
        "2. QUALIFICATIONS AND EXPERIENCE", "", "ESSENTIAL", "", "The incumbent must:", "",
        "- possess a university degree;", "",
        "3. MAIN ACCOUNTABILITIES", "", accountabilities or "Perform any other related duty as assigned.", "",
        "4. INTERRELATIONSHIPS", "", interrelationships, "",
        "5. COMPETENCIES", "", "Teamwork: Solicits inputs and encourages others.", "",
    ]
    if french_summary is not None or french_interrelationships is not None:
        lines += [
            "Administratrice/Administrateur (politique) - 259999", "",
            "Emplacement principal : Belgique-Bruxelles", "",
            "Organisation : OTAN SI", "",
            "Description :", "",
            "1. RÉSUMÉ", "", french_summary or "", "",
            "4. STRUCTURE ET LIAISONS", "", french_interrelationships or "", "",
            "5. COMPÉTENCES", "", "Travail en équipe : sollicite des contributions.", "",
        ]
    return "\n".join(lines)


def extract_text(source: str = "extract_test.txt", **parts: str) -> Extraction:
    return extract(parse_notice(notice_text(**parts), source))


def mentions(sentence: str) -> list[OrgMention]:
    return list(pipeline("en")(sentence)._.org_mentions)


def named(mentions_: list[OrgMention]) -> list[OrgMention]:
    """The mentions that name one body (not a class of bodies, not "the Division")."""
    return [m for m in mentions_ if m.type and not m.generic and not m.anaphor]


def entity(x: Extraction, name: str) -> LocalEntity:
    """The entity one of whose English names has the key of ``name``, or whose acronym is ``name``."""
    found = [e for e in x.entities if name in e.acronyms
             or any(name_key(n) == name_key(name) for n in e.names.get("en", []))]
    assert len(found) == 1, f"{name!r} names {len(found)} entities: {[e.names for e in x.entities]}"
    return found[0]


def has_entity(x: Extraction, name: str) -> bool:
    return any(name in e.acronyms or any(name_key(n) == name_key(name) for n in e.names.get("en", []))
               for e in x.entities)


def triples(x: Extraction) -> set[tuple[str, str, str]]:
    return {(r.subject, r.predicate, r.object) for r in x.relations}


def part_of(x: Extraction, child: str, parent: str) -> bool:
    return (entity(x, child).id, "partOf", entity(x, parent).id) in triples(x)


def post_relation(x: Extraction, predicate: str, name: str) -> bool:
    return (POST, predicate, entity(x, name).id) in triples(x)


def post_objects(x: Extraction, predicate: str) -> set[str]:
    return {r.object for r in x.relations if r.subject == POST and r.predicate == predicate}


@pytest.fixture(scope="module")
def pasp_notice() -> Extraction:
    return extract(read_file(DATA / "extract_pasp_officer.txt"))


# ============================================================ pure functions


@pytest.mark.parametrize(
    ("short", "long"),
    [
        ("PASP", "Political Affairs and Security Policy"),
        ("JISD", "Joint Intelligence and Security Division"),
        ("PDD", "Public Diplomacy Division"),
        ("EM", "Executive Management"),
        ("NOS", "NATO Office of Security"),
        ("PPC", "Political and Partnerships Committee"),
        ("MC", "Military Committee"),
        ("CPD", "Committee on Public Diplomacy"),
        ("NMAs", "NATO Military Authorities"),
        ("pasp", "political affairs and security policy"),
    ],
)
def test_extract_matches_long_form_accepts_definitions(short: str, long: str) -> None:
    assert matches_long_form(short, long)


@pytest.mark.parametrize(
    ("short", "long"),
    [
        ("PASP", "Public Diplomacy Division"),
        ("JISD", "Joint Staff"),
        ("PPC", "Military Committee"),
        ("MC", "Political Committee"),  # the first letter must open a word
        ("XYZ", "Executive Management"),
        ("", "Public Diplomacy"),
        ("PDD", ""),
    ],
)
def test_extract_matches_long_form_rejects_other_names(short: str, long: str) -> None:
    assert not matches_long_form(short, long)


@pytest.mark.parametrize("text", ["PASP", "JISD", "PDD", "EM", "NOS", "NMAs", "SCs", "CEPC", "NATO", " PPC "])
def test_extract_looks_like_acronym_accepts_short_capitals(text: str) -> None:
    assert looks_like_acronym(text)


@pytest.mark.parametrize(
    "text", ["Division", "Head", "pasp", "P", "", "Political Affairs", "NATO IS", "Security", "(PASP)", "1ABC"]
)
def test_extract_looks_like_acronym_rejects_words(text: str) -> None:
    assert not looks_like_acronym(text)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Divisional Support Section", "Division Support Section"),
        ("Defence Policy and Planning Committee", "Defence Policy Planning Committee"),
        ("the Public Diplomacy Division", "Public Diplomacy Division"),
        ("NATO Office of Security", "Office of Security"),
        ("Political and Partnerships Committee", "Political & Partnerships Committee"),
        ("Joint Intelligence and Security Division", "JOINT INTELLIGENCE AND SECURITY DIVISION"),
        ("Multilateral Organizations Sections", "Multilateral Organizations Section"),
    ],
)
def test_extract_name_key_equal_for_one_name(one: str, other: str) -> None:
    assert name_key(one) == name_key(other)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Divisional Support Section", "Digital Support Section"),
        ("Public Diplomacy Division", "Public Diplomacy Directorate"),
        ("Resilience Section", "Resilience Committee"),
        ("Political and Partnerships Committee", "Political Committee"),
    ],
)
def test_extract_name_key_differs_for_other_names(one: str, other: str) -> None:
    assert name_key(one) != name_key(other)


@pytest.mark.parametrize(
    ("english", "french"),
    [
        ("policy", "politique"),
        ("support", "soutien"),
        ("security", "securite"),
        ("diplomacy", "diplomatie"),
        ("public", "publique"),
        ("intelligence", "renseignement"),
        ("affairs", "affaires"),
        ("military", "militaire"),
        ("partnerships", "partenariats"),
        ("digital", "numerique"),
        ("committee", "comite"),
        ("resilience", "resilience"),
    ],
)
def test_extract_words_correspond_for_translations(english: str, french: str) -> None:
    assert words_correspond(english, french)


@pytest.mark.parametrize(
    ("english", "french"),
    [("division", "section"), ("security", "soutien"), ("committee", "conseil"), ("public", "politique"), ("of", "de")],
)
def test_extract_words_correspond_not_for_other_words(english: str, french: str) -> None:
    assert not words_correspond(english, french)


@pytest.mark.parametrize(
    ("text", "expected", "acronym"),
    [
        ("La Division Affaires politiques et politique de sécurité (PASP) est chargée des affaires politiques.",
         "Division Affaires politiques et politique de sécurité", "PASP"),
        ("La Section Résilience de la Division élabore des avis.", "Section Résilience", None),
        ("Elle/Il travaille avec les autorités militaires de l'OTAN.", "autorités militaires de l'OTAN", None),
        ("Elle/Il assure la liaison avec le Bureau de sécurité de l'OTAN.", "Bureau de sécurité de l'OTAN", None),
        ("Le Comité politique et des partenariats (PPC) se réunit.", "Comité politique et des partenariats", "PPC"),
    ],
)
def test_extract_french_candidates_open_at_a_head_noun(text: str, expected: str, acronym: str | None) -> None:
    found = candidates(text)
    assert any(c.text == expected and c.acronym == acronym for c in found)
    assert all(fold(c.text.split()[0]) in {"division", "section", "autorites", "bureau", "comite"} for c in found)


@pytest.mark.parametrize(
    "text",
    [
        "la section résilience élabore des avis.",  # a lower-case head that never names a body alone
        "Le titulaire rédige des notes d'information.",
        "",
    ],
)
def test_extract_french_candidates_none_without_a_head(text: str) -> None:
    assert candidates(text) == ()


def test_extract_french_candidates_stop_at_a_verb_or_punctuation() -> None:
    found = candidates("La Section Organisations multilatérales qui assure le suivi; la Division Diplomatie publique.")
    texts = {c.text for c in found}
    assert "Section Organisations multilatérales" in texts
    assert not any("qui" in t or ";" in t or "assure" in t for t in texts)
    assert "Division Diplomatie publique" in texts


FRENCH_PARAGRAPH = (
    "La Division Affaires politiques et politique de sécurité (PASP) est chargée des affaires politiques. "
    "La Section Résilience de la Division élabore des avis. Elle/Il travaille avec les autorités militaires "
    "de l'OTAN, la Division Renseignement et sécurité (JISD) et le Comité militaire (MC)."
)


@pytest.mark.parametrize(
    ("names", "acronyms", "expected"),
    [
        (["Political Affairs and Security Policy Division"], ["PASP"],
         "Division Affaires politiques et politique de sécurité"),
        (["Resilience Section"], [], "Section Résilience"),
        (["NATO Military Authorities"], [], "autorités militaires de l'OTAN"),
        (["Joint Intelligence and Security Division"], ["JISD"], "Division Renseignement et sécurité"),
        (["Military Committee"], ["MC"], "Comité militaire"),
    ],
)
def test_extract_best_french_names_pick_the_translation(names: list[str], acronyms: list[str], expected: str) -> None:
    best = best_french_names(names, acronyms, candidates(FRENCH_PARAGRAPH), {})
    assert [c.text for _, c in best] == [expected]


@pytest.mark.parametrize("names", [["Public Diplomacy Division"], ["Executive Management Division"], ["Press Section"]])
def test_extract_best_french_names_none_for_an_absent_body(names: list[str]) -> None:
    assert best_french_names(names, [], candidates(FRENCH_PARAGRAPH), {}) == []


def test_extract_best_french_names_spell_out_an_acronym_in_the_name() -> None:
    pool = candidates("Elle/Il travaille au sein de la Division Affaires politiques et politique de sécurité.")
    best = best_french_names(["PASP Division"], [], pool, {"PASP": "Political Affairs and Security Policy"})
    assert [c.text for _, c in best] == ["Division Affaires politiques et politique de sécurité"]


# =================================================== mentions and their types


@pytest.mark.parametrize(
    ("sentence", "name", "type_", "acronym"),
    [
        ("The Political Affairs and Security Policy (PASP) Division leads political work.",
         "Political Affairs and Security Policy Division", "Division", "PASP"),
        ("The Joint Intelligence and Security Division (JISD) provides intelligence.",
         "Joint Intelligence and Security Division", "Division", "JISD"),
        ("The Executive Management (EM) Division runs the Headquarters.", "Executive Management Division", "Division", "EM"),
        ("She liaises with the NATO Office of Security (NOS) on clearances.", "NATO Office of Security", "Office", "NOS"),
        ("Brief the Political and Partnerships Committee (PPC) weekly.",
         "Political and Partnerships Committee", "Committee", "PPC"),
        ("They support the Military Committee in its work.", "Military Committee", "Committee", None),
        ("The Arms Control Directorate addresses disarmament.", "Arms Control Directorate", "Directorate", None),
        ("Within PASP, the Divisional Support Section (DSS) supports the ASG.", "Divisional Support Section", "Section", "DSS"),
        ("They draft content for the Media Operations Centre.", "Media Operations Centre", "Office", None),
        ("They chair the Partnership Review Group.", "Partnership Review Group", "Group", None),
        ("They brief the Office of Legal Affairs.", "Office of Legal Affairs", "Office", None),
    ],
)
def test_extract_mention_has_name_type_and_acronym(sentence: str, name: str, type_: str, acronym: str | None) -> None:
    found = [(m.name, m.type, m.acronym) for m in named(mentions(sentence))]
    assert found == [(name, type_, acronym)]


def test_extract_mention_leading_acronym_of_a_longer_name_is_no_acronym_of_it() -> None:
    found = mentions("The incumbent supports the NATO Office of Security and NATO.")
    office = next(m for m in found if m.type == "Office")
    assert (office.name, office.acronym) == ("NATO Office of Security", None)
    assert any(m.name == "NATO" and m.type is None for m in found)


def test_extract_mention_owner_committee_and_its_group() -> None:
    sentence = "S/he will oversee the work of the Civil Emergency Planning Committee's (CEPC) Industrial Resources Group."
    doc = pipeline("en")(sentence)
    committee, group = named(doc._.org_mentions)
    assert (committee.name, committee.type, committee.acronym) == ("Civil Emergency Planning Committee", "Committee", "CEPC")
    assert (group.name, group.type) == ("Industrial Resources Group", "Group")
    assert group.owner is not None and doc[group.owner[0]:group.owner[1]].text == "Civil Emergency Planning Committee"


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("They work with the Public Diplomacy (PDD) and Executive Management (EM) divisions.",
         [("Public Diplomacy Division", "PDD"), ("Executive Management Division", "EM")]),
        ("They work with the Security Policy (SP) and Maritime Logistics and Standards (MLS) divisions.",
         [("Security Policy Division", "SP"), ("Maritime Logistics and Standards Division", "MLS")]),
        ("They work with the Public Diplomacy (PDD), Executive Management (EM) and "
         "Joint Intelligence and Security (JISD) divisions.",
         [("Public Diplomacy Division", "PDD"), ("Executive Management Division", "EM"),
          ("Joint Intelligence and Security Division", "JISD")]),
        ("They liaise with the Press (PR) and Protocol (PRO) sections.",
         [("Press Section", "PR"), ("Protocol Section", "PRO")]),
    ],
)
def test_extract_mention_plural_head_shared_by_named_units(sentence: str, expected: list[tuple[str, str]]) -> None:
    found = named(mentions(sentence))
    assert [(m.name, m.acronym) for m in found] == expected
    assert len({m.type for m in found}) == 1


@pytest.mark.parametrize(
    "sentence",
    [
        "They work with other divisions and national authorities.",
        "They liaise with the National Military Authorities.",
        "They brief Allied and Partner Committee representatives.",
        "They are proficient in the Microsoft Office suite.",
        "They steward the relevant CEPC Planning Groups.",
        "They contribute to Organisational, Divisional and Directorate objectives.",
        "They contact relevant international organisations and partner agencies.",
        "They draft Council guidance for national delegations.",
    ],
)
def test_extract_generic_phrase_names_no_body(sentence: str) -> None:
    assert named(mentions(sentence)) == []


@pytest.mark.parametrize(
    "phrase",
    [
        "other divisions",
        "national authorities",
        "National Military Authorities",
        "Allied and Partner Committee",
        "Microsoft Office",
        "CEPC Planning Groups",
    ],
)
def test_extract_generic_phrase_gives_no_entity(phrase: str) -> None:
    x = extract_text(
        summary=PASP,
        accountabilities=(
            "Maintain contacts with other divisions and national authorities. Brief the National Military Authorities "
            "and Allied and Partner Committee representatives. Use the Microsoft Office suite. "
            "Steward the relevant CEPC Planning Groups."
        ),
        interrelationships="The incumbent reports to the Head, Multilateral Organizations Section.",
    )
    assert not has_entity(x, phrase)
    assert not any(phrase.lower() in n.lower() for e in x.entities for n in e.names.get("en", []))


@pytest.mark.parametrize(
    "sentence",
    [
        "The incumbent reports to the Section Head, ABC.",
        "They brief the Division Head and Section Heads.",
        "The Branch Chief, NOS, approves the plan.",
    ],
)
def test_extract_role_is_not_a_unit(sentence: str) -> None:
    doc = pipeline("en")(sentence)
    assert not [m for m in named(doc._.org_mentions) if m.type in ("Section", "Division")]
    assert any(ent.label_ == "ROLE" and ent.ent_id_ == "Head" for ent in doc.ents)


def test_extract_role_acronym_is_no_body() -> None:
    x = extract_text(
        summary=PDD,
        interrelationships="The incumbent reports to the ASG, Public Diplomacy and works closely with the DASG and the XO.",
    )
    assert not any(a in ("DASG", "ASG", "XO") for e in x.entities for a in e.acronyms)


def test_extract_mentions_are_stored_as_doc_spans() -> None:
    doc = pipeline("en")("Within PASP, the Divisional Support Section (DSS) briefs the Military Committee.")
    assert [(s.text, s.label_) for s in doc.spans["org"]] == [
        ("PASP", "ACRONYM"),
        ("Divisional Support Section", "Section"),
        ("Military Committee", "Committee"),
    ]


# ================================================================ containment


@pytest.mark.parametrize(
    ("summary", "child", "parent"),
    [
        (PASP + " Within PASP, the Divisional Support Section (DSS) supports the Assistant Secretary General.",
         "Divisional Support Section", "PASP"),
        (PASP + " The Arms Control Directorate in PASP addresses disarmament.", "Arms Control Directorate", "PASP"),
        (PDD + " The Engagements Directorate in the Public Diplomacy Division runs outreach.", "Engagements Directorate", "PDD"),
        (PDD + " The Division's Strategic Communications Section plans campaigns.", "Strategic Communications Section", "PDD"),
        (PDD + " The Press and Media Section within PDD runs the press office.", "Press and Media Section", "PDD"),
        (PASP + " The PASP Multilateral Organizations Section works with the United Nations.",
         "Multilateral Organizations Section", "PASP"),
        (OPS + " They liaise with the Operations and Plans Division of the IMS.", "Operations and Plans Division", "IMS"),
        (OPS + " Within the OPS Division, the Maritime Security Exercises (MSE) Section plans exercises.",
         "Maritime Security Exercises Section", "OPS"),
    ],
)
def test_extract_part_of_from_the_sentence(summary: str, child: str, parent: str) -> None:
    x = extract_text(summary=summary, interrelationships="The incumbent reports to the Head of Section.")
    assert part_of(x, child, parent)


def test_extract_part_of_owner_of_a_group() -> None:
    x = extract_text(
        summary=PASP + " S/he will oversee the work of the Civil Emergency Planning Committee's (CEPC) "
        "Industrial Resources Group.",
        interrelationships="The incumbent reports to the Head, Multilateral Organizations Section.",
    )
    assert part_of(x, "Industrial Resources Group", "CEPC")
    assert not part_of(x, "Industrial Resources Group", "PASP")


def test_extract_part_of_division_in_the_nato_body() -> None:
    x = extract_text(summary=PASP, interrelationships="The incumbent works closely with the Public Diplomacy Division.")
    assert part_of(x, "PASP", "NATO International Staff")
    assert part_of(x, "Public Diplomacy Division", "NATO International Staff")
    assert x.body == entity(x, "NATO International Staff").id


def test_extract_relations_are_not_repeated() -> None:
    x = extract_text(
        summary=PDD + " The Division's Strategic Communications Section plans campaigns. "
        "The PDD Strategic Communications Section also runs the website.",
        interrelationships="The incumbent reports to the Head, Strategic Communications Section.",
    )
    keys = [(r.subject, r.predicate, r.object) for r in x.relations]
    assert len(keys) == len(set(keys))


# ================================================================== reporting


def line(x: Extraction, order: int) -> tuple[tuple[str, ...], LocalEntity]:
    found = next(r for r in x.reporting if r.order == order)
    return found.roles, x.entity(found.unit)


def test_extract_reporting_two_steps_with_units_and_roles() -> None:
    x = extract_text(
        summary=PASP + " The Cooperative Security Directorate in PASP addresses partnerships.",
        interrelationships=(
            "The incumbent reports to the Head, PASP Multilateral Organizations Section and through them, "
            "to the Director for the Cooperative Security Directorate."
        ),
    )
    assert [r.order for r in x.reporting] == [1, 2]
    roles, unit = line(x, 1)
    assert roles == ("Head",) and unit is entity(x, "Multilateral Organizations Section")
    roles, unit = line(x, 2)
    assert roles == ("Director",) and unit is entity(x, "Cooperative Security Directorate")
    assert x.post.unit == entity(x, "Multilateral Organizations Section").id
    assert part_of(x, "Multilateral Organizations Section", "Cooperative Security Directorate")


@pytest.mark.parametrize(
    "interrelationships",
    [
        "The incumbent reports to the Section Head, MSE and, through them, to the Director Operations.",
        "The incumbent reports to the Head, MSE and through him/her to the Director, Operations.",
        "The post-holder reports to the Section Head, MSE and, through whom, to the Director Operations.",
    ],
)
def test_extract_reporting_director_named_by_words(interrelationships: str) -> None:
    x = extract_text(
        summary=OPS + " Within the OPS Division, the Maritime Security Exercises (MSE) Section plans exercises.",
        interrelationships=interrelationships,
    )
    roles, unit = line(x, 1)
    assert roles == ("Head",) and unit is entity(x, "MSE")
    roles, unit = line(x, 2)
    assert roles == ("Director",)
    assert unit.type == "Directorate" and name_key(unit.names["en"][0]) == name_key("Operations Directorate")
    assert part_of(x, "MSE", "Operations Directorate")
    assert part_of(x, "Operations Directorate", "OPS")


def test_extract_reporting_director_prefers_a_named_directorate() -> None:
    x = extract_text(
        summary=OPS + " The Operations Directorate in OPS runs current operations.",
        interrelationships=(
            "The incumbent reports to the Head, Crisis Exercises Section and, through them, to the Director Operations."
        ),
    )
    _, unit = line(x, 2)
    assert unit is entity(x, "Operations Directorate")
    assert len(x.entities) == len({e.id for e in x.entities})
    assert sum(1 for e in x.entities if e.type == "Directorate") == 1


@pytest.mark.parametrize(
    "interrelationships",
    [
        "The incumbent reports to the Deputy Director/Head of the Digital Outreach Section.",
        "The incumbent reports to the Deputy Director and Head of the Digital Outreach Section.",
    ],
)
def test_extract_reporting_deputy_director_and_head(interrelationships: str) -> None:
    x = extract_text(summary=PDD + ENGAGEMENTS, interrelationships=interrelationships)
    roles, unit = line(x, 1)
    assert set(roles) == {"Head", "Deputy Director"} and roles[0] == "Head"
    assert unit is entity(x, "Digital Outreach Section")
    assert part_of(x, "Digital Outreach Section", "Engagements Directorate")


@pytest.mark.parametrize(
    ("summary", "interrelationships", "division"),
    [
        (PDD, "The incumbent reports to the Assistant Secretary General, Public Diplomacy.", "PDD"),
        (PDD, "The incumbent reports to the ASG, Public Diplomacy, and works with the DASG.", "PDD"),
        (PDD, "The incumbent reports to the Assistant Secretary General for Public Diplomacy.", "PDD"),
        (PASP, "The incumbent reports to the Assistant Secretary General, Political Affairs and Security Policy.", "PASP"),
        ("The Strategic Foresight Division (SFD) looks ahead.",
         "The incumbent reports to the Assistant Secretary General, Strategic Foresight.", "SFD"),
    ],
)
def test_extract_reporting_asg_of_a_division(summary: str, interrelationships: str, division: str) -> None:
    x = extract_text(summary=summary, interrelationships=interrelationships)
    roles, unit = line(x, 1)
    assert roles == ("Assistant Secretary General",)
    assert unit is entity(x, division) and unit.type == "Division"
    assert x.post.unit == unit.id


@pytest.mark.parametrize(
    ("interrelationships", "unit"),
    [
        ("The incumbent reports to the Head, Press and Media Section.", "Press and Media Section"),
        ("The incumbent reports directly to the Director, Engagements Directorate.", "Engagements Directorate"),
        ("The incumbent reports to the Director.", "Engagements Directorate"),
        ("The incumbent reports to the Head of the Digital Outreach Section.", "Digital Outreach Section"),
    ],
)
def test_extract_post_unit_follows_the_superior(interrelationships: str, unit: str) -> None:
    x = extract_text(summary=PDD + ENGAGEMENTS, interrelationships=interrelationships)
    assert x.post.unit == entity(x, unit).id


def test_extract_reporting_none_gives_a_warning() -> None:
    x = extract_text(summary=PDD, interrelationships="The incumbent works closely with the Press and Media Section.")
    assert x.reporting == []
    assert any("reporting" in w for w in x.warnings)


# ============================================================= post relations


@pytest.mark.parametrize(
    ("title", "summary"),
    [
        ("Head, Protocol Section", PASP),
        ("Head, Protocol Section and Executive Officer (XO)", PASP),
        ("Officer, Protocol", PASP + " In addition, the incumbent will be the Head of the Protocol Section."),
        ("Officer, Protocol", PASP + " The incumbent will have direct management responsibility over the Protocol Section."),
        ("Officer, Protocol", PASP + " The incumbent will lead and manage the Protocol Section."),
    ],
)
def test_extract_heads_the_section(title: str, summary: str) -> None:
    x = extract_text(
        title=title, summary=summary,
        interrelationships="The incumbent reports to the ASG, Political Affairs and Security Policy.",
    )
    assert post_relation(x, "heads", "Protocol Section")
    assert x.post.unit == entity(x, "Protocol Section").id


def test_extract_heads_nothing_for_an_officer() -> None:
    x = extract_text(summary=PASP, interrelationships="The incumbent reports to the Head, Protocol Section.")
    assert post_objects(x, "heads") == set()


@pytest.mark.parametrize(
    "sentence",
    [
        "S/he will oversee the work of the Civil Emergency Planning Committee's (CEPC) Industrial Resources Group.",
        "The incumbent is responsible for the management of the Partnership Review Group.",
        "The incumbent will supervise the Partnership Review Group.",
        "Oversee and report on the work of the Partnership Review Group.",
    ],
)
def test_extract_oversees_a_group(sentence: str) -> None:
    x = extract_text(
        summary=PASP, accountabilities=sentence, interrelationships="The incumbent reports to the Head, Protocol Section."
    )
    (group,) = [e for e in x.entities if e.type == "Group"]
    assert (POST, "oversees", group.id) in triples(x)


def test_extract_oversees_no_group_without_a_cue() -> None:
    x = extract_text(
        summary=PASP + " The Division's Partnership Review Group meets monthly.",
        interrelationships="The incumbent reports to the Head, Protocol Section.",
    )
    assert post_objects(x, "oversees") == set()


@pytest.mark.parametrize(
    ("accountabilities", "committees"),
    [
        ("Prepare briefing notes for the Political and Partnerships Committee (PPC).", {"PPC"}),
        ("Support the Military Committee (MC) and the Political and Partnerships Committee (PPC).", {"MC", "PPC"}),
        ("Prepare papers for the PPC in line with Council guidance.", {"PPC"}),
        ("Prepare papers for the PPC in line with NAC guidance.", {"PPC"}),
        ("S/he will oversee the work of the Deputies Committee's (DPRC) Partnership Review Group.", set()),
    ],
)
def test_extract_supports_committees_of_the_duties(accountabilities: str, committees: set[str]) -> None:
    x = extract_text(
        summary=PASP + " The Division serves the Political and Partnerships Committee (PPC).",
        accountabilities=accountabilities,
        interrelationships="The incumbent reports to the Head, Protocol Section.",
    )
    supported = {x.entity(i).acronyms[0] if x.entity(i).acronyms else x.entity(i).reference_key
                 for i in post_objects(x, "supports")}
    assert supported == committees


@pytest.mark.parametrize(
    "sentence",
    [
        "S/he will liaise closely with the Joint Intelligence and Security Division (JISD).",
        "S/he works closely with the Joint Intelligence and Security Division (JISD).",
        "S/he coordinates with the Joint Intelligence and Security Division (JISD).",
        "S/he maintains close working relationships with the Joint Intelligence and Security Division (JISD).",
        "S/he collaborates with the Joint Intelligence and Security Division (JISD) on threat assessments.",
        "Engage with the Joint Intelligence and Security Division (JISD) on threat assessments.",
        "The incumbent works in close liaison with the Joint Intelligence and Security Division (JISD).",
    ],
)
def test_extract_coordinates_with_after_a_cue(sentence: str) -> None:
    x = extract_text(summary=PASP, interrelationships="The incumbent reports to the Head, Protocol Section. " + sentence)
    assert post_relation(x, "coordinatesWith", "JISD")


def test_extract_coordinates_with_not_own_units_nor_body_nor_committees() -> None:
    x = extract_text(
        summary=PASP,
        interrelationships=(
            "The incumbent reports to the Head, Protocol Section. S/he works closely with the PASP Division, the Protocol "
            "Section, the International Staff, the Political and Partnerships Committee (PPC) and the NATO Office of Security."
        ),
    )
    coordinated = post_objects(x, "coordinatesWith")
    assert coordinated == {entity(x, "NATO Office of Security").id}


def test_extract_coordinates_with_nothing_named_before_the_cue() -> None:
    x = extract_text(
        summary=PASP,
        interrelationships=(
            "The Public Diplomacy Division publishes the incumbent's papers, and the incumbent coordinates with "
            "the NATO Office of Security."
        ),
    )
    assert post_objects(x, "coordinatesWith") == {entity(x, "NATO Office of Security").id}


@pytest.mark.parametrize(
    ("summary", "unit", "committees"),
    [
        (PASP + " The Division serves the Political and Partnerships Committee (PPC) and the Military Committee (MC).",
         "PASP", {"PPC", "MC"}),
        (PASP + " The PASP Division supports the PPC and the MC.", "PASP", {"PPC", "MC"}),
        (PDD + " It helps the committees served by PDD, in particular the Committee on Public Diplomacy (CPD).", "PDD", {"CPD"}),
        (PDD + " Within PDD, the Press Section supports the Committee on Public Diplomacy (CPD).", "Press Section", {"CPD"}),
    ],
)
def test_extract_unit_supports_committees(summary: str, unit: str, committees: set[str]) -> None:
    x = extract_text(summary=summary, interrelationships="The incumbent reports to the Head of the Protocol Section.")
    subject = entity(x, unit).id
    supported = {x.entity(r.object).acronyms[0] for r in x.relations if r.subject == subject and r.predicate == "supports"}
    assert supported == committees


# =============================================================== report counts


@pytest.mark.parametrize(
    ("text", "direct", "indirect"),
    [
        ("Direct reports: 3\n\nIndirect reports: N/a", 3, None),
        ("Direct reports: N/a\n\nIndirect report: 12", None, 12),
        ("Direct reports: 0\n\nIndirect reports: 0", 0, 0),
        ("Direct reports: none\n\nIndirect reports: 7", None, 7),
        ("", None, None),
    ],
)
def test_extract_report_counts(text: str, direct: int | None, indirect: int | None) -> None:
    x = extract_text(summary=PDD, interrelationships="The incumbent reports to the Head, Press Section.\n\n" + text)
    assert (x.post.direct_reports, x.post.indirect_reports) == (direct, indirect)


# ================================================================ French names


@pytest.mark.parametrize(
    ("english", "french"),
    [
        ("PASP", "Division Affaires politiques et politique de sécurité"),
        ("PPC", "Comité politique et des partenariats"),
        ("MC", "Comité militaire"),
        ("Cooperative Security Directorate", "Direction Sécurité coopérative"),
        ("Resilience Section", "Section Résilience"),
        ("Industrial Resources Group", "Groupe des ressources industrielles"),
        ("Public Diplomacy Division", "Division Diplomatie publique"),
        ("NATO Office of Security", "Bureau de sécurité de l'OTAN"),
        ("JISD", "Division Renseignement et sécurité"),
        ("NATO Military Authorities", "autorités militaires de l'OTAN"),
    ],
)
def test_extract_french_name_aligned(pasp_notice: Extraction, english: str, french: str) -> None:
    assert entity(pasp_notice, english).names["fr"][0] == french


def test_extract_french_name_generic_phrase_not_taken(pasp_notice: Extraction) -> None:
    names = [n for e in pasp_notice.entities for n in e.names.get("fr", [])]
    assert not any(n.startswith("autorités militaires nationales") for n in names)
    assert not any(n.startswith("autres divisions") for n in names)


def test_extract_french_name_evidence_is_the_french_sentence(pasp_notice: Extraction) -> None:
    section = entity(pasp_notice, "Resilience Section")
    french = [ev for surface, ev in section.evidence if ev.lang == "fr"]
    assert french and "Section Résilience" in french[0].sentence


def test_extract_french_names_in_a_small_notice() -> None:
    x = extract_text(
        summary=PDD + " Within PDD, the Press and Media Section briefs journalists.",
        interrelationships=(
            "The incumbent reports to the Head, Press and Media Section and works with the NATO Military Authorities."
        ),
        french_summary=(
            "La Division Diplomatie publique (PDD) fait connaître les politiques de l'OTAN. Au sein de la Division PDD, "
            "la Section Presse et médias informe les journalistes."
        ),
        french_interrelationships=(
            "La/Le titulaire du poste relève de la/du chef de la Section Presse et médias et travaille avec les "
            "autorités militaires de l'OTAN."
        ),
    )
    assert entity(x, "Press and Media Section").names["fr"][0] == "Section Presse et médias"
    assert entity(x, "PDD").names["fr"][0] == "Division Diplomatie publique"
    assert entity(x, "NATO Military Authorities").names["fr"][0] == "autorités militaires de l'OTAN"


def test_extract_english_only_notice_has_no_french_names() -> None:
    x = extract_text(summary=PDD, interrelationships="The incumbent reports to the Head, Press Section.")
    assert all(not e.names.get("fr") for e in x.entities if e.reference_key is None)


# =========================================================== a whole notice


def test_extract_whole_notice_relations(pasp_notice: Extraction) -> None:
    x = pasp_notice
    assert x.post.title == "Officer, Multilateral Organizations"
    assert x.post.unit == entity(x, "Multilateral Organizations Section").id
    assert part_of(x, "Multilateral Organizations Section", "PASP")
    assert part_of(x, "Multilateral Organizations Section", "Cooperative Security Directorate")
    assert part_of(x, "Cooperative Security Directorate", "PASP")
    assert part_of(x, "Resilience Section", "PASP")
    assert part_of(x, "Industrial Resources Group", "CEPC")
    assert post_relation(x, "oversees", "Industrial Resources Group")
    assert post_relation(x, "supports", "PPC")
    assert not post_relation(x, "supports", "CEPC")
    assert {x.entity(i).reference_key for i in post_objects(x, "coordinatesWith")} == {"pdd", "nos", "jisd", "nma"}
    assert (entity(x, "PASP").id, "supports", entity(x, "PPC").id) in triples(x)
    assert (entity(x, "PASP").id, "supports", entity(x, "MC").id) in triples(x)
    assert (x.post.direct_reports, x.post.indirect_reports) == (None, None)
    assert x.warnings == []


def test_extract_whole_notice_types(pasp_notice: Extraction) -> None:
    types = {e.names["en"][0]: e.type for e in pasp_notice.entities if e.names.get("en")}
    assert types["Political Affairs and Security Policy Division"] == "Division"
    assert types["Cooperative Security Directorate"] == "Directorate"
    assert types["Resilience Section"] == "Section"
    assert types["Industrial Resources Group"] == "Group"
    assert types["Political and Partnerships Committee"] == "Committee"
    assert types["NATO Office of Security"] == "Office"
    assert types["United Nations"] == "Organization"


def test_extract_whole_notice_every_relation_has_evidence(pasp_notice: Extraction) -> None:
    ids = {e.id for e in pasp_notice.entities}
    for relation in pasp_notice.relations:
        assert relation.subject in ids | {POST} and relation.object in ids
        assert relation.evidence.lang == "en"
    for step in pasp_notice.reporting:
        assert "reports to" in step.evidence.sentence


def test_extract_notice_without_english_reads_the_french_half() -> None:
    x = extract(read_file(DATA / "ingest_french_only.txt"))
    division = next(e for e in x.entities if e.type == "Division")
    assert division.acronyms == ["DPP"] and division.names["fr"] == ["Division Politique et plans de défense"]
    assert "no English text: read from the French half" in x.warnings


# ================================================================ robustness


def _seed_lines() -> list[str]:
    return [line for path in sorted(SEEDS.glob("*.txt")) for line in path.read_text(encoding="utf-8").splitlines()]


SEED_LINES = _seed_lines()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_extract_never_raises_on_arbitrary_text(text: str) -> None:
    assert isinstance(extract(parse_notice(text)), Extraction)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(st.sampled_from(SEED_LINES), max_size=80), st.sampled_from(["\n", "\n\n", " "]))
def test_extract_never_raises_on_shuffled_seed_lines(lines: list[str], joint: str) -> None:
    x = extract(parse_notice(joint.join(lines)))
    assert isinstance(x, Extraction)
    ids = {e.id for e in x.entities}
    assert all(r.object in ids for r in x.relations)
    assert x.post.unit is None or x.post.unit in ids


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from([
    "The", "the", "Division", "Section", "Directorate", "Committee", "Group", "Office", "of", "and", ",", "(", ")",
    "PASP", "JISD", "Head", "Director", "reports", "to", "through", "them", "'s", "Public", "Diplomacy", "divisions",
    "Within", "in", "oversee", "liaise", "with", "serves", ".", "Deputy", "/", "ASG", "Executive",
]), max_size=40))
def test_extract_never_raises_on_organisational_word_salad(words: list[str]) -> None:
    sentence = " ".join(words)
    x = extract(parse_notice(notice_text(summary=sentence, interrelationships=sentence)))
    assert isinstance(x, Extraction)


# ========================================== fast paths give what the plain ones give


ROLE_SENTENCES = [
    "The incumbent reports to the Head, Resilience Section and, through them, to the Director.",
    "The post reports to the Deputy Assistant Secretary General (DASG) and the ASG.",
    "Head of Section, Deputy Director/Head of the Planning Section, the Executive Officer (XO).",
    "the head of division meets the HEAD and the Chief; the section head and the chief executive officer",
    "Secretary General, Deputy Secretary General, Assistant Secretary General, secretary general",
    "No role here.",
    "",
]
ROLE_WORDS_ = ["Head", "HEAD", "head", "of", "Section", "section", "Deputy", "deputy", "Director", "director",
               "Assistant", "Secretary", "General", "secretary", "general", "Executive", "Officer", "officer",
               "Chief", "chief", "DASG", "Dasg", "ASG", "XO", "Xo", "xo", "Division", "division", ",", ".", "("]


def _ruler_pipeline():
    """An EntityRuler with the role rule written plainly: a single word in capitals or capitalised, a phrase in any case."""
    import spacy

    from kg.extract.lexicon import ROLE_PHRASES

    patterns = []
    for phrase, role in ROLE_PHRASES.items():
        words = phrase.split()
        if len(words) == 1:
            tokens = [{"TEXT": {"IN": [phrase.upper(), phrase.capitalize()]}}]
        else:
            tokens = [{"LOWER": w} for w in words]
        patterns.append({"label": "ROLE", "pattern": tokens, "id": role})
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("entity_ruler").add_patterns(patterns)
    return nlp


RULER = _ruler_pipeline()


def _roles(doc) -> tuple[bool, list[tuple[int, int, str, str]]]:
    return doc.has_annotation("ENT_IOB"), [(e.start, e.end, e.label_, e.ent_id_) for e in doc.ents]


@pytest.mark.parametrize("sentence", ROLE_SENTENCES)
def test_extract_roles_are_the_entity_ruler_s(sentence: str) -> None:
    assert _roles(pipeline("en")(sentence)) == _roles(RULER(sentence))


@settings(max_examples=80, deadline=None)
@given(st.lists(st.sampled_from(ROLE_WORDS_), max_size=30))
def test_extract_roles_are_the_entity_ruler_s_on_role_word_salad(words: list[str]) -> None:
    sentence = " ".join(words)
    assert _roles(pipeline("en")(sentence)) == _roles(RULER(sentence))


@pytest.mark.parametrize("text", [
    "The Division's Resilience Section (RS) serves the Council. It reports to the Head.\nA new line (ABC) here.",
    "Within PASP, the Divisional Support Section (DSS) briefs the Military Committee.  Two  spaces.",
    "One sentence",
])
def test_extract_read_doc_texts_are_spacy_s(text: str) -> None:
    from kg.extract.notice import ReadDoc

    doc = pipeline("en")(text)
    read = ReadDoc.of(doc, text, "summary")
    for start in range(len(doc)):
        for end in range(start + 1, len(doc) + 1):
            assert read.span_text(start, end) == doc[start:end].text
            assert read.sentence_text(start) == doc[start:end].sent.text
    assert read.sentences == [(s.start, s.end) for s in doc.sents]


def _seed_paragraphs() -> list[list[str]]:
    from kg.extract.notice import _paragraphs_of

    return [_paragraphs_of(read_file(path)) for path in sorted(SEEDS.glob("*.txt"))]


SEED_PARAGRAPHS = _seed_paragraphs()
CASE_CHANGES = {"as is": str, "lower": str.lower, "upper": str.upper, "title": str.title}


@pytest.mark.parametrize("change", sorted(CASE_CHANGES))
def test_extract_casing_learnt_for_its_paragraphs_restores_as_the_full_model(change: str) -> None:
    from kg.extract.casing import CaseModel, NoticeCasing, needs_restoring

    for paragraphs in SEED_PARAGRAPHS:
        paragraphs = [CASE_CHANGES[change](p) if i % 3 == 0 else p for i, p in enumerate(paragraphs)]
        full = CaseModel.learn(paragraphs)
        casing = NoticeCasing(paragraphs)
        for paragraph in paragraphs:
            text = paragraph.strip()
            assert casing.needs_restoring(text) == needs_restoring(text)
            for lang in ("en", "fr"):
                assert casing.restore(text, lang) == full.restore(text, lang)


def test_extract_casing_restores_a_text_it_was_not_learnt_for() -> None:
    from kg.extract.casing import CaseModel, NoticeCasing

    paragraphs = ["The Defence Policy and Planning Division leads the work.", "- have experience in defence policy;"]
    casing = NoticeCasing(paragraphs)
    assert casing.restore(paragraphs[1]) == CaseModel.learn(paragraphs).restore(paragraphs[1])
    other = "the defence policy and planning division and the council."
    assert casing.restore(other) == CaseModel.learn(paragraphs).restore(other)


def _all_scored(names: list[str], acronyms: list[str], pool: list, expansions: dict[str, str]) -> list:
    """best_french_names without its index: every candidate scored against every word list."""
    from kg.extract.french import english_word_lists, score

    lists = english_word_lists(names, expansions)
    scored = []
    for candidate in pool:
        value = max((score(words, candidate) for words in lists), default=-1.0)
        if candidate.acronym and candidate.acronym in acronyms:
            value = max(value, 0.0) + 3.0
        if value > 0:
            scored.append((value, candidate))
    top = max((v for v, _ in scored), default=None)
    best, seen = [], set()
    for value, candidate in scored:
        if value == top and candidate.text not in seen:
            seen.add(candidate.text)
            best.append((value, candidate))
    return best


@pytest.mark.parametrize("path", sorted(SEEDS.glob("*.txt")), ids=lambda p: p.name[:3])
def test_extract_french_pool_finds_what_scoring_every_candidate_finds(path: Path) -> None:
    from kg.extract.french import CandidatePool
    from kg.extract.notice import NAME_SECTIONS, _PARAGRAPHS

    notice = read_file(path)
    part = notice.part("fr")
    pool = [c for s in part.sections if s.key in NAME_SECTIONS for p in _PARAGRAPHS.split(s.text) for c in candidates(p)]
    indexed = CandidatePool(pool)
    x = extract(notice)
    expansions = {a: e.names["en"][0] for e in x.entities for a in e.acronyms if e.names.get("en")}
    for e in x.entities:
        names = e.names.get("en", [])
        assert best_french_names(names, e.acronyms, indexed, expansions) == _all_scored(names, e.acronyms, pool, expansions)


@pytest.mark.parametrize("path", sorted(SEEDS.glob("*.txt")) + sorted(DATA.glob("noisy_*.txt")), ids=lambda p: p.name)
def test_extract_extraction_pickles_and_repeats(path: Path) -> None:
    import pickle

    notice = read_file(path)
    first = extract(notice)
    data = pickle.dumps(first)
    assert pickle.loads(data) == first
    assert b"spacy" not in data and b"thinc" not in data
    assert pickle.dumps(extract(notice)) == data


CASING_PIECES = ["the", "THE", "Defence", "DEFENCE", "policy", "Policy", "section", "SECTION", "Division", "staff",
                 "(DPP)", "dpp", "NATO", "l'OTAN", "É", "é", ".", ";", ":", "!", "?", "\n", "\n\n", ",", "-", "’s"]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(st.sampled_from(CASING_PIECES), max_size=25).map(" ".join), min_size=1, max_size=5))
def test_extract_casing_learnt_for_its_paragraphs_restores_as_the_full_model_on_word_salad(paragraphs: list[str]) -> None:
    from kg.extract.casing import CaseModel, NoticeCasing, needs_restoring

    full = CaseModel.learn(paragraphs)
    casing = NoticeCasing(paragraphs)
    for paragraph in paragraphs:
        text = paragraph.strip()
        assert casing.needs_restoring(text) == needs_restoring(text)
        assert casing.restore(text) == full.restore(text)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.sampled_from(["Section", "SECTION", "sections", "Divisions", "office", "Office's", "of", "the",
                                 "Staff", "Group", "groups", "Directorate", "Head", "(", ")", "NATO", "Branch"]),
                max_size=30))
def test_extract_head_nouns_are_the_words_whose_lower_case_is_a_head(words: list[str]) -> None:
    from kg.extract.components import HEAD_WORDS

    nlp = pipeline("en")
    doc = nlp.make_doc(" ".join(words))
    finder = nlp.get_pipe("natokg_org_mentions")
    assert sorted(start for _, start, _ in finder.heads(doc)) == [t.i for t in doc if t.lower_ in HEAD_WORDS]
