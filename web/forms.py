"""Reading submitted form fields safely: text only, bounded, no control characters."""

from __future__ import annotations

import unicodedata

from starlette.datastructures import FormData

from web.refusals import french_error


class FieldProblem(ValueError):
    """A form field refused; the message is French and names the field."""


def field_text(form: FormData, name: str, max_len: int = 200) -> str:
    """The field's text, stripped; '' when absent or not text (e.g. a file)."""
    value = form.get(name)
    if not isinstance(value, str):
        return ""
    if len(value) > max_len * 4:
        # Far beyond any sane value: refuse before doing any work on it.
        raise french_error(400, f"Le champ « {name} » est beaucoup trop long.")
    return value.strip()


def checked_text(form: FormData, name: str, label: str, max_len: int = 200) -> str:
    text = field_text(form, name, max_len)
    if len(text) > max_len:
        raise FieldProblem(f"{label} : {max_len} caractères au plus.")
    if any(unicodedata.category(char) == "Cc" for char in text):
        raise FieldProblem(f"{label} : caractère de contrôle non autorisé.")
    return text


def checked_int(form: FormData, name: str, label: str, low: int, high: int) -> int:
    text = field_text(form, name, 20)
    try:
        value = int(text)
    except ValueError:
        raise FieldProblem(f"{label} : un nombre entier est attendu.") from None
    if not low <= value <= high:
        raise FieldProblem(f"{label} : entre {low} et {high}.")
    return value


def checked_decimal(form: FormData, name: str, label: str, low: float, high: float) -> float:
    text = field_text(form, name, 20).replace(",", ".")
    try:
        value = float(text)
    except ValueError:
        raise FieldProblem(f"{label} : un nombre est attendu (par exemple 3 ou 2,5).") from None
    if not low <= value <= high:  # also refuses NaN
        raise FieldProblem(f"{label} : entre {low:g} et {high:g}.".replace(".", ","))
    return value
