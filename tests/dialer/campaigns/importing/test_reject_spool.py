"""An import's rejects wait on disk, not in memory, and come back whole and by line."""

from __future__ import annotations

import tracemalloc

from dialer.campaigns.importing.report import ImportSummary, Reject, RejectSpool


def test_rejects_come_back_by_line_with_every_character_of_their_cells() -> None:
    summary = ImportSummary()
    awkward = 'Dupont; "dit\nle grand"'
    summary.add_rejects([Reject(9, "Nom", awkward, "texte trop long", "R-9")])
    summary.add_rejects([Reject(3, "NIR", "1 85 ** ** *** ***", "clé NIR fausse", "")])
    # found while storing, after line 9 was parsed
    summary.add_rejects([Reject(5, "référence", "R-1", "référence déjà attribuée", "R-1")])
    assert summary.rejected_rows == 3
    assert [r.line for r in summary.rejects] == [3, 5, 9]
    assert summary.rejects[2] == Reject(9, "Nom", awkward, "texte trop long", "R-9")
    summary.add_rejects([Reject(4, "Téléphone", "0800", "numéro gratuit", "R-4")])
    assert [r.line for r in summary.rejects] == [3, 4, 5, 9]
    report = summary.report_csv().splitlines()
    assert report[0] == "\ufeffligne;référence;colonne;valeur;motif"
    assert report[1].startswith("3;;NIR;")


def test_rejects_of_a_long_file_do_not_stay_in_memory() -> None:
    spool = RejectSpool()
    reject = [Reject(0, "Téléphone", "06 12 34 56 7", "numéro de téléphone invalide", "")]
    tracemalloc.start()
    try:
        spool.add(reject)  # the file and its buffers
        before, _ = tracemalloc.get_traced_memory()
        for line in range(2, 40_002):
            spool.add([Reject(line, "Téléphone", f"06 12 {line}", "numéro invalide", f"R{line}")])
        after, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # Kept in a list, 40,000 rejects took about 8 MB; on disk, the buffers only.
    assert after - before < 256 * 1024, after - before
    assert spool.count == 40_001
    assert len(spool.read_all()) == 40_001
