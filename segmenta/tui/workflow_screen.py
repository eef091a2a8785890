"""The workflow draft dialog: pick a kind, read the draft as a tree with each node's estimates.

The draft comes from ``segmenta.tools.workflows.draft`` in a thread worker (``Session.draft_workflow``).
Its audience is the chat's current segment when there is one ("for them"), the words the marketer
typed after "for" / "para", or the kind's default audience. Each tree node shows the step and what
the warehouse says about it at the as-of date: contacts there now, over the last 30 days, how a
condition splits, who is reachable on the channel. ``m`` copies the Mermaid flowchart to the
clipboard; ``s`` writes the draft's JSON beside the warehouse (``json_path``).
"""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Label, LoadingIndicator, Select, Static, Tree
from textual.widgets.tree import TreeNode

from segmenta.cells import shown, terminal_text
from segmenta.errors import SegmentaError, speaking
from segmenta.locale_text import day_text
from segmenta.tools.workflows import (
    Estimate,
    WorkflowDraft,
    WorkflowNode,
    estimate_text,
    known_kinds,
    mermaid,
    root,
    save_json,
)
from segmenta.tui.session import Session
from segmenta.tui.strings import Lang

_T: dict[str, dict[Lang, str]] = {
    "title": {"es": "Borrador de workflow", "en": "Workflow draft"},
    "pick": {"es": "Elige el tipo de workflow", "en": "Choose the kind of workflow"},
    "for_current": {"es": "para el segmento actual", "en": "for the current segment"},
    "for_default": {
        "es": "sin segmento: la audiencia por defecto del tipo",
        "en": "no segment: the kind's default audience",
    },
    "for_words": {"es": "para", "en": "for"},
    "hint": {
        "es": "m: copiar Mermaid  s: guardar JSON  Esc: cerrar",
        "en": "m: copy Mermaid  s: save JSON  Esc: close",
    },
    "copied": {"es": "Mermaid copiado al portapapeles", "en": "Mermaid copied to the clipboard"},
    "written": {"es": "Escrito", "en": "Written"},
    "none_yet": {"es": "Todavía no hay borrador", "en": "No draft yet"},
    "as_of": {"es": "a fecha", "en": "as of"},
    "audience": {"es": "audiencia", "en": "audience"},
    "now": {"es": "ahora", "en": "now"},
    "last_30": {"es": "últimos 30 días", "en": "last 30 days"},
    "yes": {"es": "sí", "en": "yes"},
    "reachable": {"es": "alcanzables", "en": "reachable"},
    "reach": {"es": "alcanz.", "en": "reach"},
    "legend": {
        "es": "ahora: contactos si se lanzara hoy · 30d: los que habrían entrado en los últimos "
        "30 días · alcanz.: con permiso y dirección en el canal",
        "en": "now: contacts there if launched today · 30d: who would have entered over the last 30 "
        "days · reach: with consent and an address on the channel",
    },
    "continues": {"es": "sigue en", "en": "continues at"},
}
NODE_TYPES: dict[str, dict[Lang, str]] = {  # a node's type as the tree shows it
    "audience": {"es": "audiencia", "en": "audience"},
    "trigger": {"es": "disparador", "en": "trigger"},
    "wait": {"es": "espera", "en": "wait"},
    "condition": {"es": "condición", "en": "condition"},
    "action": {"es": "acción", "en": "action"},
    "exit": {"es": "salida", "en": "exit"},
}


def node_type(kind: str, lang: Lang) -> str:
    """A node type in ``lang`` (the draft's JSON keeps the English key).

    >>> node_type("condition", "es"), node_type("trigger", "en")
    ('condición', 'trigger')
    """
    return NODE_TYPES.get(kind, {}).get(lang, kind)


def kind_title(kind: str, lang: Lang) -> str:
    """A workflow kind's name in ``lang`` (the names live with the workflow templates).

    >>> kind_title("win_back", "en"), kind_title("win_back", "es")
    ('Win-back', 'Reactivación (win-back)')
    """
    from segmenta.tools.workflow_kinds import kind_title as title

    return title(kind, lang)


