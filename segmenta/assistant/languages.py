"""Which language a request is in, when it is neither of the two segmenta reads.

segmenta reads Spanish and English. A request in French or German would otherwise get one
question back per word it did not know ("what does 'qui' mean in this shop?"): instead it gets
one sentence saying which languages are read. The detection counts function words in the
stop-word lists of ``stop-words`` (small and loaded in milliseconds; simplemma's detector loads a
dictionary per language, 11 s and 1 GB for these), the name is pycountry's (ISO 639, with its
Spanish translation).
"""

from __future__ import annotations

import re
from functools import lru_cache

READ = ("es", "en")
OTHERS = ("fr", "de", "it", "pt", "ca", "nl", "pl", "sv", "da", "ro", "tr")
"""Languages a marketer of a European or American shop may write in, checked against the two read."""
MIN_HITS = 2
MARGIN = 2


@lru_cache(maxsize=1)
def _stop_words() -> dict[str, frozenset[str]]:
    from stop_words import get_stop_words

    return {code: frozenset(get_stop_words(code)) for code in (*READ, *OTHERS)}


def other_language(text: str) -> str | None:
    """The ISO 639-1 code of the language ``text`` is clearly in, when it is not Spanish nor English.

    Counted by the request's function words ("les", "qui", "des"; "die", "haben") in each
    language's stop-word list: another language must hold at least two more of them than Spanish
    and English, so slang, brands and typos never make a request foreign.

    >>> other_language("les clients qui ont acheté des chaussures le mois dernier")
    'fr'
    >>> other_language("chavales de bcn q pillaron algo en rebajas"), other_language("qui des")
    (None, None)
    """
    words = re.findall(r"[^\W\d_]+", text.lower())
    lists = _stop_words()
    hits = {code: sum(w in lists[code] for w in words) for code in lists}
    best = max(OTHERS, key=lambda code: hits[code])
    read = max(hits[code] for code in READ)
    return best if hits[best] >= MIN_HITS and hits[best] - read >= MARGIN and len(words) >= 3 else None


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
