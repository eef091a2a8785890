"""The chat screen's words in Spanish and English, and the keys it answers to.

The interface follows the language of the marketer's first message (``Answer.language``), so
every label the screen shows comes from here.
"""

from __future__ import annotations

from typing import Literal

Lang = Literal["es", "en"]

TEXTS: dict[str, dict[Lang, str]] = {
    "placeholder": {
        "es": "Pregunta… (p. ej. mujeres +30 de Madrid)  ↑↓ historial",
        "en": "Ask… (e.g. women over 30 in Madrid)  ↑↓ history",
    },
    "welcome": {
        "es": "Escribe lo que buscas: segmentos («mujeres +30 de Madrid») o informes («ventas por mes»).",
        "en": "Type what you need: segments (“women over 30 in Madrid”) or reports (“revenue by month”).",
    },
    "as_of": {"es": "a fecha", "en": "as of"},
    "contacts": {"es": "contactos", "en": "contacts"},
    "contact": {"es": "contacto", "en": "contact"},
    "rows": {"es": "filas", "en": "rows"},
    "loaded": {"es": "cargados", "en": "loaded"},
    "assumptions": {"es": "Supuestos", "en": "Assumptions"},
    "unrecognized": {"es": "No reconocido", "en": "Not recognised"},
    "ignored": {"es": "ignoré", "en": "ignored"},
    "show_sql": {"es": "Mostrar SQL", "en": "Show SQL"},
    "results": {"es": "Resultados", "en": "Results"},
    "no_results": {"es": "Sin resultados todavía", "en": "No results yet"},
    "working": {"es": "Pensando… (Esc cancela)", "en": "Working… (Esc cancels)"},
    "cancelled": {"es": "Petición cancelada", "en": "Request cancelled"},
    "nothing_to_cancel": {"es": "No hay nada en marcha", "en": "Nothing is running"},
    "copied": {"es": "SQL copiado al portapapeles", "en": "SQL copied to the clipboard"},
    "no_sql": {"es": "Todavía no hay SQL", "en": "No SQL yet"},
    "date_title": {
        "es": "Fecha de referencia (AAAA-MM-DD; Enter vacío la mantiene)",
        "en": "As-of date (YYYY-MM-DD; an empty Enter keeps it)",
    },
    "date_bad": {"es": "No es una fecha AAAA-MM-DD", "en": "Not a YYYY-MM-DD date"},
    "date_set": {"es": "Las próximas respuestas usan la fecha", "en": "Next answers use the date"},
    "help_title": {"es": "Teclas", "en": "Keys"},
    "help_close": {"es": "Esc o F1 para cerrar", "en": "Esc or F1 to close"},
    "chart": {"es": "Gráfico", "en": "Chart"},
    "question": {"es": "Necesito una aclaración", "en": "I need a clarification"},
    "opening": {"es": "Abriendo el almacén…", "en": "Opening the warehouse…"},
    "no_segment": {"es": "Primero pide un segmento", "en": "Ask for a segment first"},
    "not_segment": {
        "es": "La última respuesta no es un segmento: solo se guardan segmentos",
        "en": "The last answer is not a segment: only segments can be saved",
    },
    "saved": {"es": "Guardado", "en": "Saved"},
    "dynamic": {"es": "dinámico", "en": "dynamic"},
    "static": {"es": "estático", "en": "static"},
    "library": {"es": "Segmentos guardados", "en": "Saved segments"},
    "library_empty": {
        "es": "Ninguno todavía: F6 guarda el segmento actual",
        "en": "None yet: F6 saves the current segment",
    },
    "library_hint": {"es": "Enter: pedirlo  F7: cerrar", "en": "Enter: ask for it  F7: close"},
    "points": {"es": "medidas", "en": "points"},
}

# what the library sends when a saved segment is chosen ("those in 'X'" would read as a follow-up
# that narrows the current segment, so English asks for the contacts in it)
SAVED_SEGMENT_REQUEST: dict[Lang, str] = {"es": "los de '{name}'", "en": "contacts in '{name}'"}

# (key shown, action text) in the order the help screen and the key bar list them
KEYS: list[tuple[str, dict[Lang, str]]] = [
    ("Enter", {"es": "enviar la petición", "en": "send the request"}),
    ("↑ / ↓", {"es": "peticiones anteriores", "en": "previous requests"}),
    ("Esc", {"es": "cancelar la consulta en marcha", "en": "cancel the running query"}),
    ("F1 / ?", {"es": "esta ayuda", "en": "this help"}),
    ("F2", {"es": "cambiar la fecha de referencia", "en": "change the as-of date"}),
    (
        "F3",
        {"es": "mostrar u ocultar el SQL de la última respuesta", "en": "show or hide the last answer's SQL"},
    ),
    ("F4", {"es": "copiar el SQL al portapapeles", "en": "copy the SQL to the clipboard"}),
    (
        "F5",
        {
            "es": "exportar el último segmento (Meta, Google, CSV)",
            "en": "export the last segment (Meta, Google, CSV)",
        },
    ),
    ("F6", {"es": "guardar el segmento (dinámico o estático)", "en": "save the segment (dynamic or static)"}),
    (
        "F7",
        {
            "es": "segmentos guardados: tamaño e historia; Enter lo pide",
            "en": "saved segments: size and history; Enter asks for one",
        },
    ),
    (
        "F8",
        {
            "es": "borrador de workflow para el segmento, en árbol",
            "en": "draft a workflow for the segment, as a tree",
        },
    ),
    ("Tab", {"es": "siguiente control (tabla, SQL, opciones)", "en": "next control (table, SQL, options)"}),
    (
        "PgDn / Ctrl+End",
        {
            "es": "en la tabla: bajar (se leen 200 filas más al llegar al final)",
            "en": "in the table: go down (200 more rows are read near the end)",
        },
    ),
    ("Ctrl+T", {"es": "tema claro u oscuro", "en": "light or dark theme"}),
    ("Ctrl+P", {"es": "paleta de comandos", "en": "command palette"}),
    ("Ctrl+Q", {"es": "salir", "en": "quit"}),
]

KEY_BAR: dict[Lang, str] = {
    "es": "F1 ayuda  F2 fecha  F3 SQL  F4 copiar  F5 exportar  F6 guardar  F7 guardados  F8 flujo  ^Q salir",
    "en": "F1 help  F2 date  F3 SQL  F4 copy  F5 export  F6 save  F7 library  F8 workflow  ^Q quit",
}
KEY_BAR_NARROW: dict[Lang, str] = {  # 80 columns: the quit key and F8 stay, F4 (copy SQL) is in F1's list
    "es": "F1 ayuda F2 fecha F3 SQL F5 exportar F6 guardar F7 guardados F8 flujo ^Q salir",
    "en": "F1 help F2 date F3 SQL F5 export F6 save F7 library F8 workflow ^Q quit",
}


def key_bar(lang: Lang, width: int) -> str:
    """The key bar that fits ``width`` columns (the bar has one column of padding each side).

    >>> len(key_bar("es", 80)) <= 78, key_bar("en", 200).startswith("F1 help  F2")
    (True, True)
    """
    return KEY_BAR[lang] if len(KEY_BAR[lang]) + 2 <= width else KEY_BAR_NARROW[lang]


def tr(key: str, lang: Lang) -> str:
    """The text for ``key`` in ``lang``.

    >>> tr("contacts", "es"), tr("contacts", "en")
    ('contactos', 'contacts')
    """
    return TEXTS[key][lang]
