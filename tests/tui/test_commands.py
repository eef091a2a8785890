"""Typed follow-ups that are actions: each pattern of ``segmenta.tui.commands``, and questions left alone."""

from __future__ import annotations

import pytest

from segmenta.tui.commands import parse_command

ACTIONS: list[tuple[str, tuple[object, ...]]] = [
    # (typed, (action, lang, target | name | kind, static | current, audience))
    ("export them for Facebook", ("export", "en", "meta")),
    ("Export it to Google Ads", ("export", "en", "google")),
    ("export as CSV", ("export", "en", "csv")),
    ("export", ("export", "en", None)),
    ("expórtalos para Google", ("export", "es", "google")),
    ("exporta este segmento a Instagram", ("export", "es", "meta")),
    ("Expórtalas a Excel", ("export", "es", "csv")),
    ("por favor, exportalo para meta", ("export", "es", "meta")),
    ("save as VIP Madrid", ("save", "en", "VIP Madrid", False)),
    ("save it as 'Clientes élite'", ("save", "en", "Clientes élite", False)),
    ("save this segment as a snapshot called June buyers", ("save", "en", "June buyers", True)),
    ("save a snapshot as June buyers.", ("save", "en", "June buyers", True)),
    ("guárdalo como VIP Madrid", ("save", "es", "VIP Madrid", False)),
    ("guárdalos como «Compradores de junio»", ("save", "es", "Compradores de junio", False)),
    ("guarda una foto como Junio", ("save", "es", "Junio", True)),
    ("save as Women as buyers", ("save", "en", "Women as buyers", False)),
    ("draft a win-back workflow for them", ("workflow", "en", "win_back", True, None)),
    ("draft a win-back for them", ("workflow", "en", "win_back", True, None)),
    ("crea un workflow de reactivación para ellos", ("workflow", "es", "win_back", True, None)),
    ("haz un flujo de bienvenida", ("workflow", "es", "welcome", False, None)),
    ("create a workflow for this segment", ("workflow", "en", None, True, None)),
    (
        "create an abandoned cart workflow for hibernating customers",
        ("workflow", "en", "abandoned_cart", False, "hibernating customers"),
    ),
    (
        "diséñame una automatización de cumpleaños para estos contactos",
        ("workflow", "es", "birthday", True, None),
    ),
    (
        "borrador de un flujo de recuperación para clientes hibernando",
        ("workflow", "es", "win_back", False, "clientes hibernando"),
    ),
    ("write a birthday flow for them", ("workflow", "en", "birthday", True, None)),
]

QUESTIONS = [
    "mujeres +30 de Madrid",
    "contactos que entraron en el workflow de carrito abandonado",
    "weekly email performance by workflow since March",
    "crea un segmento de los que entraron en el flujo de bienvenida",
    "create a segment of abandoned carts",
    "exporta los de Madrid para Meta",  # another audience: not the current answer's
    "guarda los de Madrid como X",
    "save",
    "guardar como",
    "keep only women",
    "exported orders by month",
    "¿cuántos guardaron el carrito?",
    "haz un informe de aperturas por flujo",
]


@pytest.mark.parametrize(("typed", "expected"), ACTIONS)
def test_a_typed_action_is_recognised_with_what_it_needs(typed: str, expected: tuple[object, ...]) -> None:
    c = parse_command(typed)
    assert c is not None and c.text == typed
    got: tuple[object, ...]
    if c.action == "export":
        got = (c.action, c.lang, c.target)
    elif c.action == "save":
        got = (c.action, c.lang, c.name, c.static)
    else:
        got = (c.action, c.lang, c.kind, c.current, c.audience)
    assert got == expected


@pytest.mark.parametrize("typed", QUESTIONS)
def test_a_question_is_left_for_the_engine(typed: str) -> None:
    assert parse_command(typed) is None
