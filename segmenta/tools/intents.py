"""Actions asked for in a sentence, in Spanish or English, about the segment of the conversation.

"export them for Facebook" / "expórtalos para Google Ads" -> an audience file; "save as VIP Madrid" /
"guárdalo como VIP Madrid" -> a saved segment; "draft a win-back workflow for them" / "crea un workflow
de reactivación para ellos" -> a workflow draft. These are read before the request goes to the
engine: an action is about the last answer's segment, never a new segment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from segmenta.assistant.text import fold

Action = Literal["export", "save", "workflow"]

_EXPORT = re.compile(
    r"\b(export|exporta\w*|descarga\w*|download|sube\w*|upload|send (?:it|them) to|manda\w*|envia\w* a)\b"
)
_TARGETS = (
    ("meta", re.compile(r"\b(facebook|meta|instagram|fb)\b")),
    ("google", re.compile(r"\b(google|google ads|adwords|youtube|customer match)\b")),
    ("csv", re.compile(r"\b(csv|excel|fichero|archivo|file|hoja de calculo|spreadsheet)\b")),
)
_SAVE = re.compile(
    r"^(?:save|guarda\w*|salva\w*)\b"
    r"(?: (?:it|this|them|the segment|el segmento|este segmento|como segmento))?"
    r"(?: (?:as|como|con el nombre|with the name|named|called))? (?P<name>.+)$"
)
_WORKFLOW = re.compile(
    r"\b(workflows?|flujos?|flows?|automatizacion(?:es)?|automations?|journeys?|secuencias?|sequences?"
    r"|campanas? automaticas?)\b"
)
_DRAFT = re.compile(
    r"\b(draft|borrador|crea\w*|create|disena\w*|design|build|make|haz|hazme|propon\w*|suggest|prepara\w*"
    r"|redact\w*|genera\w*|generate|write|arma\w*|monta\w*|plantea\w*|sketch)\b"
)
_REPORT_BY_FLOW = re.compile(
    r"\b(by|per|por) (?:each |cada )?(?:work)?(?:flows?|flujos?)\b"
    r"|\b(informe|report|rendimiento|performance)\b"
)
"""A report over workflows ("haz un informe por flujo", "performance by flow"): never a draft."""


@dataclass(frozen=True)
class Intent:
    """An action a sentence asks for: what, and its argument (platform, segment name, workflow text)."""

    action: Action
    arg: str


def read_intent(text: str) -> Intent | None:
    """The action a sentence asks for, or None for a request for a segment or report.

    >>> read_intent("export them for Facebook")
    Intent(action='export', arg='meta')
    >>> read_intent("expórtalos para Google Ads")
    Intent(action='export', arg='google')
    >>> read_intent("guárdalo como 'VIP Madrid'")
    Intent(action='save', arg='VIP Madrid')
    >>> read_intent("draft a win-back workflow for them").action
    'workflow'
    >>> read_intent("borrador de un flujo de recuperación para clientes hibernando").action
    'workflow'
    >>> read_intent("haz un informe de aperturas por flujo") is None
    True
    >>> read_intent("mujeres de Madrid") is None
    True
    >>> read_intent("los que aceptan sms, xq queremos mandarles el CUMPLE5") is None
    True
    """
    f = fold(text)
    # an action opens the sentence ("export them…", "ahora expórtalos…", "can you draft…"): the same
    # verb later on gives a reason ("…, xq queremos mandarles el CUMPLE5"), not an action
    head = " ".join(f.split()[:4])
    if _EXPORT.search(head):
        for target, pattern in _TARGETS:
            if pattern.search(f):
                return Intent("export", target)
        return Intent("export", "csv")
    raw = text.strip().rstrip(".!")
    m = _SAVE.match(fold(raw))
    if m:
        name = _original_name(raw, m.group("name"))
        return Intent("save", name)
    if _WORKFLOW.search(f) and _DRAFT.search(head) and not _REPORT_BY_FLOW.search(f):
        return Intent("workflow", text)
    return None


def _original_name(raw: str, folded_name: str) -> str:
    """The segment name as typed (accents and case kept), without its outer quotes.

    A name with quotes inside (``"Sevilla "VIP" 2"``) is kept whole, so the save refuses it and
    says why, rather than saving ``Sevilla`` and dropping the rest.

    >>> _original_name("guárdalo como 'VIP Madrid'", "vip madrid"), _original_name("save as Oro", "oro")
    ('VIP Madrid', 'Oro')
    >>> _original_name('guárdalo como "Sevilla "VIP" 2"', 'sevilla "vip" 2')
    'Sevilla "VIP" 2'
    """
    quoted = re.search(r"[\"'«“‘](.+?)[\"'»”’]", raw)
    if quoted and not re.search(r"[\"'«»“”‘’]", raw[quoted.end() :]):
        return quoted.group(1).strip()
    words = raw.split()
    n = len(folded_name.split())
    typed = " ".join(words[-n:]).strip()
    if len(typed) > 1 and typed[0] in "\"'«“‘" and typed[-1] in "\"'»”’":
        return typed[1:-1].strip()  # quotes inside: kept, for the save to refuse and say why
    return typed.strip("\"'«»“”‘’ ")
