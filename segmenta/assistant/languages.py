"""Which language a request is in, when it is neither of the two segmenta reads.

segmenta reads Spanish and English. A request in French or German would otherwise get one
question back per word it did not know ("what does 'qui' mean in this shop?"): instead it gets
one sentence saying which languages are read. The detection is simplemma's (word lists per
language), the language's name pycountry's (ISO 639, with its Spanish translation).
"""

from __future__ import annotations

import re
from functools import lru_cache

READ = ("es", "en")
OTHERS = ("fr", "de", "it", "pt", "ca", "nl", "pl", "sv", "da", "ro", "tr")
"""Languages a marketer of a European or American shop may write in, checked against the two read."""
MIN_WORDS = 3
MIN_SCORE = 0.8
MARGIN = 0.3


def other_language(text: str) -> str | None:
    """The ISO 639-1 code of the language ``text`` is clearly in, when it is not Spanish nor English.

    >>> other_language("les clients qui ont acheté des chaussures le mois dernier")
    'fr'
    >>> other_language("chavales de bcn q pillaron algo en rebajas"), other_language("qui")
    (None, None)
    """
    from simplemma import langdetect

    if len(re.findall(r"[^\W\d_]{2,}", text)) < MIN_WORDS:
        return None
    scores = dict(langdetect(text, lang=(*READ, *OTHERS)))
    best = max(OTHERS, key=lambda code: scores.get(code, 0.0))
    top, read = scores.get(best, 0.0), max(scores.get(code, 0.0) for code in READ)
    return best if top >= MIN_SCORE and top - read >= MARGIN else None


@lru_cache(maxsize=64)
def language_name(code: str, lang: str) -> str:
    """The name of a language in Spanish or English ("francés", "French").

    >>> language_name("de", "es"), language_name("de", "en")
    ('alemán', 'German')
    """
    import gettext

    import pycountry

    found = pycountry.languages.get(alpha_2=code)
    name = str(found.name) if found is not None else code
    if lang != "es":
        return name
    es = gettext.translation("iso639-3", pycountry.LOCALES_DIR, languages=["es"], fallback=True)
    return es.gettext(name).lower()


def not_read_sentence(code: str) -> str:
    """The one sentence, in both languages read, for a request in another language."""
    es, en = language_name(code, "es"), language_name(code, "en")
    return (
        f"segmenta lee peticiones en español y en inglés, y esta parece estar en {es}: escríbela en "
        f"español o en inglés. / segmenta reads requests in Spanish and English, and this one looks {en}: "
        "write it in Spanish or English."
    )
