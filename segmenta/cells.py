"""Shop values made safe for the places they are written: spreadsheets and terminals.

A shop's data is not the marketer's: a product name, a city or a coupon can hold ``=HYPERLINK(…)``,
Rich markup (``[link=…]``) or raw escape sequences. Every CSV and XLSX segmenta writes passes its
text cells through ``spreadsheet_text`` (OWASP's CSV-injection guidance: a cell that a spreadsheet
would run as a formula gets a leading apostrophe), and every shop value shown in the terminal or the
TUI passes through ``terminal_text`` (markup escaped, control characters made visible).
"""

from __future__ import annotations

import re
from typing import Any

from rich.text import Text

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_PLAIN_NUMBER = re.compile(r"[+-]?[0-9(][0-9 .,()/-]*")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")

SQL_SPREADSHEET_TEXT = (
    "CASE WHEN left({col}, 1) IN ('=', '+', '-', '@', chr(9), chr(13), '＝', '＋', '－', '＠') "
    "AND NOT regexp_full_match({col}, '" + _PLAIN_NUMBER.pattern + "') THEN '''' || {col} ELSE {col} END"
)
"""The same test as ``spreadsheet_text``, in DuckDB SQL, for files DuckDB writes itself."""


def spreadsheet_text(value: Any) -> Any:
    """A cell a spreadsheet shows as text: formula-leading text gets a leading apostrophe.

    Numbers written as text ("+34600111222", "+34 612-345-679", "-12.5") stay as they are: with no
    letter, no call and no reference they can run nothing, and phone numbers keep their form.
    Anything that is not text is returned unchanged.

    >>> spreadsheet_text('=HYPERLINK("http://x","y")'), spreadsheet_text("@SUM(A1)")
    ('\\'=HYPERLINK("http://x","y")', "'@SUM(A1)")
    >>> spreadsheet_text("-1+A1")
    "'-1+A1"
    >>> spreadsheet_text("+34600111222"), spreadsheet_text("+34 612-345-679"), spreadsheet_text(3)
    ('+34600111222', '+34 612-345-679', 3)
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def terminal_text(value: Any) -> str:
    """A value as text for the terminal: control and escape characters shown as ``\\x1b``-style
    escapes (never run), so a name cannot colour, move or rewrite the screen.

    Rich markup is escaped where the text is put into markup (``rich.markup.escape``); values
    given to Rich as ``Text`` objects are never read as markup.

    >>> terminal_text("\\x1b[31mred\\x07")
    '\\\\x1b[31mred\\\\x07'
    """
    text = value if isinstance(value, str) else str(value)
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def shown(value: Any, style: str = "") -> Text:
    """A shop value (or a sentence holding one) as Rich text: never read as markup, control
    characters made visible (``terminal_text``)."""
    return Text(terminal_text(value), style=style)