def draft_text(kind: str, audience: str | None) -> str:
    """The request that drafts ``kind`` for ``audience`` (the kind's own words are always recognised).

    >>> draft_text("win_back", None), draft_text("abandoned_cart", "hibernating customers")
    ('win back', 'abandoned cart for hibernating customers')
    """
    words = kind.replace("_", " ")
    return f"{words} for {audience}" if audience else words


def estimate_label(e: Estimate, lang: Lang) -> str:
    """A node's estimates in a few words of ``lang``.

    >>> estimate_label(Estimate(enter=120, last_30_days=900, yes=20, no=100, reachable=80), "es")
    'ahora 120 · últimos 30 días 900 · sí 20 / no 100 · alcanzables 80'
    """
    return estimate_text(e, lang)


def short_estimate(e: Estimate, lang: Lang) -> str:
    """A node's numbers short enough for a tree line (``estimate_label`` has the words and the note).

    >>> short_estimate(Estimate(enter=120, last_30_days=900, yes=20, no=100, reachable=80), "en")
    'now 120 · 30d 900 · yes 20 / no 100 · reach 80'
    """
    from segmenta.locale_text import integer, locale_id

    loc = locale_id(lang)
    parts = []
    if e.enter is not None:
        parts.append(f"{_T['now'][lang]} {integer(e.enter, loc)}")
    if e.last_30_days is not None:
        parts.append(f"30d {integer(e.last_30_days, loc)}")
    if e.yes is not None and e.no is not None:
        parts.append(f"{_T['yes'][lang]} {integer(e.yes, loc)} / no {integer(e.no, loc)}")
    if e.reachable is not None:
        parts.append(f"{_T['reach'][lang]} {integer(e.reachable, loc)}")
    return " · ".join(parts)


def node_label(n: WorkflowNode, edge: str, lang: Lang, room: int | None = None) -> Text:
    """One tree line: the branch it hangs from, the node's type (unless its label says it), its
    label and its numbers; with ``room`` (columns), the label gives way with an ellipsis so the
    branch and the numbers stay in view (the whole node is in the line under the tree).

    >>> e = Estimate(enter=530, last_30_days=30, yes=None, no=None, reachable=512)
    >>> said = "Email: te echamos de menos (15 % de descuento)"
    >>> n = WorkflowNode(id="a", type="action", label=said, estimate=e)
    >>> node_label(n, "sí", "es", room=64).plain
    'sí: acción Email: te echamos…  ahora 530 · 30d 30 · alcanz. 512'
    """
    head = Text()
    if edge:
        head.append(f"{edge}: ", style="dim")
    kind = node_type(n.type, lang)
    if not n.label.lower().startswith((n.type, kind)):
        head.append(f"{kind} ", style="bold")
    label = terminal_text(n.label)
    est = short_estimate(n.estimate, lang)
    tail = f"  {est}" if est else ""
    if room is not None:
        if head.cell_len + 8 + len(tail) > room and n.estimate.last_30_days is not None:
            # deep in the tree: the 30-day figure gives way first (the line under the tree has it)
            short = short_estimate(n.estimate.model_copy(update={"last_30_days": None}), lang)
            tail = f"  {short}" if short else ""
        left = max(8, room - head.cell_len - len(tail))
        if len(label) > left:
            label = label[: left - 1].rstrip() + "…"
    head.append(label)
    if tail:
        head.append(tail, style="cyan")
    if room is not None and head.cell_len > room:  # still too long: cut, never past the edge
        head.truncate(max(1, room - 1))
        head.append("…")
    return head


def node_detail(n: WorkflowNode, lang: Lang) -> Text:
    """Everything about one node, for the line under the tree."""
    text = Text(f"{node_type(n.type, lang)}: ", style="bold")
    text.append(terminal_text(n.label))
    est = estimate_label(n.estimate, lang)
    if est:
        text.append(f"\n{est}", style="cyan")
    return text


