"""``segmenta workflow draft TEXT``: a workflow draft with estimates, as a tree, JSON or Mermaid.

A thin typer group over ``segmenta.tools.workflows``; the lead joins it with
``app.add_typer(workflow_app, name="workflow")``. An unknown kind prints the known kinds on
stderr and exits 3 (a clarification, as ``ask`` does).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from segmenta import render
from segmenta.cli_options import AsOfOption, DbOption
from segmenta.warehouse import store

if TYPE_CHECKING:
    from rich.tree import Tree


workflow_app = typer.Typer(
    help="Workflow drafts (abandoned cart, win-back, welcome...) with estimates.", no_args_is_help=True
)


_TYPES_ES = {
    "audience": "audiencia",
    "trigger": "disparador",
    "wait": "espera",
    "condition": "condición",
    "action": "acción",
    "exit": "salida",
}


def tree(d: object, country: str = "") -> Tree:
    """The draft as a rich Tree, estimates beside each node."""
    from rich.markup import escape
    from rich.tree import Tree

    from segmenta.assistant.text import detect_language
    from segmenta.locale_text import day_text
    from segmenta.tools.workflows import WorkflowDraft, WorkflowNode, estimate_text, root

    assert isinstance(d, WorkflowDraft)
    lang = detect_language(d.request) if d.request else "en"

    def label(n: WorkflowNode, edge: str) -> str:
        est = estimate_text(n.estimate, lang, country)
        head = f"[dim]{edge}:[/dim] " if edge else ""
        kind = _TYPES_ES.get(n.type, n.type) if lang == "es" else n.type
        # the estimates on a line of their own: at 80 columns a label and its counts wrap apart,
        # never cut (the tree is printed wrapped, below)
        return f"{head}[bold]{kind}[/bold] {escape(n.label)}" + (f"\n[cyan]{est}[/cyan]" if est else "")

    top = root(d)
    day = day_text(d.as_of, lang, country)
    as_of = f"(a {day})" if lang == "es" else f"(as of {day})"
    out = Tree(f"{d.name} {as_of} — " + label(top, ""))
    seen: set[str] = set()

    def grow(branch: Tree, node_id: str) -> None:
        for edge, child in d.children(node_id):
            if child.id in seen:
                goes_on = "sigue en" if lang == "es" else "continues at"
                branch.add(
                    f"[dim]{edge.label + ': ' if edge.label else ''}→ {goes_on} {escape(child.label)}[/dim]"
                )
                continue
            seen.add(child.id)
            grow(branch.add(label(child, edge.label)), child.id)

    grow(out, top.id)
    return out


@workflow_app.command("draft")
def draft_cmd(
    text: Annotated[str, typer.Argument(help="What to draft: 'win-back for hibernating customers'.")],
    db: DbOption = None,
    as_of: AsOfOption = None,
    out: Annotated[
        Path | None, typer.Option("--out", dir_okay=False, help="Write the draft as JSON here.")
    ] = None,
    mermaid: Annotated[bool, typer.Option("--mermaid", help="Print Mermaid instead of the tree.")] = False,
    last: Annotated[bool, typer.Option("--last", help="Audience: the conversation's last segment.")] = False,
) -> None:
    """Draft a workflow for an audience, with estimates from the warehouse."""
    from segmenta.assistant.text import detect_language
    from segmenta.errors import speak
    from segmenta.tools import workflows

    speak(detect_language(text))  # what goes wrong is said in the request's language
    try:
        d = workflows.draft(store.resolve_db(db), text, as_of or dt.date.today(), use_last=last)
    except workflows.UnknownKind as e:
        render.print_error(e)
        raise typer.Exit(code=3) from None
    if out is not None:
        workflows.save_json(d, out)
        render.print_note(f"wrote {out}")
    if mermaid:
        render.out.print(workflows.mermaid(d), markup=False, end="")
    else:
        from segmenta.warehouse.config import shop_locale

        country = shop_locale(store.resolve_db(db))[1]
        render.out.print(tree(d, country), soft_wrap=False)  # wrapped at the terminal's width, never cut
    for a in d.assumptions:
        render.print_note(a)
