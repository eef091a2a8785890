"""The segment library: a sidebar listing the saved segments, each with its size, whether it is
dynamic or static, the as-of date of its members, and a sparkline of its recorded sizes (oldest to
newest; ``segmenta segments history --backfill-since`` and each refresh add points).

The list is read in a thread worker (``Session.saved_segments``, a read-only connection beside the
engine's) and posted back; choosing a segment (Enter or a click) posts ``SegmentLibrary.Chosen``
and the app asks for it by name as the next request (``strings.SAVED_SEGMENT_REQUEST``), so its
answer shows the checklist and rows like any other and follow-ups refine it.
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Label, ListItem, ListView, Sparkline, Static

from segmenta.errors import SegmentaError
from segmenta.locale_text import day_text, integer, locale_id
from segmenta.tools.segments import SavedSegment
from segmenta.tui.session import Session
from segmenta.tui.strings import Lang, tr
from segmenta.warehouse.config import shop_locale


def size_line(seg: SavedSegment, lang: Lang, country: str = "") -> str:
    """The second line of a library entry: the size and whether it is dynamic or static."""
    kind = tr("static", lang) if seg.kind == "static" else tr("dynamic", lang)
    return f"{integer(seg.size, locale_id(lang, country))} {tr('contacts', lang)} · {kind}"


def date_line(seg: SavedSegment, lang: Lang, country: str = "") -> str:
    """The third line of a library entry: the as-of date of its members and how many sizes are recorded."""
    points = len(seg.history)
    return f"{tr('as_of', lang)} {day_text(seg.as_of, lang, country)}" + (
        f" · {points} {tr('points', lang)}" if points > 1 else ""
    )


class SegmentEntry(ListItem):
    """One saved segment in the library."""

    def __init__(self, seg: SavedSegment, lang: Lang, country: str = "") -> None:
        super().__init__()
        self.segment = seg
        self.lang = lang
        self.country = country

    def compose(self) -> ComposeResult:
        seg = self.segment
        yield Label(seg.name, classes="entry-name", markup=False)
        yield Label(size_line(seg, self.lang, self.country), classes="entry-size")
        yield Label(date_line(seg, self.lang, self.country), classes="entry-size")
        yield Sparkline([float(p.size) for p in seg.history] or [float(seg.size)], classes="entry-history")


class SegmentLibrary(Vertical):
    """The saved segments, toggled beside the conversation (F7)."""

    DEFAULT_CSS = """
    SegmentLibrary { dock: right; width: 36; height: 1fr; display: none;
                     border-left: tall $panel; background: $surface; }
    SegmentLibrary.-open { display: block; }
    SegmentLibrary #library-title { height: 1; padding: 0 1; background: $boost; text-style: bold; }
    SegmentLibrary #library-hint { height: 1; padding: 0 1; color: $text-muted; }
    SegmentLibrary #library-empty { padding: 1 1; color: $text-muted; }
    SegmentLibrary ListView { height: 1fr; background: $surface; }
    SegmentLibrary SegmentEntry { height: auto; padding: 0 1; margin: 0 0 1 0; }
    SegmentLibrary .entry-name { text-style: bold; }
    SegmentLibrary .entry-size { color: $text-muted; }
    SegmentLibrary .entry-history { width: 1fr; height: 1; }
    """

    class Chosen(Message):
        """A saved segment was chosen: ask for it by ``name``."""

        def __init__(self, name: str) -> None:
            self.name = name
            super().__init__()

    class Loaded(Message):
        """The saved segments were read."""

        def __init__(self, segments: list[SavedSegment]) -> None:
            self.segments = segments
            super().__init__()

    class LoadFailed(Message):
        """Reading the saved segments failed with a message for the marketer."""

        def __init__(self, message: str) -> None:
            self.message = message
            super().__init__()

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.lang: Lang = "en"
        self.country = ""  # the shop's, for its numbers and dates
        self.segments: list[SavedSegment] = []

    def compose(self) -> ComposeResult:
        yield Static(tr("library", self.lang), id="library-title")
        yield Static(tr("library_hint", self.lang), id="library-hint")
        yield ListView(id="library-list")
        yield Static(tr("library_empty", self.lang), id="library-empty")

    @property
    def is_open(self) -> bool:
        """Whether the sidebar is shown."""
        return self.has_class("-open")

    def set_lang(self, lang: Lang) -> None:
        """Relabel the sidebar (and its entries) in ``lang``."""
        self.lang = lang
        self.query_one("#library-title", Static).update(tr("library", lang))
        self.query_one("#library-hint", Static).update(tr("library_hint", lang))
        self.query_one("#library-empty", Static).update(tr("library_empty", lang))
        if self.segments:
            self.show_segments(self.segments)

    @work(thread=True, group="library", exclusive=True, exit_on_error=False)
    def reload(self, session: Session) -> None:
        """Read the saved segments in a thread and post them."""
        try:
            segments = session.saved_segments()
            self.country = shop_locale(session.db)[1]
        except SegmentaError as e:
            self.post_message(self.LoadFailed(str(e)))
            return
        self.post_message(self.Loaded(segments))

    @on(Loaded)
    def _loaded(self, event: Loaded) -> None:
        self.show_segments(event.segments)

    @on(LoadFailed)
    def _load_failed(self, event: LoadFailed) -> None:
        self.notify(event.message, severity="error")

    def show_segments(self, segments: list[SavedSegment]) -> None:
        """Replace the entries with ``segments``."""
        self.segments = segments
        view = self.query_one(ListView)
        index = view.index
        view.clear()
        view.extend(SegmentEntry(s, self.lang, self.country) for s in segments)
        if segments:
            view.index = min(index or 0, len(segments) - 1)
        self.query_one("#library-empty").display = not segments

    @on(ListView.Selected, "#library-list")
    def _selected(self, event: ListView.Selected) -> None:
        event.stop()
        if isinstance(event.item, SegmentEntry):
            self.post_message(self.Chosen(event.item.segment.name))