def fill_tree(tree: Tree[str], d: WorkflowDraft, lang: Lang, width: int | None = None) -> None:
    """Show ``d`` in ``tree``: the audience under the root, each node under the one before it.

    Branches that meet again (after a condition) show the shared node once; the other branch
    points at it. With ``width`` (the tree's columns), each line fits it (``node_label``).
    """
    tree.clear()
    tree.root.set_label(Text(f"{d.name} ({_T['as_of'][lang]} {day_text(d.as_of, lang)})", style="bold"))
    top = root(d)
    seen = {top.id}

    def room(depth: int) -> int | None:
        # the guides take guide_depth columns a level, the expand mark 2, the scrollbar 2
        return None if width is None else width - depth * tree.guide_depth - 4

    def grow(branch: TreeNode[str], node_id: str, depth: int) -> None:
        for edge, child in d.children(node_id):
            if child.id in seen:
                hop = f"{edge.label + ': ' if edge.label else ''}→ {_T['continues'][lang]} {child.label}"
                fits = room(depth + 1)
                if fits is not None and len(hop) > fits:
                    hop = hop[: max(8, fits) - 1] + "…"
                branch.add_leaf(shown(hop, style="dim"), data=child.id)
                continue
            seen.add(child.id)
            label = node_label(child, edge.label, lang, room(depth + 1))
            grow(branch.add(label, data=child.id, expand=True), child.id, depth + 1)

    grow(tree.root.add(node_label(top, "", lang, room(1)), data=top.id, expand=True), top.id, 1)
    tree.root.expand_all()


def json_path(db: Path, d: WorkflowDraft) -> Path:
    """Where ``s`` writes a draft: beside the warehouse, named for its kind and date.

    >>> import datetime as dt
    >>> from segmenta.tools.workflows import Audience
    >>> d = WorkflowDraft(kind="win_back", name="Win-back", request="", as_of=dt.date(2026, 6, 30),
    ...                   audience=Audience(text="x", size=0), nodes=[], edges=[])
    >>> json_path(Path("/data/shop.duckdb"), d).as_posix()
    '/data/shop.workflow-win_back-2026-06-30.json'
    """
    return db.with_name(f"{db.stem}.workflow-{d.kind}-{d.as_of.isoformat()}.json")


