"""One test per rule of the reader on messy input: encodings, line ends, blanks, bad fiches."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from converter.errors import InputError
from converter.model import Diagnostic, ParseResult
from converter.reader import parse_text, read_text
from tests.conftest import SEED, fiche

SEED_TEXT = SEED.read_text(encoding="utf-8")


def _warnings(result: ParseResult) -> list[Diagnostic]:
    """Warnings other than the missing sections of the short fiches built here."""
    return [w for w in result.warnings if "rubriques absentes" not in w.message]


def _write(tmp_path: Path, data: bytes, name: str = "fiches.txt") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _same_records(a: Path, b: Path) -> None:
    left, right = read_text(a), read_text(b)
    assert left.records == right.records
    assert [r.source.first_line for r in left.records] == [
        r.source.first_line for r in right.records
    ]


def test_utf8_with_bom_reads_like_utf8(tmp_path: Path) -> None:
    bom = _write(tmp_path, b"\xef\xbb\xbf" + SEED_TEXT.encode("utf-8"))
    _same_records(SEED, bom)
    assert read_text(bom).warnings == []


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be", "utf-32", "utf-32-be"])
def test_utf16_and_utf32_with_bom_read_like_utf8(tmp_path: Path, codec: str) -> None:
    data = SEED_TEXT.encode(codec)
    if not codec.endswith("-be"):
        assert data[:2] in (b"\xff\xfe", b"\xfe\xff")
    else:
        data = ("\ufeff" + SEED_TEXT).encode(codec)
    _same_records(SEED, _write(tmp_path, data))


def test_cp1252_file_is_detected_and_reported(tmp_path: Path) -> None:
    text = fiche(title="Fête à l’école – été", body="- Résumé\nŒuvre « commune » : 30 €\n")
    path = _write(tmp_path, text.encode("cp1252"))
    result = read_text(path)
    assert result.records[0].title == "Fête à l’école – été"
    assert result.records[0].summary == "Œuvre « commune » : 30 €"
    (warning,) = _warnings(result)
    # every line is Windows-1252 (most are ASCII): not a mix of encodings
    assert warning.message.startswith("fichier lu en Windows-1252 (il n'est pas en UTF-8)")
    assert warning.file == str(path) and warning.line == 2


def test_latin1_file_reads_its_accents(tmp_path: Path) -> None:
    path = _write(tmp_path, fiche(title="Crèche parentale").encode("latin-1"))
    assert read_text(path).records[0].title == "Crèche parentale"


def test_mixed_encodings_keep_every_line_and_name_the_legacy_ones(tmp_path: Path) -> None:
    data = fiche(title="Réseau").encode("utf-8") + "- Résumé\nDéjà vu\n".encode("cp1252")
    result = read_text(_write(tmp_path, data))
    assert result.records[0].title == "Réseau"
    assert result.records[0].summary == "Déjà vu"
    (warning,) = _warnings(result)
    assert "mélangés" in warning.message and "lignes 8, 9 " in warning.message
    assert warning.line == 8


def test_nul_bytes_are_refused_as_binary_with_file_and_line(tmp_path: Path) -> None:
    path = _write(tmp_path, b"Actions\nx\n\x00\x01\x02")
    with pytest.raises(InputError) as caught:
        read_text(path)
    assert caught.value.path == str(path) and caught.value.line == 3
    assert caught.value.exit_code == 2


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        read_text(tmp_path / "absent.txt")
    assert caught.value.message == "fichier introuvable"
    assert caught.value.path == str(tmp_path / "absent.txt")


def test_an_unreadable_path_is_an_input_error_naming_it(tmp_path: Path) -> None:
    (tmp_path / "f.txt").write_text("x", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_text(tmp_path / "f.txt" / "inside.txt")  # a file is no folder
    assert caught.value.message.startswith("lecture impossible (")
    assert caught.value.path == str(tmp_path / "f.txt" / "inside.txt")


def test_a_folder_is_an_input_error_naming_it(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        read_text(tmp_path)
    assert caught.value.message == "c'est un dossier, pas un fichier"
    assert caught.value.path == str(tmp_path)


@pytest.mark.parametrize("newline", ["\r\n", "\r"], ids=["crlf", "cr"])
def test_crlf_and_cr_line_ends_read_like_lf(tmp_path: Path, newline: str) -> None:
    path = _write(tmp_path, SEED_TEXT.replace("\n", newline).encode("utf-8"))
    _same_records(SEED, path)


def test_tabs_nbsp_and_trailing_spaces_in_headers_and_values(tmp_path: Path) -> None:
    text = (
        "Actions  \nMon titre \t\n-\tStructure\u00a0organisatrice  \n- CS Y - Sarthe \n"
        "- Statut de l'action\t\n- En cours \u00a0\n"
        "-  Mots clés associés à l’action \n-\n-\tSolidarité  \n"
        "- Résumé   \n\tLigne avec tabulation\u00a0: oui   \n"
    )
    result = read_text(_write(tmp_path, text.encode("utf-8")))
    (record,) = result.records
    assert record.title == "Mon titre"
    assert (record.structure, record.departement) == ("CS Y", "Sarthe")
    assert record.status == "En cours"
    assert record.themes == ("Solidarité",)
    assert record.summary == "\tLigne avec tabulation\u00a0: oui"


@pytest.mark.parametrize(
    "header",
    [
        "- Précision ( si autre )",
        "- Précision (si autre)",
        "- PRECISION (SI AUTRE) :",
        "– précision si autre",
    ],
)
def test_header_variants_of_case_accents_spacing_punctuation(header: str) -> None:
    result = parse_text(fiche(body=f"{header}\nL'Etat.\n"))
    assert result.records[0].initiator_precision == "L'Etat."


def test_header_with_nothing_under_it_is_empty_not_the_next_header() -> None:
    body = "- Ressources financières mobilisées pour cette action\n- Nombre de personnes mobilisés pour cette action\n4\n"
    (record,) = parse_text(fiche(body=body)).records
    assert record.funding == ""
    assert record.staffing == "4"


def test_bullet_lines_in_free_text_stay_in_their_section() -> None:
    body = "- Résumé\n- premier point\n-\nsuite du texte\n- second point\n- Public\n- familles\n"
    (record,) = parse_text(fiche(body=body)).records
    assert record.summary == "- premier point\n-\nsuite du texte\n- second point"
    assert record.publics == ("familles",)


def test_territory_written_twice_is_merged_without_duplicates() -> None:
    body = (
        "- Territoire concerné\n- Un quartier\n- Public\n- familles\n"
        "- Territoire concerné\n- Un quartier\n- Plusieurs communes\n"
    )
    result = parse_text(fiche(body=body))
    assert result.records[0].territory_scales == ("Un quartier", "Plusieurs communes")
    assert not any("répétée" in w.message for w in result.warnings)


def test_partner_list_follows_partenaires_d_action() -> None:
    body = "- Avec qui cette action a-t-elle été menée ?\n-\nPartenaires d'action:\n- Préfecture\n- CAF 46\n"
    (record,) = parse_text(fiche(body=body)).records
    assert record.partners == ("Préfecture", "CAF 46")


def test_banner_is_not_a_fiche_and_not_a_warning() -> None:
    result = parse_text("Les actions des centres sociaux\n" + fiche())
    assert result.fiches_found == 1 and _warnings(result) == []


def test_text_before_the_first_fiche_is_reported_not_silently_dropped() -> None:
    result = parse_text("Export du 3 mars\n" + fiche())
    assert result.fiches_found == 1
    (warning,) = _warnings(result)
    assert warning.line == 1 and "hors de toute fiche" in warning.message


def test_actions_line_inside_free_text_never_splits_a_fiche() -> None:
    body = "- Résumé\nActions\nmenées avec les habitants\n- Public\n- familles\n"
    result = parse_text(fiche(body=body))
    assert result.fiches_found == 1
    assert result.records[0].summary == "Actions\nmenées avec les habitants"


def test_fiche_without_title_is_rejected_and_neighbours_go_through() -> None:
    text = (
        fiche(title="Avant")
        + "Actions\n\n- Structure organisatrice\n- CS Z - Lot\n"
        + fiche(title="Après")
    )
    result = parse_text(text, file="f.txt")
    assert result.fiches_found == 3
    assert [r.title for r in result.records] == ["Avant", "Après"]
    (rejected,) = result.rejected
    assert (rejected.file, rejected.line) == ("f.txt", 8)
    assert "sans titre" in rejected.message
    assert result.records[0].source.last_line == 7


def test_fiche_whose_title_line_is_a_header_is_rejected_without_title() -> None:
    result = parse_text("Actions\n- Structure organisatrice\n- CS Z - Lot\n")
    assert result.fiches_found == 1 and result.records == []
    assert "sans titre" in result.rejected[0].message


def test_fiche_without_organiser_is_rejected_with_its_header_line() -> None:
    text = "Actions\nTitre\n- Structure organisatrice\n- Statut de l'action\n- En cours\n"
    result = parse_text(text, file="f.txt")
    (rejected,) = result.rejected
    assert rejected.line == 3 and rejected.field == "Structure organisatrice"
    assert "structure organisatrice" in rejected.message and "« Titre »" in rejected.message


def test_organiser_without_departement_keeps_the_name_and_warns() -> None:
    result = parse_text(fiche(organiser="CENTRE SOCIAL SANS DEPARTEMENT"))
    (record,) = result.records
    assert (record.structure, record.departement) == ("CENTRE SOCIAL SANS DEPARTEMENT", "")
    (warning,) = _warnings(result)
    assert str(warning) == (
        "<texte>:4: Structure organisatrice : pas de département (attendu « NOM - Département »)"
    )


def test_line_that_looks_like_an_unknown_header_is_content_with_a_warning() -> None:
    body = "- Résumé\nUn résumé.\n- Résultats pour le centre socail\nTexte.\n"
    result = parse_text(fiche(body=body), file="f.txt")
    assert result.records[0].summary == "Un résumé.\n- Résultats pour le centre socail\nTexte."
    (warning,) = _warnings(result)
    assert (warning.file, warning.line) == ("f.txt", 10)
    assert "Résultat pour le centre social" in warning.message


def test_repeated_header_is_merged_and_reported() -> None:
    body = "- Résumé\nPremier.\n- Public\n- familles\n- Résumé\nSecond.\n"
    result = parse_text(fiche(body=body))
    assert result.records[0].summary == "Premier.\nSecond."
    (warning,) = _warnings(result)
    assert warning.line == 12 and "répétée" in warning.message


def test_truncated_last_fiche_is_kept_with_a_warning() -> None:
    text = SEED_TEXT[
        : SEED_TEXT.index(
            "- Ressources financières", SEED_TEXT.index("Fête de quartier de Chennevières")
        )
    ]
    result = parse_text(text, file="cut.txt")
    assert result.fiches_found == 25 and len(result.records) == 25
    last = result.records[-1]
    assert last.title == "Fête de quartier de Chennevières" and last.funding == ""
    (warning,) = result.warnings
    assert "tronquée" in warning.message and "Ressources financières" in warning.message


def test_fiche_cut_in_the_middle_of_a_header_keeps_the_stub_as_content() -> None:
    result = parse_text(fiche(body="- Résumé\nTexte.\n- Ressources financières mobili"))
    assert result.records[0].summary == "Texte.\n- Ressources financières mobili"
    assert any("ressemble à la rubrique" in w.message for w in result.warnings)


def test_empty_file_has_no_fiche_and_says_so(tmp_path: Path) -> None:
    result = read_text(_write(tmp_path, b""))
    assert (result.fiches_found, result.records, result.rejected) == (0, [], [])
    assert "vide" in result.warnings[0].message


def test_text_without_any_fiche_says_where_fiches_start() -> None:
    result = parse_text("quelques lignes\nsans fiche\n")
    assert result.fiches_found == 0
    assert any("Actions" in w.message for w in result.warnings)


def test_every_fiche_found_is_parsed_or_rejected() -> None:
    text = (
        SEED_TEXT
        + "\nActions\n\n- Structure organisatrice\n- X - Lot\nActions\nT\n- Structure organisatrice\n-\n"
    )
    result = parse_text(text)
    assert result.fiches_found == 27
    assert len(result.records) == 25 and len(result.rejected) == 2


def test_blank_lines_between_actions_title_and_organiser_still_start_a_fiche() -> None:
    """Review of issue 2: a blank line must never glue a fiche to the previous one."""
    second = "Actions\nB\n\n- Structure organisatrice\n- CS B - Sarthe\n- Résumé\nRésumé B\n"
    result = parse_text(fiche(title="A", body="- Résumé\nRésumé A\n") + second)
    assert result.fiches_found == 2
    assert [(r.title, r.structure, r.summary) for r in result.records] == [
        ("A", "CENTRE SOCIAL X", "Résumé A"),
        ("B", "CS B", "Résumé B"),
    ]


def test_actions_then_blank_lines_then_organiser_is_a_fiche_without_title() -> None:
    result = parse_text(fiche(title="A") + "Actions\n\n\n- Structure organisatrice\n- CS B - Lot\n")
    assert result.fiches_found == 2 and len(result.records) == 1
    assert "sans titre" in result.rejected[0].message


def test_a_fiche_titled_actions_is_one_fiche() -> None:
    result = parse_text("Actions\nActions\n- Structure organisatrice\n- CS X - Sarthe\n")
    assert result.fiches_found == 1
    assert [r.title for r in result.records] == ["Actions"]


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"], ids=["lf", "crlf", "cr"])
def test_reading_in_small_chunks_and_batches_gives_the_same_records(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, newline: str
) -> None:
    """The streaming reader cuts bytes and fiches anywhere; nothing moves or is lost."""
    import converter.reader as reader

    text = "Préambule\n" + SEED_TEXT.replace("\n", newline)
    path = _write(tmp_path, text.encode("utf-8"))
    whole = reader.parse_text(text, file=str(path))
    monkeypatch.setattr(reader, "CHUNK", 7)
    batches = list(reader.iter_text(path, batch=4))
    assert len(batches) >= 6 and all(b.fiches_found <= 5 for b in batches)
    merged = ParseResult()
    for part in batches:
        merged.extend(part)
    assert merged.records == whole.records
    assert [r.source for r in merged.records] == [r.source for r in whole.records]
    assert [r.source.field_lines for r in merged.records] == [
        r.source.field_lines for r in whole.records
    ]
    assert merged.warnings == whole.warnings and merged.fiches_found == 25


def test_nul_byte_far_in_a_file_names_its_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import converter.reader as reader

    monkeypatch.setattr(reader, "CHUNK", 64)
    path = _write(tmp_path, (SEED_TEXT + "\n\x00").encode("utf-8"))
    with pytest.raises(InputError) as caught:
        read_text(path)
    assert caught.value.line == 1504


@settings(max_examples=300, deadline=None)
@given(
    pieces=st.lists(
        st.sampled_from(
            [b"a", b" ", b"\n", b"\r", b"\r\n", "é".encode(), "€".encode("cp1252"), b"\x81", b"x "]
        ),
        max_size=60,
    ),
    cuts=st.lists(st.integers(min_value=1, max_value=9), min_size=1, max_size=20),
)
def test_decoding_in_chunks_gives_the_lines_of_a_line_by_line_decoding(
    pieces: list[bytes], cuts: list[int]
) -> None:
    """Chunks are decoded whole when they are UTF-8, line by line otherwise: wherever the reads
    cut the bytes, the lines, their count and the lines read as Windows-1252 are those of
    decoding each line on its own."""
    from converter.reader import _LineDecoder

    data = b"Actions " + b"".join(pieces)  # a start that is no byte-order mark
    expected, legacy = [], []
    for number, line in enumerate(re.split(rb"\r\n|\r|\n", data), start=1):
        try:
            expected.append(line.decode("utf-8").rstrip())
        except UnicodeDecodeError:
            legacy.append(number)
            try:
                expected.append(line.decode("cp1252").rstrip())
            except UnicodeDecodeError:
                expected.append(line.decode("latin-1").rstrip())
    decoder, lines, start = _LineDecoder("x.txt"), [], 0
    for size in cuts * (len(data) // sum(cuts) + 1):
        lines += decoder.feed(data[start : start + size])
        start += size
        if start >= len(data):
            break
    lines += decoder.feed(b"", final=True)
    assert lines == expected
    assert decoder.lines == len(expected) and decoder.legacy == legacy


def test_read_inputs_reads_dumps_and_tables_by_suffix_whatever_its_case(tmp_path: Path) -> None:
    from converter.reader import read_inputs
    from converter.tabular import write_csv, write_jsonl

    seed = read_text(SEED)
    write_csv(seed.records[:2], tmp_path / "a.CSV")
    write_jsonl(seed.records[2:5], tmp_path / "b.JSONL")
    result = read_inputs([tmp_path / "a.CSV", SEED, tmp_path / "b.JSONL"])
    assert result.records == seed.records[:2] + seed.records + seed.records[2:5]
    assert result.fiches_found == 2 + 25 + 3 and result.rejected == []
    assert [r.source.file for r in result.records[:3]] == [str(SEED)] * 3  # the CSV keeps it


def test_iter_inputs_cuts_a_dump_into_batches_of_the_size_asked() -> None:
    from converter.reader import iter_inputs

    batches = list(iter_inputs([SEED], batch=10))
    assert len(batches) > 1 and all(b.fiches_found >= 1 for b in batches)
    assert sum(b.fiches_found for b in batches) == 25
    assert [r for b in batches for r in b.records] == read_text(SEED).records


def test_parse_text_names_its_input_texte_by_default() -> None:
    result = parse_text("Actions\n\n- Structure organisatrice\n- CS Z - Lot\n")
    assert [d.file for d in result.rejected] == ["<texte>"]


def test_warnings_name_their_section_or_none() -> None:
    result = parse_text(fiche(body="- Public\nfamilles\n"))
    by_message = {w.message.split(" ")[0]: w for w in result.warnings}
    assert by_message["ligne"].field == "Public"  # « ligne sans tiret dans une liste »
    assert by_message["rubriques"].field == ""  # the fiche as a whole


def test_a_single_valued_section_with_two_values_renders_both_as_items() -> None:
    from converter.reader import render

    result = parse_text(fiche(body="- Terminée\n"))  # the status section gets a second value
    (record,) = result.records
    assert record.status == "En cours\nTerminée"
    (two,) = [w for w in result.warnings if "valeurs" in w.message]
    # at the first value, line 7 (1 Actions, 2 title, 3-4 organiser, 5 files, 6 status header)
    assert str(two) == "<texte>:7: Statut de l'action : 2 valeurs pour une rubrique à valeur unique"
    lines = render([record], banner=False).split("\n")
    assert lines[0] == "Actions"  # no banner asked
    status = lines.index("- Statut de l'action")
    assert lines[status + 1 : status + 3] == ["- En cours", "- Terminée"]


def test_each_diagnostic_says_file_line_section_and_what_in_full() -> None:
    text = (
        "Actions\n\n- Structure organisatrice\n- CS Z - Lot\n"  # lines 1-4: no title
        "Actions\nT2\n- Structure organisatrice\n-\n- Statut de l'action\n- En cours\n"  # 5-10
        "Actions\nT3\n- Structure organisatrice\n- CS X - Sarthe\n- Résumé\nUn.\n- Public\n"
        "familles\n- Résumé\nDeux.\n- Résultat pour le centre socail\n"  # lines 11-21
    )
    result = parse_text(text, file="f.txt")
    assert [str(d) for d in result.rejected] == [
        "f.txt:1: Titre : fiche sans titre rejetée : fiche sans titre : la ligne qui suit "
        "« Actions » est vide ou est une rubrique",
        "f.txt:7: Structure organisatrice : fiche « T2 » rejetée : fiche sans structure "
        "organisatrice",
    ]
    assert [str(d) for d in _warnings(result)] == [
        "f.txt:19: Résumé : rubrique répétée (déjà ligne 15) : contenus réunis",
        "f.txt:21: Résumé : ressemble à la rubrique « Résultat pour le centre social » sans en "
        "être une : gardée comme contenu",
        "f.txt:18: Public : ligne sans tiret dans une liste : gardée comme élément",
    ]
    missing = [w for w in result.warnings if w not in _warnings(result)]
    assert [(w.line, w.field) for w in missing] == [(4, ""), (10, ""), (21, "")]  # last lines
    for warning in missing:
        assert warning.message.startswith("rubriques absentes : « ")
        assert warning.message.endswith("» (fiche tronquée ?)")
    assert "« Statut de l'action », « Dimension »" in missing[0].message
    assert "Statut" not in missing[1].message and "« Dimension »" in missing[1].message
    assert "Résumé" not in missing[2].message and "« Public »" not in missing[2].message


def test_blank_lines_inside_a_list_do_not_end_it() -> None:
    (record,) = parse_text(fiche(body="- Public\n- familles\n\n- jeunes\n\n- seniors\n")).records
    assert record.publics == ("familles", "jeunes", "seniors")


def test_a_fiche_opening_on_its_status_lacks_its_organiser_from_its_first_line() -> None:
    second = "Actions\nT\n- Statut de l'action\n- En cours\n"  # lines 8 to 11
    result = parse_text(fiche(title="A") + second, file="f.txt")
    (rejected,) = result.rejected
    assert (rejected.line, rejected.field) == (8, "Structure organisatrice")
    assert rejected.message == "fiche « T » rejetée : fiche sans structure organisatrice"


def test_extra_organiser_lines_are_ignored_and_named() -> None:
    body = "- CS B - Lot\n- CS C\n"  # after the organiser line 4: lines 5 and 6 of the section
    text = "Actions\nT\n- Structure organisatrice\n- CS A - Sarthe\n" + body
    result = parse_text(text)
    (record,) = result.records
    assert (record.structure, record.departement) == ("CS A", "Sarthe")
    (extra,) = [w for w in result.warnings if "en trop" in w.message]
    assert str(extra) == (
        "<texte>:3: Structure organisatrice : lignes en trop ignorées : « CS B - Lot / CS C »"
    )
    (one,) = [w for w in parse_text(text[: -len("- CS C\n")]).warnings if "en trop" in w.message]
    assert one.message == "lignes en trop ignorées : « CS B - Lot »"


def test_free_text_loses_its_blank_edges_only() -> None:
    body = "- Résumé\n\n\nPremière ligne\n\nDeuxième ligne\n\n- Public\n- familles\n"
    (record,) = parse_text(fiche(body=body)).records
    assert record.summary == "Première ligne\n\nDeuxième ligne"


def test_text_without_fiche_or_before_the_first_one_is_reported_in_full() -> None:
    assert [str(w) for w in parse_text("quelques lignes\nsans fiche\n").warnings] == [
        "<texte>:1: 2 ligne(s) hors de toute fiche, ignorée(s) : « quelques lignes »",
        "<texte>:1: aucune fiche trouvée (une fiche commence par une ligne « Actions »)",
    ]
    assert [str(w) for w in parse_text("\n \n").warnings] == [
        "<texte>:1: aucune fiche : le fichier est vide"
    ]
    long = "Export de la base des actions des centres sociaux, fait le 3 mars 2020 à 10 h"
    result = parse_text(f"\n\n{long}\n\nsuite\nLes actions des centres sociaux\n" + fiche())
    assert [str(w) for w in _warnings(result)] == [
        f"<texte>:3: 2 ligne(s) hors de toute fiche, ignorée(s) : « {long[:60]} »"
    ]  # the banner is no stray line; the text is cut at 60 characters


def test_a_dump_read_in_small_chunks_comes_in_batches_of_the_size_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import converter.reader as reader

    monkeypatch.setattr(reader, "CHUNK", 64)
    assert [b.fiches_found for b in reader.iter_text(SEED, batch=1000)] == [25]
    sizes = [b.fiches_found for b in reader.iter_text(SEED, batch=10)]
    assert sum(sizes) == 25 and all(10 <= s <= 11 for s in sizes[:-1]) and sizes[-1] <= 11


@pytest.mark.parametrize("codec", ["utf-16", "utf-32"])
def test_wide_encodings_read_in_small_chunks_give_the_same_records(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, codec: str
) -> None:
    import converter.reader as reader

    monkeypatch.setattr(reader, "CHUNK", 3)  # cuts the byte-order mark and every character
    text = fiche(title="Fête", body="- Résumé\nUn été « chaud »\n- Public\n- familles\n")
    records = read_text(_write(tmp_path, text.encode(codec))).records
    assert records == parse_text(text).records and records[0].title == "Fête"


def test_bad_utf16_is_refused_naming_the_file(tmp_path: Path) -> None:
    path = _write(tmp_path, "Actions\n".encode("utf-16") + b"\x00\xd8")  # a lone surrogate
    with pytest.raises(InputError) as caught:
        read_text(path)
    assert caught.value.message.startswith("UTF-16 illisible (")
    assert caught.value.path == str(path)


def test_leading_blanks_of_a_line_are_kept_in_every_encoding(tmp_path: Path) -> None:
    text = fiche(body="- Résumé\n\tindenté\n  et encore\n")
    assert parse_text(text).records[0].summary == "\tindenté\n  et encore"
    path = _write(tmp_path, text.encode("utf-16"))
    assert read_text(path).records[0].summary == "\tindenté\n  et encore"


def test_the_first_nul_byte_is_named_with_its_line(tmp_path: Path) -> None:
    path = _write(tmp_path, b"Actions\nx\x00\ny\n\x00\n")
    with pytest.raises(InputError) as caught:
        read_text(path)
    assert caught.value.message == "octet nul : fichier binaire, pas un texte de fiches"
    assert caught.value.line == 2


@pytest.mark.parametrize(("count", "more"), [(8, ""), (9, " …")])
def test_windows_1252_lines_are_listed_up_to_eight(tmp_path: Path, count: int, more: str) -> None:
    # lines 1 to 4 of the fiche are ASCII; each line after is « é » in Windows-1252
    text = "Actions\nT\n- Structure organisatrice\n- CS X - Lot\n- Résumé\n" + "é\n" * (count - 1)
    (warning,) = read_text(_write(tmp_path, text.encode("cp1252"))).warnings[-1:]
    lines = ", ".join(str(n) for n in range(5, 5 + min(count, 8)))
    assert warning.message == (
        f"fichier lu en Windows-1252 (il n'est pas en UTF-8) : lignes {lines}{more}"
    )


def test_an_ascii_chunk_does_not_make_a_windows_1252_file_a_mix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import converter.reader as reader

    monkeypatch.setattr(reader, "CHUNK", 16)  # the first chunks are ASCII, valid UTF-8
    text = fiche(body="- Résumé\nÉté\n")
    (warning,) = _warnings(read_text(_write(tmp_path, text.encode("cp1252"))))
    assert warning.message.startswith("fichier lu en Windows-1252 (il n'est pas en UTF-8)")


def test_a_fiche_without_title_is_rejected_for_that_alone_when_its_organiser_is_there() -> None:
    """Mutation testing: the sections of a fiche without title start right after « Actions »
    (a header there is read as a header), so the only problem is the missing title."""
    dump = "Actions\n- Structure organisatrice\n- CS X - Lot\n- Statut de l'action\n- En cours\n"
    result = parse_text(dump, file="f.txt")
    assert result.records == [] and len(result.rejected) == 1
    (rejected,) = result.rejected
    assert (rejected.line, rejected.field) == (1, "Titre")
    assert rejected.message == (
        "fiche sans titre rejetée : fiche sans titre : la ligne qui suit « Actions » est vide "
        "ou est une rubrique"
    )


def test_two_problems_of_one_fiche_are_joined_in_its_rejection() -> None:
    dump = "Actions\n\n- Structure organisatrice\n-\n- Statut de l'action\n- En cours\n"
    (rejected,) = parse_text(dump, file="f.txt").rejected
    assert rejected.message == (
        "fiche sans titre rejetée : fiche sans titre : la ligne qui suit « Actions » est vide "
        "ou est une rubrique ; fiche sans structure organisatrice"
    )


def test_a_later_fiche_without_organiser_header_is_rejected_at_its_own_first_line() -> None:
    """The line of « fiche sans structure organisatrice » when the fiche has no such header:
    the fiche's first line, here line 8 (the second fiche), not a line counted backwards."""
    dump = (
        fiche()
        + "Actions\nSans organisatrice\n- Fichier(s) associé(s)\n- Statut de l'action\n- En cours\n"
    )
    assert dump.splitlines()[7] == "Actions"
    result = parse_text(dump, file="f.txt")
    (rejected,) = result.rejected
    assert rejected.line == 8
    assert (
        rejected.message
        == "fiche « Sans organisatrice » rejetée : fiche sans structure organisatrice"
    )
    assert len(result.records) == 1
