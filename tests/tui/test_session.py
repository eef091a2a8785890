"""The chat's session: answers through the conversation and pages of a segment read lazily."""

from __future__ import annotations

from pathlib import Path

from segmenta.tui.session import Session

from .conftest import AS_OF


def test_pages_of_a_segment_cover_it_once_in_contact_order(sports_db: Path) -> None:
    s = Session(sports_db, AS_OF)
    try:
        answer = s.ask("compraron zapatillas")
        assert answer.kind == "segment" and answer.count is not None and answer.count > 200
        ids: list[str] = []
        offset = 0
        while offset < answer.count:
            page = s.page(answer, offset, 200)
            assert 0 < len(page) <= 200
            ids += [r[0] for r in page]
            offset += len(page)
        assert ids == sorted(ids)
        assert len(set(ids)) == answer.count
        assert s.page(answer, answer.count, 200) == []
    finally:
        s.close()


def test_the_header_facts_name_the_file_and_count_its_contacts(sports_db: Path) -> None:
    s = Session(sports_db, AS_OF)
    try:
        info = s.open()
    finally:
        s.close()
    assert info.name == "sports.duckdb"
    assert info.size_bytes == sports_db.stat().st_size
    assert info.contacts == 3000


def test_a_follow_up_refines_the_previous_segment(sports_db: Path) -> None:
    s = Session(sports_db, AS_OF)
    try:
        first = s.ask("mujeres +30 de Madrid")
        second = s.ask("solo las que compraron zapatillas")
    finally:
        s.close()
    assert first.count is not None and second.count is not None
    assert 0 < second.count < first.count


def test_each_answer_keeps_the_conversation_beside_the_warehouse_for_the_tools(shop_db: Path) -> None:
    from segmenta.tools.segments import last_plan

    s = Session(shop_db, AS_OF)
    try:
        s.ask("mujeres +30 de Madrid")
        current = s.current_segment
        plan, request = last_plan(shop_db)
        s.ask("ventas por mes")
        after_report = s.current_segment
    finally:
        s.close()
    assert current is not None and plan.where == current.where
    assert request == "mujeres +30 de Madrid"
    assert after_report is None, "a report is not a segment to act on"


def test_remember_in_the_chat_keeps_a_shop_word_and_reads_the_last_question_with_it(
    sports_db: Path, tmp_path: Path
) -> None:
    import shutil

    from segmenta.assistant.catalog import cache_path
    from segmenta.warehouse import vocab

    db = tmp_path / "shop.duckdb"
    shutil.copy(sports_db, db)
    if cache_path(sports_db).exists():
        shutil.copy(cache_path(sports_db), cache_path(db))
    s = Session(db, AS_OF)
    try:
        asked = s.ask("los chavalotes de Madrid")
        assert asked.kind == "clarification" and "chavalotes" in asked.unrecognized
        kept = s.ask("recuerda 'chavalotes' = hombres")
        assert kept.kind == "segment" and kept.request == "los chavalotes de Madrid", kept
        assert any("recordado para esta tienda" in a for a in kept.assumptions)
        assert vocab.load(db) == {"chavalotes": "hombres"}
        again = s.ask("chavalotes de Barcelona")
        assert again.kind == "segment" and not again.unrecognized
    finally:
        s.close()
