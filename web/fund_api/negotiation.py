"""Which format a pull answers in: the ``format`` parameter, else the Accept header."""

from __future__ import annotations

from enum import StrEnum

from web.refusals import FrenchHTTPException


class FeedFormat(StrEnum):
    JSON = "json"
    NDJSON = "ndjson"
    CSV = "csv"


MEDIA_TYPES = {
    FeedFormat.JSON: "application/json",
    FeedFormat.NDJSON: "application/x-ndjson",
    FeedFormat.CSV: "text/csv; charset=utf-8",
}
_BY_MEDIA_TYPE = {
    "application/json": FeedFormat.JSON,
    "application/x-ndjson": FeedFormat.NDJSON,
    "application/ndjson": FeedFormat.NDJSON,
    "application/jsonl": FeedFormat.NDJSON,
    "text/csv": FeedFormat.CSV,
    "*/*": FeedFormat.JSON,
    "application/*": FeedFormat.JSON,
    "text/*": FeedFormat.CSV,
}
MAX_LIMIT = {FeedFormat.JSON: 1000, FeedFormat.NDJSON: 100_000, FeedFormat.CSV: 100_000}


def choose_format(explicit: FeedFormat | None, accept: str | None) -> FeedFormat:
    """The explicit format, else the most preferred acceptable media type, else JSON."""
    if explicit is not None:
        return explicit
    if not accept or not accept.strip():
        return FeedFormat.JSON
    ranked: list[tuple[float, int, FeedFormat]] = []
    for position, part in enumerate(accept.split(",")):
        media, _, params = part.strip().partition(";")
        found = _BY_MEDIA_TYPE.get(media.strip().lower())
        quality = _quality(params)
        if found is not None and quality > 0:
            ranked.append((-quality, position, found))
    if not ranked:
        raise FrenchHTTPException(
            406,
            "Format non disponible : demandez application/json, application/x-ndjson ou "
            "text/csv (en-tête Accept ou paramètre format).",
        )
    return min(ranked)[2]


def _quality(params: str) -> float:
    for param in params.split(";"):
        name, _, value = param.strip().partition("=")
        if name.strip().lower() == "q":
            try:
                return max(0.0, min(1.0, float(value)))
            except ValueError:
                return 0.0
    return 1.0


def check_limit(limit: int, feed_format: FeedFormat) -> None:
    maximum = MAX_LIMIT[feed_format]
    if limit > maximum:
        raise FrenchHTTPException(
            422,
            f"Le paramètre « limit » vaut au plus {maximum:,} en {feed_format.value}".replace(
                ",", "\u202f"
            )
            + " ; reprenez ensuite avec after = dernier seq reçu.",
        )
