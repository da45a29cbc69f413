"""The table of retention durations: one source for the DPO's page and ``docs/privacy.md``.

The durations come from ``RetentionPolicy``, the same values the purge acts on, so
changing a duration changes the page; ``tests/dialer/compliance/privacy/
test_retention_table.py`` fails until the table in ``docs/privacy.md`` says the same.
"""

from __future__ import annotations

from dataclasses import dataclass

from dialer.compliance.privacy.retention import RetentionPolicy

DOC_START = (
    "<!-- retention-table:start (generated from dialer/compliance/privacy/retention_table.py) -->"
)
DOC_END = "<!-- retention-table:end -->"
HEADERS_FR = ("Données", "Conservées jusqu'à", "Ce que fait la purge")


@dataclass(frozen=True)
class RetentionRow:
    data: str
    until: str
    how: str


def duration_fr(days: int) -> str:
    """730 -> « 2 ans » ; a duration that is not whole years stays in days."""
    if days % 365 == 0:
        years = days // 365
        return f"{years} an{'s' if years > 1 else ''}"
    return f"{days} jour{'s' if days > 1 else ''}"


def retention_rows(policy: RetentionPolicy | None = None) -> list[RetentionRow]:
    rules = policy or RetentionPolicy()
    person = f"{duration_fr(rules.inactive_days)} après la dernière activité de la personne"
    same = "même durée (avec la personne)"
    return [
        RetentionRow(
            "Identité et coordonnées de la personne (NIR chiffré, nom, prénom, date de "
            "naissance, adresse, téléphones, courriel, n° professionnel, SIRET, entreprise, "
            "interlocuteur)",
            person,
            "effacées ; la personne est anonymisée (public, territoire et caisse gardés "
            "pour les statistiques)",
        ),
        RetentionRow("Fiches de campagne", same,
                     "données du thème et référence de ligne effacées, fiche close"),
        RetentionRow("Résultats d'appel", same,
                     "texte libre du suivi et changements de coordonnées effacés "
                     "(réponses accepté / refusé gardées)"),
        RetentionRow("Tentatives d'appel", same, "numéro composé effacé"),
        RetentionRow("Événements du flux de résultats des caisses", same,
                     "NIR, identifiants, référence de ligne, valeurs et textes effacés"),
        RetentionRow("Code confidentiel provisoire ameli",
                     "clôture de sa campagne ou expiration du code", "code supprimé"),
        RetentionRow("Rapports de rejets d'import",
                     f"{duration_fr(rules.import_report_days)} après l'import", "rapport effacé"),
        RetentionRow("Historique des états des agents du centre (disponible, en appel, "
                     "post-appel, pauses et leurs motifs)",
                     f"{duration_fr(rules.inactive_days)} après chaque changement d'état "
                     "(la durée des appels que comptent les rapports)",
                     "lignes supprimées"),
        RetentionRow("Personne dont le traitement est limité",
                     "levée de la limitation, puis la règle ci-dessus",
                     "rien : la limitation demande précisément de garder les données"),
        RetentionRow("Statistiques quotidiennes des campagnes", "sans limite",
                     "aucune donnée personnelle : rien à effacer"),
        RetentionRow("Traçabilité des accès, registre des consentements et des demandes de droits",
                     "sans limite (preuves)",
                     "rien : ni identité ni coordonnées, seulement des numéros, des dates "
                     "et des noms de champs"),
    ]  # fmt: skip


def retention_markdown(policy: RetentionPolicy | None = None) -> str:
    """The table as ``docs/privacy.md`` holds it, between ``DOC_START`` and ``DOC_END``."""
    lines = ["| " + " | ".join(HEADERS_FR) + " |", "|---|---|---|"]
    lines += [f"| {row.data} | {row.until} | {row.how} |" for row in retention_rows(policy)]
    return "\n".join(lines)
