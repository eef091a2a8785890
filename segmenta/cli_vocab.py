"""``segmenta vocab ...``: a shop's own words (add, list, remove), kept beside the warehouse.

"PS5" = PlayStation 5, "tíos" = hombres, "libros" = Novela o Infantil: each shop word is read as
its meaning before anything else (``segmenta.warehouse.vocab``). A meaning is checked against the
shop when it is added (``segmenta.tools.shopwords``): one that segmenta cannot read with nothing
left unknown is refused, with the words it did not know, and nothing is written.
"""

from __future__ import annotations

from typing import Annotated

import typer

from segmenta import render
from segmenta.cli_options import DbOption, ensure_warehouse
from segmenta.warehouse import store, vocab

vocab_app = typer.Typer(
    help="The shop's own words: 'PS5' = PlayStation 5, 'tíos' = hombres. Read before anything else.",
    no_args_is_help=True,
)


@vocab_app.command("add")
def add_cmd(
    word: Annotated[str, typer.Argument(help="The shop's word, as marketers type it ('PS5', 'tíos').")],
    meaning: Annotated[str, typer.Argument(help="What it stands for, in words segmenta reads.")],
    db: DbOption = None,
) -> None:
    """Add (or change) a shop word: from now on WORD is read as MEANING."""
    from segmenta.tools.shopwords import add_word

    path = store.resolve_db(db)
    ensure_warehouse(path)
    added = add_word(path, word, meaning)
    verb = f"changed (was '{added.before}')" if added.before is not None else "added"
    render.print_lines([f"{verb}: '{added.key}' = {added.meaning}  ({added.path})"])


@vocab_app.command("list")
def list_cmd(db: DbOption = None) -> None:
    """The shop words of this warehouse."""
    path = store.resolve_db(db)
    words = vocab.load(path)
    if not words:
        render.print_lines(["no shop words yet: add one with  segmenta vocab add WORD MEANING"])
        return
    from rich.table import Table

    table = Table("word", "meaning")
    for k, v in sorted(words.items()):
        table.add_row(k, v)
    render.out.print(table)


@vocab_app.command("remove")
def remove_cmd(
    word: Annotated[str, typer.Argument(help="The shop word to forget.")], db: DbOption = None
) -> None:
    """Forget a shop word."""
    path = store.resolve_db(db)
    words = vocab.load(path)
    key = vocab._key(word)
    if key not in words:
        known = ", ".join(sorted(words)) or "none"
        raise vocab.VocabError(f"'{word}' is not a shop word of this warehouse (its words: {known})")
    meaning = words.pop(key)
    vocab.save(path, words)
    render.print_lines([f"removed: '{key}' (was {meaning})"])
