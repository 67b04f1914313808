"""Tests for kg.ingest: reading, normalising and splitting vacancy notices."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.errors import InputError
from kg.ingest import collect, normalise, parse_notice, read_notice
from kg.model import Header, Notice

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
DATA = Path(__file__).resolve().parent / "data"

#: seed prefix -> (reference, title, deadline, salary, grade, clearance)
SEED_HEADERS: dict[str, tuple[str, str, str, float, str, str | None]] = {
    "000": ("240696", "Officer - Civil Preparedness Policy and Planning", "2024-05-16", 8754.21, "G20", None),
    "001": ("241656", "Head, Divisional Support Section and Executive Officer (XO)", "2024-12-15", 8754.21, "G20", "CTS/A"),
    "002": ("250138", "Officer, Defence Planning", "2025-03-02", 9253.21, "G20", "NS"),
    "003": ("250854", "Officer, Crisis Response Systems and Exercises", "2025-06-15", 9253.21, "G20", None),
    "004": ("250048", "Officer, Resilience Policy and Planning", "2025-02-23", 9253.21, "G20", "NS"),
}


def seed(prefix: str) -> Notice:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return read_notice(path)


def header_of(*lines: str) -> Header:
    """The header of a small notice whose header block is ``lines``."""
    text = "\n".join(
        [
            "VACANCY NOTIFICATION",
            "",
            "Officer, Test Section",
            "",
            *lines,
            "",
            "Description",
            "",
            "1. SUMMARY",
            "",
            "The incumbent works in the Test Section.",
        ]
    )
    return parse_notice(text).header


# ===================================================================== seeds


@pytest.mark.parametrize("prefix", sorted(SEED_HEADERS))
def test_ingest_seed_has_english_then_french_half(prefix: str) -> None:
    notice = seed(prefix)
    assert [part.lang for part in notice.parts] == ["en", "fr"]


@pytest.mark.parametrize("prefix", sorted(SEED_HEADERS))
def test_ingest_seed_header_fields(prefix: str) -> None:
    reference, title, deadline, salary, grade, clearance = SEED_HEADERS[prefix]
    header = seed(prefix).part("en").header
    assert header.reference == reference
    assert header.title == title
    assert header.deadline == deadline
    assert header.salary == pytest.approx(salary)
    assert header.currency == "EUR"
    assert header.salary_period == "Monthly"
    assert header.grade == grade
    assert header.clearance == clearance
    assert header.location == "Brussels, Belgium"
    assert header.body == "NATO International Staff (NATO IS)"
    assert header.schedule == "Full-time"


@pytest.mark.parametrize("prefix", sorted(SEED_HEADERS))
def test_ingest_seed_french_header_matches_english(prefix: str) -> None:
    notice = seed(prefix)
    english, french = notice.part("en").header, notice.part("fr").header
    assert french.deadline == english.deadline
    assert french.reference == english.reference
    assert french.salary == pytest.approx(english.salary)
    assert french.grade == english.grade
    assert french.clearance == english.clearance
    assert french.location == "Bruxelles, Belgique"
    assert french.body == "OTAN SI"
    assert french.salary_period == "Mensuelle"
    assert french.title and french.title.startswith(("Administratrice", "Chef"))


@pytest.mark.parametrize("prefix", sorted(SEED_HEADERS))
def test_ingest_seed_main_sections_in_both_halves(prefix: str) -> None:
    notice = seed(prefix)
    for part in notice.parts:
        for key in ("summary", "accountabilities", "interrelationships"):
            section = part.section(key)
            assert section is not None, (part.lang, key)
            assert section.text


@pytest.mark.parametrize("prefix", sorted(SEED_HEADERS))
def test_ingest_seed_sections_in_order(prefix: str) -> None:
    expected = [
        "summary",
        "qualifications",
        "accountabilities",
        "interrelationships",
        "competencies",
        "contract",
        "application",
        "additional",
    ]
    for part in seed(prefix).parts:
        keys = [section.key for section in part.sections if section.key != "description"]
        assert keys == expected


@pytest.mark.parametrize("prefix", sorted(SEED_HEADERS))
def test_ingest_seed_banner(prefix: str) -> None:
    banner = seed(prefix).banner
    assert banner[0] == "NORTH ATLANTIC TREATY ORGANIZATION INTERNATIONAL STAFF"
    assert banner[1].startswith("ORGANISATION DU TRAITÉ DE L'ATLANTIQUE NORD")


def test_ingest_seed_001_direct_reports_stay_in_interrelationships() -> None:
    notice = seed("001")
    assert "Direct reports: 6" in notice.part("en").section("interrelationships").text
    assert "Nombre de subordonné(e)s direct(e)s : 6" in notice.part("fr").section("interrelationships").text


def test_ingest_seed_001_description_preamble() -> None:
    notice = seed("001")
    for part in notice.parts:
        assert part.sections[0].key == "description"
    english = notice.part("en").section("description").text
    assert english.startswith("Appointment to this post is linked to the availability of funds")
    assert "1. SUMMARY" not in english


def test_ingest_seed_003_french_title_over_two_bold_lines() -> None:
    header = seed("003").part("fr").header
    assert header.title == "Administratrice/Administrateur (systèmes et exercices de réponse aux crises)"
    assert header.reference == "250854"


def test_ingest_seed_english_half_stops_before_french_title() -> None:
    for prefix in SEED_HEADERS:
        additional = seed(prefix).part("en").section("additional").text
        assert "Administratrice" not in additional and "Chef de la Section" not in additional


def test_ingest_seed_broken_paragraph_joined() -> None:
    summary = seed("000").part("en").section("summary").text
    assert "relevant international organisations. Adaptability" in summary


def test_ingest_seed_text_and_hash() -> None:
    path = next(SEEDS.glob("000_*.txt"))
    notice = read_notice(path)
    assert notice.source == path.name
    assert notice.text == normalise(path.read_text(encoding="utf-8"))
    assert notice.sha256 == hashlib.sha256(notice.text.encode("utf-8")).hexdigest()


@pytest.mark.parametrize("path", sorted(SEEDS.glob("*.txt")), ids=lambda p: p.name[:3])
def test_ingest_normalise_is_idempotent_on_seeds(path: Path) -> None:
    once = normalise(path.read_text(encoding="utf-8"))
    assert normalise(once) == once


# ==================================================================== header


@pytest.mark.parametrize(
    ("line", "field", "expected"),
    [
        ("Grade: NATO Grade G20", "grade", "G20"),
        ("Grade NATO Grade G20", "grade", "G20"),
        ("Grade : NATO Grade G20", "grade", "G20"),
        ("Grade: G17-G20", "grade", "G17-G20"),
        ("Grade: A.4", "grade", "A.4"),
        ("Clearance Level CTS/A", "clearance", "CTS/A"),
        ("Clearance Level: NS", "clearance", "NS"),
        ("Niveau de l'habilitation de sécurité NS", "clearance", "NS"),
        ("Application Deadline: 16-May-2024, 11:59:00 PM", "deadline", "2024-05-16"),
        ("Application Deadline: 15-Dec-2024", "deadline", "2024-12-15"),
        ("Date de retrait : 16-mai-2024, 23:59:00", "deadline", "2024-05-16"),
        ("Date de retrait: 16-mai-2024, 23:59:00", "deadline", "2024-05-16"),
        ("Date de retrait : 15-déc.-2024", "deadline", "2024-12-15"),
        ("Date de retrait : 23-févr.-2025", "deadline", "2025-02-23"),
        ("Date de retrait : 02-mars-2025", "deadline", "2025-03-02"),
        ("Date de retrait : 15-juin-2025", "deadline", "2025-06-15"),
        ("Date de retrait : 1er juillet 2025", "deadline", "2025-07-01"),
        ("Deadline: 13-Jan-2025", "deadline", "2025-01-13"),
        ("Deadline: 2025-01-13", "deadline", "2025-01-13"),
        ("Deadline: 13/01/2025", "deadline", "2025-01-13"),
        ("Deadline: January 13, 2025", "deadline", "2025-01-13"),
        ("Deadline: 13 Sept. 2025", "deadline", "2025-09-13"),
        ("Deadline: 31-Feb-2025", "deadline", None),
        ("Deadline: as soon as possible", "deadline", None),
        ("Salary (Pay Basis): 8,754.21Euro (EUR) Monthly", "salary", 8754.21),
        ("Salaire (Base de paie) : 8 754,21Euro (EUR) Mensuelle", "salary", 8754.21),
        ("Salaire (Base de paie) : 8\u00a0754,21Euro (EUR) Mensuelle", "salary", 8754.21),
        ("Salary: 9253.21 EUR Monthly", "salary", 9253.21),
        ("Salary: 10,000 Euro", "salary", 10000.0),
        ("Salary (Pay Basis): 8,754.21Euro (EUR) Monthly", "currency", "EUR"),
        ("Salary: 8754.21 Euro per month", "currency", "EUR"),
        ("Salary (Pay Basis): 8,754.21Euro (EUR) Monthly", "salary_period", "Monthly"),
        ("Salaire (Base de paie) : 8 754,21Euro (EUR) Mensuelle", "salary_period", "Mensuelle"),
        ("Primary Location: Belgium-Brussels", "location", "Brussels, Belgium"),
        ("Emplacement principal : Belgique-Bruxelles", "location", "Bruxelles, Belgique"),
        ("Location: Mons", "location", "Mons"),
        ("NATO Body: NATO International Staff (NATO IS)", "body", "NATO International Staff (NATO IS)"),
        ("Organisation : OTAN SI", "body", "OTAN SI"),
        ("Schedule: Full-time", "schedule", "Full-time"),
        ("Horaire : Temps plein", "schedule", "Temps plein"),
        ("Ref: 241797", "reference", "241797"),
        ("Reference: 241797", "reference", "241797"),
        ("Référence : 241797", "reference", "241797"),
    ],
)
def test_ingest_header_line_shapes(line: str, field: str, expected: object) -> None:
    value = getattr(header_of(line), field)
    if isinstance(expected, float):
        assert value == pytest.approx(expected)
    else:
        assert value == expected


def test_ingest_header_missing_fields_are_none() -> None:
    header = header_of("Schedule: Full-time")
    assert header.clearance is None
    assert header.salary is None and header.currency is None
    assert header.deadline is None


def test_ingest_header_ref_field_wins_over_title_number() -> None:
    header = parse_notice("Officer, Test (123456)\nRef: 654321\nGrade: G15\n\n1. SUMMARY\n\nText.").header
    assert header.title == "Officer, Test"
    assert header.reference == "654321"


def test_ingest_header_ends_at_description_colon() -> None:
    notice = parse_notice("Officer (250001)\n\nGrade: G20\n\nDescription:\n\nAn opening paragraph.\n\n1. SUMMARY\n\nText.")
    part = notice.parts[0]
    assert part.header.grade == "G20"
    assert part.section("description").text == "An opening paragraph."
    assert part.section("description").heading == "Description:"


def test_ingest_header_unknown_field_is_skipped() -> None:
    header = parse_notice("Officer (250001)\nGrade: G20\nDirectorate: Operations\nSchedule: Full-time\n\n1. SUMMARY\n\nX.").header
    assert header.grade == "G20"
    assert header.schedule == "Full-time"


# ============================================================ title and ref


@pytest.mark.parametrize(
    ("line", "title", "reference"),
    [
        (
            "Officer - Civil Preparedness Policy and Planning-240696",
            "Officer - Civil Preparedness Policy and Planning",
            "240696",
        ),
        (
            "Officer, Crisis Response Systems and Exercises - 250854",
            "Officer, Crisis Response Systems and Exercises",
            "250854",
        ),
        (
            "Head, Divisional Support Section and Executive Officer (XO) (241656)",
            "Head, Divisional Support Section and Executive Officer (XO)",
            "241656",
        ),
        ("Officer, Defence Planning (250138)", "Officer, Defence Planning", "250138"),
        ("**Officer, Defence Planning (250138)**", "Officer, Defence Planning", "250138"),
        ("Programme Assistant (PASP0109)", "Programme Assistant", "PASP0109"),
        ("Executive Officer (XO)", "Executive Officer (XO)", None),
        ("Officer, Operations - Policy", "Officer, Operations - Policy", None),
    ],
)
def test_ingest_title_and_reference(line: str, title: str, reference: str | None) -> None:
    header = parse_notice(f"VACANCY NOTIFICATION\n\n{line}\n\nSchedule: Full-time\n\n1. SUMMARY\n\nText.").header
    assert header.title == title
    assert header.reference == reference


def test_ingest_title_wrapped_over_two_lines() -> None:
    header = parse_notice("**Officer (crisis response systems) -\n250854**\n\nSchedule: Full-time\n\n1. SUMMARY\n\nX.").header
    assert header.title == "Officer (crisis response systems)"
    assert header.reference == "250854"


def test_ingest_banner_without_token_line() -> None:
    text = "NATO\nNORTH ATLANTIC TREATY ORGANIZATION\n\nVACANCY NOTIFICATION\n\nOfficer (250001)\n\nGrade: G20\n"
    notice = parse_notice(text)
    assert notice.banner == ("NORTH ATLANTIC TREATY ORGANIZATION",)
    assert notice.header.title == "Officer"


# ================================================================= sections


def test_ingest_sections_numbered_in_any_case() -> None:
    text = "1. Summary\n\nA.\n\n2. QUALIFICATIONS AND EXPERIENCE\n\nB.\n\n3. Main Accountabilities\n\nC."
    part = parse_notice(text).parts[0]
    assert [(s.key, s.heading, s.text) for s in part.sections] == [
        ("summary", "1. Summary", "A."),
        ("qualifications", "2. QUALIFICATIONS AND EXPERIENCE", "B."),
        ("accountabilities", "3. Main Accountabilities", "C."),
    ]


def test_ingest_sections_unnumbered_upper_case() -> None:
    part = parse_notice("SUMMARY\n\nThe work.\n\nINTERRELATIONSHIPS\n\nReports to the Head.").parts[0]
    assert [s.key for s in part.sections] == ["summary", "interrelationships"]


def test_ingest_sections_french_headings() -> None:
    text = (
        "1. RÉSUMÉ\n\nA.\n\n2. QUALIFICATIONS ET EXPÉRIENCE\n\nB.\n\n3. RESPONSABILITÉS PRINCIPALES\n\nC.\n\n"
        "4. STRUCTURE ET LIAISONS\n\nD.\n\n5. COMPÉTENCES\n\nE.\n\n6. CONTRAT\n\nF.\n\n"
        "7. INFORMATIONS UTILES CONCERNANT LA PROCÉDURE DE CANDIDATURE ET DE RECRUTEMENT\n\nG.\n\n"
        "8. INFORMATIONS COMPLÉMENTAIRES\n\nH."
    )
    notice = parse_notice(text)
    assert [part.lang for part in notice.parts] == ["fr"]
    assert [s.key for s in notice.parts[0].sections] == [
        "summary",
        "qualifications",
        "accountabilities",
        "interrelationships",
        "competencies",
        "contract",
        "application",
        "additional",
    ]


def test_ingest_sections_number_wrapped_onto_own_line() -> None:
    part = parse_notice("4. INTERRELATIONSHIPS\n\nReports to the Head.\n\n5.\nCOMPETENCIES\n\nTeamwork.").parts[0]
    competencies = part.section("competencies")
    assert competencies is not None
    assert competencies.heading == "5. COMPETENCIES"
    assert competencies.text == "Teamwork."
    assert part.section("interrelationships").text == "Reports to the Head."


def test_ingest_sections_heading_wrapped_over_two_lines() -> None:
    part = parse_notice("7. USEFUL INFORMATION REGARDING APPLICATION AND\nRECRUITMENT PROCESS\n\nApply online.").parts[0]
    (section,) = part.sections
    assert section.key == "application"
    assert section.text == "Apply online."


def test_ingest_sections_list_items_and_subheadings_are_not_headings() -> None:
    text = (
        "2. QUALIFICATIONS AND EXPERIENCE\n\nESSENTIAL\n\n- have 5 years of experience;\n\nDESIRABLE\n\n"
        "3. MAIN ACCOUNTABILITIES\n\n1. Contract management for the Section;\n2. Summary reports.\n\n"
        "5. years of service are expected.\n\nPolicy Development\n\nDraft policy."
    )
    part = parse_notice(text).parts[0]
    assert [s.key for s in part.sections] == ["qualifications", "accountabilities"]
    accountabilities = part.section("accountabilities").text
    assert "1. Contract management for the Section;" in accountabilities
    assert "5. years of service are expected." in accountabilities
    assert "ESSENTIAL" in part.section("qualifications").text


def test_ingest_sections_direct_reports_lines_stay() -> None:
    text = "4. INTERRELATIONSHIPS\n\nThe incumbent reports to the Head.\n\nDirect reports: 6\n\nIndirect reports: N/A\n\n5. COMPETENCIES\n\nX."
    section = parse_notice(text).parts[0].section("interrelationships")
    assert section.text.endswith("Direct reports: 6\n\nIndirect reports: N/A")


def test_ingest_sections_text_before_first_heading_is_description() -> None:
    part = parse_notice("An opening paragraph.\n\n1. SUMMARY\n\nThe work.").parts[0]
    assert part.header == Header()
    assert [s.key for s in part.sections] == ["description", "summary"]
    assert part.section("description").text == "An opening paragraph."


# ================================================================= languages


def test_ingest_language_english_only_markdown_file() -> None:
    notice = read_notice(DATA / "ingest_english_only.md")
    assert [part.lang for part in notice.parts] == ["en"]
    header = notice.header
    assert header.title == "Head, Knowledge Management Office"
    assert header.reference == "241797"
    assert header.deadline == "2025-01-13"
    assert header.grade == "G17-G20"
    assert header.clearance == "NS"
    part = notice.parts[0]
    assert [s.key for s in part.sections] == [
        "summary",
        "qualifications",
        "accountabilities",
        "interrelationships",
        "competencies",
    ]
    summary = part.section("summary").text
    assert "Division's work on knowledge management" in summary
    assert "the Director." in summary and "https://www.nato.int/recruitment" in summary
    assert "* hold a university degree;" in part.section("qualifications").text
    assert "Direct reports: 3" in part.section("interrelationships").text


def test_ingest_language_french_only_file() -> None:
    notice = read_notice(DATA / "ingest_french_only.txt")
    assert [part.lang for part in notice.parts] == ["fr"]
    header = notice.part("fr").header
    assert header.title == "Administratrice/Administrateur (plans de défense)"
    assert header.reference == "250138"
    assert header.deadline == "2025-03-02"
    assert header.salary == pytest.approx(9253.21)
    assert header.clearance == "NS"
    assert [s.key for s in notice.parts[0].sections] == ["summary", "interrelationships"]
    assert notice.part("en") is None


def test_ingest_language_french_first_still_lists_english_first() -> None:
    french = (DATA / "ingest_french_only.txt").read_text(encoding="utf-8")
    english = (
        "Officer, Defence Planning (250138)\n\nPrimary Location: Belgium-Brussels\nSchedule: Full-time\n"
        "Application Deadline: 02-Mar-2025\n\nDescription\n\n1. SUMMARY\n\nThe Division leads.\n"
    )
    notice = parse_notice(french + "\n" + english)
    assert [part.lang for part in notice.parts] == ["en", "fr"]
    assert notice.part("en").header.title == "Officer, Defence Planning"
    assert notice.part("fr").header.title == "Administratrice/Administrateur (plans de défense)"
    assert "Officer" not in notice.part("fr").section("interrelationships").text


def test_ingest_language_no_header_split_by_headings() -> None:
    text = (
        "1. SUMMARY\n\nThe Division leads.\n\n4. INTERRELATIONSHIPS\n\nReports to the Head.\n\n"
        "1. RÉSUMÉ\n\nLa Division dirige.\n\n4. STRUCTURE ET LIAISONS\n\nRelève de la/du chef."
    )
    notice = parse_notice(text)
    assert [part.lang for part in notice.parts] == ["en", "fr"]
    assert all(part.header == Header() for part in notice.parts)
    assert notice.part("en").section("interrelationships").text == "Reports to the Head."
    assert notice.part("fr").section("summary").text == "La Division dirige."


def test_ingest_language_of_shared_labels_comes_from_headings() -> None:
    english = parse_notice("Reference: 241797\nGrade: G20\n\n1. SUMMARY\n\nA.\n\n4. INTERRELATIONSHIPS\n\nB.")
    french = parse_notice("Référence : 241797\nGrade : G20\n\n1. RÉSUMÉ\n\nA.\n\n4. STRUCTURE ET LIAISONS\n\nB.")
    assert [part.lang for part in english.parts] == ["en"]
    assert [part.lang for part in french.parts] == ["fr"]
    assert english.header.reference == french.header.reference == "241797"


def test_ingest_language_plain_text_guessed() -> None:
    assert parse_notice("La personne titulaire du poste est chargée de la coordination.").parts[0].lang == "fr"
    assert parse_notice("The incumbent is responsible for the coordination of the work.").parts[0].lang == "en"


def test_ingest_language_empty_text_has_no_parts() -> None:
    notice = parse_notice("  \n\n ")
    assert notice.parts == ()
    assert notice.header == Header()


# ================================================================ normalise


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("a\r\nb\rc", "a\nb\nc"),
        ("a\tb   c   \n  d", "a b c\nd"),
        ("the Division\u2019s \u2018work\u2019", "the Division's 'work'"),
        ("8\u00a0754,21 and 9\u202f253", "8 754,21 and 9 253"),
        ("e\u0301te\u0301", "été"),
        ("see [link text](#) now", "see link text now"),
        ("site (<http://www.nato.int/cps/en/natolive/recruit-hq-e.htm>)", "site (http://www.nato.int/cps/en/natolive/recruit-hq-e.htm)"),
        ("a **security clearance** and *Chat GPT*", "a security clearance and Chat GPT"),
        ("(*Chat Generative Pre-trained Transformer*)", "(Chat Generative Pre-trained Transformer)"),
        ("* item one\n* item two", "* item one\n* item two"),
        ("S/he will act; 2*3*4 stays", "S/he will act; 2*3*4 stays"),
        ("## 1. Summary", "1. Summary"),
        ("One.\n\n\n\n\nTwo.", "One.\n\nTwo."),
        ("One.\n \n\t\nTwo.", "One.\n\nTwo."),
        ("relevant international\n\norganisations. Next.", "relevant international organisations. Next."),
        ("Keep abreast of international affairs,\n\nparticularly defence.", "Keep abreast of international affairs, particularly defence."),
        ("conduct and after-\n\naction reporting", "conduct and after-action reporting"),
        ("First sentence.\n\nsecond paragraph", "First sentence.\n\nsecond paragraph"),
        ("ESSENTIAL\n\nthe incumbent must", "ESSENTIAL\n\nthe incumbent must"),
        ("\ufeffText", "Text"),
        ("", ""),
    ],
)
def test_ingest_normalise(raw: str, expected: str) -> None:
    assert normalise(raw) == expected


# ================================================================ reading


def test_ingest_read_utf8_with_bom(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes("\ufeffOfficer (250001)\n\nGrade: G20\n".encode("utf-8"))
    notice = read_notice(path)
    assert notice.text.startswith("Officer")
    assert notice.header.reference == "250001"


def test_ingest_read_cp1252_fallback(tmp_path: Path) -> None:
    path = tmp_path / "legacy.txt"
    path.write_bytes("Trait\xe9 de l\x92Atlantique".encode("latin-1"))
    assert read_notice(path).text == "Traité de l'Atlantique"


def test_ingest_read_latin1_fallback(tmp_path: Path) -> None:
    path = tmp_path / "odd.txt"
    path.write_bytes(b"Caf\xe9 \x81 ok")  # 0x81 is undefined in cp1252
    assert read_notice(path).text.startswith("Café")


def test_ingest_read_utf16_with_bom(tmp_path: Path) -> None:
    path = tmp_path / "wide.txt"
    path.write_bytes("Officer (250001)\n\nGrade: G20\n".encode("utf-16"))
    assert read_notice(path).header.grade == "G20"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty file"),
        (b" \n\t\r\n  ", "empty file"),
        ("\ufeff\u00a0\n".encode("utf-8"), "empty file"),
        (b"\x00\x01\x02binary", "binary file, not a text notice"),
        (b"PK\x03\x04\x00\x00binary", "unsupported format: zip archive (a Word, OpenDocument or Excel file?); "
                                       "formats read: .txt, .md, .html, .htm, .pdf"),
    ],
)
def test_ingest_read_errors_name_the_file(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad_notice.txt"
    path.write_bytes(content)
    with pytest.raises(InputError) as caught:
        read_notice(path)
    assert caught.value.message == message
    assert "bad_notice.txt" in str(caught.value)
    assert caught.value.path == str(path)


def test_ingest_read_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "missing.txt"
    with pytest.raises(InputError, match="missing.txt: no such file or directory"):
        read_notice(path)


def test_ingest_read_directory_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        read_notice(tmp_path)
    assert str(tmp_path) in str(caught.value)


# ================================================================= collect


def test_ingest_collect_expands_folders_sorted_and_unique(tmp_path: Path) -> None:
    for name in ("b.md", "a.txt", "sub/c.TXT", "notes.docx", ".hidden/x.txt", "sub/.draft.txt"):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x", encoding="utf-8")
    found = collect([tmp_path, tmp_path / "a.txt", str(tmp_path / "sub" / ".." / "b.md")])
    assert found == [tmp_path / "a.txt", tmp_path / "b.md", tmp_path / "sub" / "c.TXT"]


def test_ingest_collect_keeps_explicit_file_of_any_suffix(tmp_path: Path) -> None:
    path = tmp_path / "notice.text"
    path.write_text("x", encoding="utf-8")
    assert collect([path]) == [path]


def test_ingest_collect_missing_path(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    with pytest.raises(InputError) as caught:
        collect([missing])
    assert caught.value.message == "no such file or directory"
    assert "nowhere" in str(caught.value)


def test_ingest_collect_seeds() -> None:
    found = collect([SEEDS])
    assert [path.name[:3] for path in found] == sorted(SEED_HEADERS)


# ================================================================ property


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_ingest_parse_never_raises_on_any_text(text: str) -> None:
    notice = parse_notice(text, source="fuzz.txt")
    assert isinstance(notice, Notice)
    assert notice.text == normalise(text)
    assert notice.sha256 == hashlib.sha256(notice.text.encode("utf-8")).hexdigest()
    assert [part.lang for part in notice.parts] in ([], ["en"], ["fr"], ["en", "fr"])


NOTICE_LINES = [
    "",
    "NATO NORTH ATLANTIC TREATY ORGANIZATION",
    "VACANCY NOTIFICATION",
    "Officer, Defence Planning (250138)",
    "Administratrice/Administrateur -",
    "250854",
    "Primary Location: Belgium-Brussels",
    "Emplacement principal : Belgique-Bruxelles",
    "Grade NATO Grade G20",
    "Date de retrait : 31-févr.-2025",
    "Salary (Pay Basis): 8,754.21,9Euro",
    "Salaire : ,,, Mensuelle",
    "Description",
    "1. SUMMARY",
    "1. RÉSUMÉ",
    "5.",
    "COMPETENCIES",
    "4. STRUCTURE ET LIAISONS",
    "- a bullet",
    "**bold",
    "relevant international",
    "organisations.",
    "Direct reports: 6",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(NOTICE_LINES) | st.text(max_size=20), max_size=40))
def test_ingest_parse_never_raises_on_notice_like_lines(lines: list[str]) -> None:
    notice = parse_notice("\n".join(lines))
    assert isinstance(notice, Notice)
    for part in notice.parts:
        assert part.lang in ("en", "fr")
        if part.header.deadline is not None:
            assert len(part.header.deadline) == 10


# ========================================== fast paths give what the plain ones give

HEADING_WORDS = st.sampled_from([
    "1.", "2)", "12.", "SUMMARY", "Summary", "summary", "QUALIFICATIONS", "AND", "and", "EXPERIENCE", "experience",
    "RÉSUMÉ", "résumé", "DUTIES", "duties", "INTERRELATIONSHIPS", "reporting", "lines", "REPORTING", "LINES",
    "The", "Division", "leads", "work.", "text;", "ESSENTIAL", "information", "INFORMATION", "REGARDING",
    "APPLICATION", "Ref:", "241797", "Grade:", "G20", "VACANCY", "NOTIFICATION", "Compétences", "COMPÉTENCES",
])


@settings(max_examples=300, deadline=None)
@given(st.lists(HEADING_WORDS, max_size=30).map(" ".join))
def test_ingest_heading_prechecks_skip_only_lines_without_a_heading(line: str) -> None:
    """The quick tests before a line is searched for headings never change how it is cut."""
    from kg.ingest import parse

    cut = parse._split_headings(line)
    saved = parse._may_name_section, parse._may_hold_heading
    parse._may_name_section = parse._may_hold_heading = lambda _line: True
    try:
        assert parse._split_headings(line) == cut
    finally:
        parse._may_name_section, parse._may_hold_heading = saved


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(HEADING_WORDS | st.text(st.characters(blacklist_characters="\n"), max_size=6), max_size=12)
                .map(" ".join), max_size=8))
def test_ingest_lines_naming_sections_hold_every_line_that_does(lines: list[str]) -> None:
    from kg.ingest import parse

    named = {i for i, line in enumerate(lines) if parse._may_name_section(line)}
    folded = [parse._fold(line) for line in lines]
    assert {i for i, line in enumerate(folded) if parse._SECTION_WORD.search(line)} <= named


#: The markdown patterns in their plain form; the ones in use open on a literal, for a faster search.
PLAIN_MARKDOWN = {
    "_MD_LINK": r"!?\[([^\[\]\n]*)\]\([^()\n]*\)",
    "_MD_BOLD": r"(?<!\\)\*\*(?=\S)((?:(?!\n[ ]*\n).){1,1000}?)(?<=\S)\*\*",
    "_MD_ITALIC": r"(?<![*\w\\])\*(?=[^\s*])([^*\n]+?)(?<=[^\s*\\])\*(?![*\w])",
}
MARKDOWN_BITS = st.sampled_from(["*", "**", "[", "]", "(", ")", "!", "\\", " ", "\n", "a", "b", "_", "x y", "[a](b)"])


@pytest.mark.parametrize("name", sorted(PLAIN_MARKDOWN))
@settings(max_examples=300, deadline=None)
@given(text=st.lists(MARKDOWN_BITS, max_size=30).map("".join))
def test_ingest_markdown_patterns_match_as_their_plain_form(name: str, text: str) -> None:
    import re

    from kg.ingest import parse

    plain = re.compile(PLAIN_MARKDOWN[name], re.S if name == "_MD_BOLD" else 0)
    assert getattr(parse, name).sub(r"\1", text) == plain.sub(r"\1", text)
