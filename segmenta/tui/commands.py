"""Typed follow-ups that are actions, not questions: export, save, draft a workflow.

"export them for Facebook", "expórtalos para Google", "save as VIP Madrid", "guárdalo como VIP
Madrid", "draft a win-back workflow for them", "crea un workflow de reactivación para ellos" act on
the current answer; the chat recognises them here, before the text reaches the engine (which answers
questions only). The patterns are few and anchored at the start of the request, so a question that
merely mentions a workflow ("contactos que entraron en el workflow de carrito") is never taken for
an action:

- **export**: an export verb first (export, exporta, expórtalo/la/los/las, exportar); the platform
  anywhere after it: Facebook/Meta/Instagram -> ``meta``, Google/YouTube/Gmail -> ``google``,
  CSV/Excel/file/fichero/archivo -> ``csv``; none named opens the dialog without a choice.
- **save**: a save verb first (save, store, keep, guarda, guárdalo/la/los/las, guardar), then
  ``as`` / ``como`` / ``called`` / ``llamado`` / ``con el nombre`` and the name (quotes around it
  are dropped). "snapshot", "static", "estático", "foto" between them save a static snapshot
  instead of a dynamic definition.
- **workflow**: a making verb first (draft, create, make, build, design, set up, crea, créame,
  diseña, prepara, haz, genera, redacta, monta) and a workflow noun after it (workflow, flow,
  automation, journey, sequence, flujo, automatización, secuencia); "draft"/"redacta" may omit the
  noun when a workflow kind is named ("draft a win-back for them"). "create a segment ..." is a
  question, not an action. The kind comes from ``segmenta.tools.workflows.detect_kind``; the
  audience is the current segment when the text says "for them" / "para ellos" (and the like),
  the words after "for" / "para" otherwise, or the kind's default audience when none is named.

Export and save act on the current answer only, so between the verb and the platform (or the
name) only words that point at it may stand ("them", "this segment", "los", "este segmento",
"for", "para"...): "exporta los de Madrid para Meta" names another audience, so it is left to
the engine instead of exporting the wrong one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from segmenta.assistant.text import fold
from segmenta.tui.strings import Lang

Action = Literal["export", "save", "workflow"]

_LEAD = r"^\s*(?:please\s+|por\s+favor\s*,?\s+)?"
_EXPORT = re.compile(
    _LEAD + r"(?:(?P<en>export)|(?P<es>exp[oó]rta(?:r|lo|la|los|las|les|me)?|exportad))\b(?P<rest>.*)$",
    re.I | re.S,
)
_SAVE = re.compile(
    _LEAD
    + r"(?:(?P<en>save|store|keep)|(?P<es>guard(?:ar|ad)|gu[aá]rd(?:a|alo|ala|alos|alas|amelo|amela)))\b"
    + r"(?P<mid>.{0,40}?)\s*\b"
    + r"(?:as|como|called|named|with\s+the\s+name|llamad[oa]|con\s+el\s+nombre(?:\s+de)?)"
    + r"\s+(?P<name>.+?)\s*[.!]?\s*$",
    re.I | re.S,
)
_MAKE = re.compile(
    _LEAD
    + r"(?:(?P<en>draft|create|make|build|design|set\s+up|prepare|write|generate)"
    + r"|(?P<es>cr[eé]a(?:me)?|crear|dis[eé][ñn]a(?:me)?|prepara(?:me)?|haz(?:me)?|genera(?:me)?"
    + r"|redacta(?:me)?|monta(?:me)?|arma(?:me)?|borrador(?:\s+de)?))\b(?P<rest>.*)$",
    re.I | re.S,
)
_DRAFT_VERBS = {"draft", "redacta", "redactame", "borrador", "borrador de"}
_WORKFLOW_NOUN = re.compile(
    r"\b(workflows?|flows?|automations?|journeys?|sequences?|flujos?|automatizacion(es)?|secuencias?)\b"
)
_NOT_WORKFLOW = re.compile(
    r"^\s*(?:(?:a|an|the|un|una|el|la|me|new|nuevo|nueva)\s+)*"
    r"(segments?|segmentos?|audiences?|audiencias?|lists?|listas?|reports?|informes?)\b"
)
_TARGET_WORDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("meta", re.compile(r"\b(facebook|meta|instagram|fb|ig)\b")),
    ("google", re.compile(r"\b(google|youtube|gmail|adwords)\b")),
    ("csv", re.compile(r"\b(csv|excel|spreadsheet|hoja de calculo|file|fichero|archivo)\b")),
)
_STATIC_WORDS = {"snapshot", "static", "estatico", "estatica", "fijo", "fija", "foto", "instantanea"}
# words that may stand between an export or save verb and its platform or name: they point at the
# current answer (or are platform words, already read by ``export_target``)
_POINTING = {
    "it",
    "this",
    "these",
    "those",
    "them",
    "that",
    "all",
    "of",
    "the",
    "segment",
    "audience",
    "contacts",
    "people",
    "list",
    "now",
    "please",
    "for",
    "to",
    "as",
    "in",
    "into",
    "a",
    "an",
    "ads",
    "custom",
    "my",
    "lo",
    "la",
    "los",
    "las",
    "les",
    "le",
    "todo",
    "todos",
    "todas",
    "ellos",
    "ellas",
    "este",
    "esta",
    "estos",
    "estas",
    "ese",
    "esa",
    "esos",
    "esas",
    "segmento",
    "audiencia",
    "contactos",
    "gente",
    "lista",
    "ahora",
    "por",
    "favor",
    "para",
    "al",
    "en",
    "de",
    "el",
    "un",
    "una",
    "mi",
    "como",
    "ya",
    "facebook",
    "meta",
    "instagram",
    "fb",
    "ig",
    "google",
    "youtube",
    "gmail",
    "adwords",
    "csv",
    "excel",
    "spreadsheet",
    "hoja",
    "calculo",
    "file",
    "fichero",
    "archivo",
}
# "for them", "para ellos": the audience is the chat's current segment
_CURRENT = re.compile(
    r"^(them|these|those|this segment|that segment|the segment|these contacts|those contacts|this audience|"
    r"ellos|ellas|estos|estas|esos|esas|este segmento|ese segmento|el segmento|estos contactos|"
    r"esta audiencia|la audiencia)$"
)
# "save it as a snapshot called X": the static word comes after "as"
_STATIC_NAME = re.compile(
    r"^(?:(?:a|an|una?)\s+)?(?:static\s+)?(?:snapshot|static\s+segment|foto(?:\s+fija)?|instant[aá]nea|"
    r"segmento\s+est[aá]tico)\s+(?:called|named|llamad[oa]|con\s+el\s+nombre(?:\s+de)?)\s+(?P<name>.+)$",
    re.I | re.S,
)
_QUOTES = "'\"“”‘’«»`"


@dataclass(frozen=True)
class Command:
    """An action typed in the request line, with what it needs.

    ``target``: the export platform (``meta``, ``google``, ``csv``) or None to ask.
    ``name`` / ``static``: how to save. ``kind``: the workflow kind or None to ask;
    ``current``: the workflow is for the current segment; ``audience``: other audience words.
    """

    action: Action
    lang: Lang
    target: str | None = None
    name: str | None = None
    static: bool = False
    kind: str | None = None
    current: bool = False
    audience: str | None = None
    text: str = ""


def _lang(m: re.Match[str]) -> Lang:
    return "es" if m.group("es") else "en"


def _only_pointing(text: str) -> bool:
    """Whether ``text`` holds only words that point at the current answer (or name a platform)."""
    return set(fold(text).split()) <= _POINTING | _STATIC_WORDS


def export_target(text: str) -> str | None:
    """The export platform a text names, or None.

    >>> export_target("them for Facebook"), export_target("para Google Ads"), export_target(" a Excel")
    ('meta', 'google', 'csv')
    >>> export_target("them") is None
    True
    """
    f = fold(text)
    return next((target for target, words in _TARGET_WORDS if words.search(f)), None)


def clean_name(text: str) -> str:
    """A typed segment name without the quotes around it.

    >>> clean_name("'VIP Madrid'"), clean_name("«Clientes élite»"), clean_name("VIP Madrid")
    ('VIP Madrid', 'Clientes élite', 'VIP Madrid')
    """
    return text.strip().strip(_QUOTES).strip()


def parse_command(text: str) -> Command | None:
    """The action a typed request asks for, or None when it is a question for the engine.

    >>> c = parse_command("export them for Facebook"); (c.action, c.lang, c.target)
    ('export', 'en', 'meta')
    >>> c = parse_command("guárdalo como 'VIP Madrid'"); (c.action, c.lang, c.name, c.static)
    ('save', 'es', 'VIP Madrid', False)
    >>> c = parse_command("crea un workflow de reactivación para ellos"); (c.action, c.kind, c.current)
    ('workflow', 'win_back', True)
    >>> parse_command("contactos que entraron en el workflow de carrito abandonado") is None
    True
    >>> parse_command("exporta los de Madrid para Meta") is None
    True
    """
    m = _EXPORT.match(text)
    if m is not None:
        rest = m.group("rest")
        if not _only_pointing(rest):
            return None
        return Command("export", _lang(m), target=export_target(rest), text=text)
    m = _SAVE.match(text)
    if m is not None:
        name, static = m.group("name"), bool(set(fold(m.group("mid")).split()) & _STATIC_WORDS)
        late = _STATIC_NAME.match(name)
        if late is not None:
            name, static = late.group("name"), True
        name = clean_name(name)
        if not name or not _only_pointing(m.group("mid")):
            return None
        return Command("save", _lang(m), name=name, static=static, text=text)
    m = _MAKE.match(text)
    if m is not None:
        return _workflow(m, text)
    return None


def _workflow(m: re.Match[str], text: str) -> Command | None:
    from segmenta.tools.workflows import UnknownKind, audience_text, detect_kind

    rest = fold(m.group("rest"))
    if _NOT_WORKFLOW.match(rest):
        return None
    try:
        kind: str | None = detect_kind(text)
    except UnknownKind:
        kind = None
    verb = fold(m.group("en") or m.group("es"))
    if not (_WORKFLOW_NOUN.search(rest) or (kind is not None and verb in _DRAFT_VERBS)):
        return None
    words = audience_text(text)
    current = words is not None and bool(_CURRENT.match(fold(words)))
    return Command(
        "workflow", _lang(m), kind=kind, current=current, audience=None if current else words, text=text
    )
