"""The canonical text cut around its link, for PostgreSQL to hash an entry it links itself."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from dialer.compliance.privacy.trail import canonical_around_link, canonical_content, new_entry

texts = st.text(max_size=60)


@given(
    actor=texts.filter(str.strip), detail=st.none() | texts, address=st.none() | texts,
    fields=st.lists(texts, max_size=4), entry_id=st.integers(1, 2**62),
    previous=st.text("0123456789abcdef", min_size=64, max_size=64),
)  # fmt: skip
def test_the_cut_text_joined_with_the_link_is_the_canonical_text(
    actor: str, detail: str | None, address: str | None, fields: list[str], entry_id: int,
    previous: str,
) -> None:  # fmt: skip
    entry = new_entry(actor=actor, actor_role="agent", action="screen_pop", person_id=3,
                      fields=fields, campaign_id=1, attempt_id=2, address=address,
                      detail=detail)  # fmt: skip
    before, between, after = canonical_around_link(entry)
    entry.id, entry.prev_hash = entry_id, previous
    assert before + str(entry_id) + between + previous + after == canonical_content(entry)


def test_a_text_shaped_like_the_link_does_not_move_the_cut() -> None:
    entry = new_entry(actor='"id":', actor_role="agent", action="screen_pop", person_id=3,
                      fields=['"prev_hash":"'], detail='","id":0,"prev_hash":"')  # fmt: skip
    before, between, after = canonical_around_link(entry)
    entry.id, entry.prev_hash = 41, "f" * 64
    assert before + "41" + between + "f" * 64 + after == canonical_content(entry)
