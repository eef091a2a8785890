"""Choosing one option of a clarification: the request again, the words not understood replaced by
the option's value. The TUI's buttons and ``segmenta ask N --continue`` both come here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence


def option_value(option: str) -> str:
    """The value part of a clarification option (``"city: Madrid"`` or ``"category Running"``).

    >>> option_value("city: Madrid"), option_value("category Running"), option_value("Madrid")
    ('Madrid', 'Running', 'Madrid')
    >>> option_value("name: Nintendo Switch OLED (Consolas)")
    'Nintendo Switch OLED'
    """
    option = re.sub(r"\s*\([^()]*\)$", "", option.strip())  # "name: X (Consolas)": the kind is no part
    if ": " in option:
        return option.split(": ", 1)[1].strip()
    head, _, rest = option.partition(" ")
    return rest.strip() if rest.strip() and head.isidentifier() and head.islower() else option.strip()


def resolve_option(request: str, unrecognized: Sequence[str], option: str) -> str:
    """The request a clarification button sends: the words not understood replaced by the option.

    When none of those words is found in the request, the option's value is appended instead.

    >>> resolve_option("compraron zapatilas de runing", ["zapatilas de runing"], "category Running")
    'compraron Running'
    >>> resolve_option("women in Pariss", ["Pariss"], "city: Paris")
    'women in Paris'
    >>> resolve_option("women", [], "city: Paris")
    'women Paris'
    """
    value = option_value(option)
    for word in unrecognized:
        pattern = re.compile(re.escape(word), re.IGNORECASE)
        if pattern.search(request):
            return pattern.sub(lambda _m: value, request, count=1).strip()
    return f"{request.strip()} {value}".strip()
