"""Rule 7: each fund's feed is numbered 1..N, without holes or duplicates.

The retention purge may leave holes, but a campaign day never runs it: any hole
is a breach. The fund's cursor (``fundfeed.last_seq``) must also stop at N, or
numbers were handed out and their events lost.
"""

from __future__ import annotations

from checker.day import Day
from checker.db import fetch
from checker.report import Breach, RuleResult

RULE = "feed_sequence"

_SUMMARY = """
SELECT f.fund_id, COUNT(*) AS n, COUNT(DISTINCT f.seq) AS distinct_seqs,
       MIN(f.seq) AS first_seq, MAX(f.seq) AS last_seq, MAX(c.last_seq) AS cursor
FROM feedevent f LEFT JOIN fundfeed c ON c.fund_id = f.fund_id
GROUP BY f.fund_id ORDER BY f.fund_id
"""
_SEQS = "SELECT seq FROM feedevent WHERE fund_id = :fund ORDER BY seq"


def _describe(seqs: list[int]) -> str:
    """The first holes and duplicates of a sorted numbering, in French."""
    holes: list[int] = []
    duplicates: list[int] = []
    expected = 1
    for seq in seqs:
        if seq < expected:
            duplicates.append(seq)
            continue
        holes.extend(range(expected, min(seq, expected + 5)))
        expected = seq + 1
    parts = []
    if holes:
        parts.append("numéros manquants " + ", ".join(map(str, holes[:5])))
    if duplicates:
        parts.append("numéros en double " + ", ".join(map(str, sorted(set(duplicates))[:5])))
    return " ; ".join(parts)


def check(day: Day) -> RuleResult:
    breaches = []
    rows = fetch(day.conn, _SUMMARY)
    for row in rows:
        fund, count = int(row["fund_id"]), int(row["n"])
        contiguous = int(row["first_seq"]) == 1 and int(row["last_seq"]) == count
        if not contiguous or int(row["distinct_seqs"]) != count:
            seqs = [int(r["seq"]) for r in fetch(day.conn, _SEQS, fund=fund)]
            breaches.append(Breach(RULE, f"caisse {fund}", f"flux discontinu : {_describe(seqs)}"))
        elif row["cursor"] is not None and int(row["cursor"]) != count:
            detail = f"le compteur du flux est à {row['cursor']} pour {count} événements"
            breaches.append(Breach(RULE, f"caisse {fund}", detail))
    return RuleResult(RULE, len(rows), breaches)
