"""Acting on answers in the chat: save a segment (F6), the library sidebar (F7), a workflow draft as
a tree (F8), and the same actions typed as follow-ups, driven with Pilot on a copy of the sports shop."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from textual.widgets import Label, Select, Sparkline, Tree
from textual.widgets.tree import TreeNode

from segmenta.assistant.plan import SegmentPlan
from segmenta.tools import segments
from segmenta.tools.workflow_kinds import KIND_TITLES
from segmenta.tui.app import SegmentaApp
from segmenta.tui.export_screen import ExportScreen
from segmenta.tui.save_screen import SaveScreen
from segmenta.tui.widgets.answer_card import AnswerCard
from segmenta.tui.widgets.library import SegmentEntry, SegmentLibrary
from segmenta.tui.widgets.prompt import PromptInput
from segmenta.tui.workflow_screen import WorkflowScreen, json_path

from .conftest import AS_OF
from .pilot_helpers import SIZE, notes, send, settle


def save_directly(db: Path, name: str, request: str) -> segments.SavedSegment:
    """Save a segment the way `segmenta segments save NAME --ask TEXT` does."""
    return segments.save(db, name, plan=None, request=request, static=False, as_of=AS_OF)


def tree_labels(tree: Tree[str]) -> list[str]:
    """Every node label of a tree, depth first, as plain text."""
    out: list[str] = []

    def walk(node: TreeNode[str]) -> None:
        out.append(str(node.label))
        for child in node.children:
            walk(child)

    walk(tree.root)
    return out


async def test_f6_saves_the_segment_and_the_library_shows_it_with_its_size(shop_db: Path) -> None:
    app = SegmentaApp(shop_db, AS_OF)
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "mujeres +30 de Madrid")
        count = app.query_one(AnswerCard).answer.count
        assert count is not None and count > 0
        await pilot.press("f6")
        assert isinstance(app.screen, SaveScreen)
        await pilot.press(*"VIP Madrid", "enter")
        await settle(pilot)
        assert not isinstance(app.screen, SaveScreen)
        said = f"{count:,}".replace(",", ".")  # as Spanish in Spain writes it
        assert notes(app) == [f"Guardado 'VIP Madrid': {said} contactos (dinámico, a fecha 30 jun 2026)"]
        await pilot.press("f7")
        await settle(pilot)
        library = app.query_one(SegmentLibrary)
        assert library.is_open and library.region.width > 0
        (entry,) = library.query(SegmentEntry)
        assert entry.segment.name == "VIP Madrid" and entry.segment.size == count
        assert str(entry.query(Label)[1].content) == f"{said} contactos · dinámico"
        assert str(entry.query(Label)[2].content) == "a fecha 30 jun 2026"
        assert entry.query_one(Sparkline).data == [float(count)]
        await send(pilot, "solo las que compraron zapatillas")
        assert app.query(AnswerCard).last().answer.count, "the chat answers again after the save"
        await pilot.press("f7")
        assert not library.is_open


async def test_a_taken_name_is_not_overwritten_until_replace_is_pressed(shop_db: Path) -> None:
    save_directly(shop_db, "VIP Madrid", "mujeres de Madrid")
    app = SegmentaApp(shop_db, AS_OF)
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "hombres de Madrid")
        await send(pilot, "save as vip madrid")
        screen = app.screen
        assert isinstance(screen, SaveScreen) and screen.has_class("-taken")
        assert "Ya hay un segmento llamado 'VIP Madrid'" in str(
            screen.query_one("#save-error", Label).content
        )
        assert segments.show(shop_db, "VIP Madrid").request == "mujeres de Madrid"
        await pilot.click("#save-replace")
        await settle(pilot)
        assert not isinstance(app.screen, SaveScreen)
        seg = segments.show(shop_db, "VIP Madrid")
        assert seg.request == "hombres de Madrid" and seg.size == app.query_one(AnswerCard).answer.count


async def test_only_a_segment_can_be_saved(shop_db: Path) -> None:
    app = SegmentaApp(shop_db, AS_OF)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f6")
        await send(pilot, "ventas por mes")
        await pilot.press("f6")
        assert not isinstance(app.screen, SaveScreen)
        assert notes(app) == [
            "Ask for a segment first",
            "La última respuesta no es un segmento: solo se guardan segmentos",
        ]


async def test_choosing_a_saved_segment_in_the_library_asks_for_it_by_name(shop_db: Path) -> None:
    saved = save_directly(shop_db, "VIP Madrid", "mujeres +30 de Madrid")
    app = SegmentaApp(shop_db, AS_OF)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f7")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        answer = app.query_one(AnswerCard).answer
        assert answer.request == "contacts in 'VIP Madrid'"
        assert answer.kind == "segment" and answer.count == saved.size
        assert app.query_one(PromptInput).has_focus


async def test_f8_drafts_a_workflow_for_the_current_segment_as_a_tree(
    sports_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = SegmentaApp(sports_db, AS_OF)
    copied: list[str] = []
    monkeypatch.setattr(app, "copy_to_clipboard", copied.append)
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "women over 30 in Madrid")
        answer = app.query_one(AnswerCard).answer
        await pilot.press("f8")
        screen = app.screen
        assert isinstance(screen, WorkflowScreen) and screen.use_last
        screen.query_one(Select).value = "win_back"
        await settle(pilot)
        d = screen.draft
        assert d is not None and d.kind == "win_back"
        assert d.audience.size == answer.count
        assert d.audience.plan == SegmentPlan.model_validate(answer.plan).model_copy(
            update={"question": "list"}
        )
        labels = tree_labels(screen.query_one(Tree))
        assert labels[0].startswith(KIND_TITLES["win_back"])
        for node in d.nodes:
            # a label too long for its line gives way with an ellipsis (its numbers stay in view);
            # the line under the tree has it whole
            def fits(shown: str, label: str = node.label) -> bool:
                if label in shown:
                    return True
                cut = shown.split("…")[0]
                return "…" in shown and any(
                    len(label[:k]) >= 5 and cut.endswith(label[:k].rstrip()) for k in range(5, len(label))
                )

            assert any(fits(shown) for shown in labels), node.label
        assert f"now {answer.count:,}" in labels[1], "the audience node shows its size"
        await pilot.press("m")
        assert copied and copied[0].startswith("flowchart TD")
        await pilot.press("s")
        written = json_path(sports_db, d)
        try:
            assert json.loads(written.read_text(encoding="utf-8"))["kind"] == "win_back"
        finally:
            written.unlink()
        await pilot.press("escape")
        assert not isinstance(app.screen, WorkflowScreen)


async def test_typed_follow_ups_export_draft_and_save_the_current_segment(shop_db: Path) -> None:
    app = SegmentaApp(shop_db, AS_OF)
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "mujeres +30 de Madrid")
        count = app.query_one(AnswerCard).answer.count
        await send(pilot, "expórtalos para Facebook")
        assert isinstance(app.screen, ExportScreen) and app.screen.target == "meta"
        assert app.screen.has_class("-ready"), "the preflight is read at once"
        await pilot.press("escape")
        await send(pilot, "crea un workflow de reactivación para ellos")
        screen = app.screen
        assert isinstance(screen, WorkflowScreen) and screen.draft is not None
        assert screen.draft.kind == "win_back" and screen.draft.audience.size == count
        await pilot.press("escape")
        await send(pilot, "guárdalo como VIP Madrid")
        assert not isinstance(app.screen, SaveScreen)
        assert segments.show(shop_db, "VIP Madrid").size == count
        assert len(app.query(AnswerCard)) == 1, "actions are not sent to the engine as questions"
        assert app.query_one(PromptInput).history[-1] == "guárdalo como VIP Madrid"


async def test_a_workflow_for_them_before_any_segment_says_what_to_do_first(sports_db: Path) -> None:
    app = SegmentaApp(sports_db, AS_OF)
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "draft a win-back workflow for them")
        assert not isinstance(app.screen, WorkflowScreen)
        assert notes(app) == ["Ask for a segment first"]


async def test_a_refusal_in_a_spanish_chat_is_said_in_spanish_and_whole_at_80_columns(shop_db: Path) -> None:
    import html

    app = SegmentaApp(shop_db, AS_OF)
    async with app.run_test(size=(80, 24)) as pilot:
        await send(pilot, "mujeres de Madrid")
        await pilot.press("f6")
        assert isinstance(app.screen, SaveScreen)
        await pilot.press(*'VIP "Madrid"', "enter")
        await settle(pilot)
        said = str(app.screen.query_one("#save-error", Label).content)
        assert "tiene comillas o caracteres de control" in said, said
        screen = html.unescape(app.export_screenshot()).replace("\xa0", " ")
        assert "llevarlas" in screen, "the reason wraps inside the dialog, never cut"