class WorkflowScreen(ModalScreen[None]):
    """Pick a kind, see its draft as a tree, copy its Mermaid or save its JSON."""

    DEFAULT_CSS = """
    WorkflowScreen { align: center middle; }
    WorkflowScreen > Vertical { width: 94%; height: 92%; border: thick $accent; background: $surface;
                                padding: 0 1; }
    WorkflowScreen .title { text-style: bold; }
    WorkflowScreen #workflow-for { color: $text-muted; }
    WorkflowScreen #workflow-kind { width: 50; margin: 0 0 0 0; }
    WorkflowScreen #workflow-busy { height: 1; display: none; }
    WorkflowScreen.-busy #workflow-busy { display: block; }
    WorkflowScreen #workflow-notes { color: $warning; height: auto; }
    WorkflowScreen #workflow-tree { height: 1fr; }
    WorkflowScreen #workflow-node { height: 3; color: $text-muted; border-top: solid $panel; }
    WorkflowScreen #workflow-hint { color: $text-muted; height: 1; }
    """
    BINDINGS = [
        Binding("escape", "close", "Close", show=False),
        Binding("m", "copy_mermaid", "Copy Mermaid", show=False),
        Binding("s", "save_json", "Save JSON", show=False),
    ]

    class Drafted(Message):
        """The draft is ready."""

        def __init__(self, serial: int, draft: WorkflowDraft) -> None:
            self.serial = serial
            self.draft = draft
            super().__init__()

    class Failed(Message):
        """Drafting failed with a message for the marketer."""

        def __init__(self, serial: int, message: str) -> None:
            self.serial = serial
            self.message = message
            super().__init__()

    def __init__(
        self,
        session: Session,
        lang: Lang,
        *,
        kind: str | None = None,
        use_last: bool = False,
        audience: str | None = None,
        typed: str | None = None,
    ) -> None:
        """Args:
        kind: the kind to draft at once (None: the marketer picks one).
        use_last: the audience is the chat's current segment.
        audience: audience words typed after "for" / "para" (when not ``use_last``).
        typed: the request as typed, used as the draft's request while its kind is kept.
        """
        super().__init__()
        self.session, self.lang = session, lang
        self.kind, self.use_last, self.audience, self.typed = kind, use_last, audience, typed
        self.draft: WorkflowDraft | None = None
        self._serial = 0

    def compose(self) -> ComposeResult:
        lang = self.lang
        options = [(kind_title(k, lang), k) for k in known_kinds()]
        if self.use_last:
            target = _T["for_current"][lang]
        elif self.audience:
            target = f"{_T['for_words'][lang]} {self.audience}"
        else:
            target = _T["for_default"][lang]
        with Vertical():
            yield Label(_T["title"][lang], classes="title")
            yield Label(Text(target), id="workflow-for")
            yield Select(options, prompt=_T["pick"][lang], value=self.kind or Select.NULL, id="workflow-kind")
            yield LoadingIndicator(id="workflow-busy")
            yield Label("", id="workflow-notes")
            tree: Tree[str] = Tree(_T["none_yet"][lang], id="workflow-tree")
            tree.guide_depth = 3
            yield tree
            yield Static(_T["legend"][lang], id="workflow-node")
            yield Label(_T["hint"][lang], id="workflow-hint")

    def on_mount(self) -> None:
        if self.kind is not None:
            self.start(self.kind)
            self.query_one(Tree).focus()
        else:
            self.query_one(Select).focus()

    @on(Select.Changed, "#workflow-kind")
    def _kind_changed(self, event: Select.Changed) -> None:
        event.stop()
        # the select announces the kind it opened with: that draft is already on its way
        drafting = event.value == self.kind and self.has_class("-busy")
        if isinstance(event.value, str) and not drafting and (event.value != self.kind or self.draft is None):
            self.kind = event.value
            self.start(event.value)

    def start(self, kind: str) -> None:
        """Draft ``kind`` in a worker; a newer choice makes an older draft stale."""
        from segmenta.tools.workflows import UnknownKind, detect_kind

        text = draft_text(kind, None if self.use_last else self.audience)
        if self.typed:
            try:
                if detect_kind(self.typed) == kind:
                    text = self.typed
            except UnknownKind:
                pass
        self._serial += 1
        self.add_class("-busy")
        self.build(self._serial, text)

    @work(thread=True, group="workflow", exclusive=True, exit_on_error=False)
    def build(self, serial: int, text: str) -> None:
        """Draft in a thread and post the draft."""
        try:
            with speaking(self.lang):
                d = self.session.draft_workflow(text, use_last=self.use_last, lang=self.lang)
        except SegmentaError as e:
            self.post_message(self.Failed(serial, str(e)))
            return
        self.post_message(self.Drafted(serial, d))

    @on(Drafted)
    def _drafted(self, event: Drafted) -> None:
        if event.serial != self._serial:
            return
        self.remove_class("-busy")
        self.draft = event.draft
        d = event.draft
        from segmenta.locale_text import integer, locale_id

        size = integer(d.audience.size, locale_id(self.lang, self.session.engine.country))
        notes = [f"{_T['audience'][self.lang]}: {d.audience.text} ({size})", *d.assumptions]
        self.query_one("#workflow-notes", Label).update(Text("\n".join(notes)))
        tree = self.query_one(Tree)
        fill_tree(tree, d, self.lang, tree.content_size.width or None)

    @on(Tree.NodeHighlighted, "#workflow-tree")
    def _highlighted(self, event: Tree.NodeHighlighted[str]) -> None:
        d, node_id = self.draft, event.node.data
        node = next((n for n in d.nodes if n.id == node_id), None) if d is not None else None
        detail = node_detail(node, self.lang) if node is not None else _T["legend"][self.lang]
        self.query_one("#workflow-node", Static).update(detail)

    @on(Failed)
    def _failed(self, event: Failed) -> None:
        if event.serial != self._serial:
            return
        self.remove_class("-busy")
        self.query_one("#workflow-notes", Label).update(Text(event.message, style="bold red"))

    def action_copy_mermaid(self) -> None:
        """Copy the draft as a Mermaid flowchart."""
        if self.draft is not None:
            self.app.copy_to_clipboard(mermaid(self.draft))
            self.app.notify(_T["copied"][self.lang])

    def action_save_json(self) -> None:
        """Write the draft's JSON beside the warehouse."""
        if self.draft is None:
            return
        path = json_path(self.session.db, self.draft)
        try:
            save_json(self.draft, path)
        except OSError as e:
            self.app.notify(f"{path}: {e.strerror or e}", severity="error")
            return
        self.app.notify(f"{_T['written'][self.lang]}: {path}")

    def action_close(self) -> None:
        self.dismiss(None)
