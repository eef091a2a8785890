"""Per-field normalisation of contact data for ad-platform audience files (Meta, Google Ads).

Each platform matches people on values it normalises and hashes in one exact way
(``/work/shared/formats``: META_CUSTOMER_LIST.md, GOOGLE_CUSTOMER_MATCH.md), so a value that is
off by a space or a country code never matches. Every function here returns the normalised
string, or None when the value cannot be normalised (the export then drops it and counts it).

Phones go through ``phonenumbers`` and emails through ``email-validator``. Both are slow per
call (tens of microseconds), too slow for a million contacts, so each has an exact shortcut for
the common shapes: an email with a plain ASCII local part is checked once per distinct domain,
and a phone of digits and separators is split and matched against phonenumbers' own metadata
patterns. Anything else takes the library's full path; tests compare both paths on generated
input.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from datetime import date, datetime
from functools import lru_cache
from typing import Literal

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from phonenumbers import COUNTRY_CODE_TO_REGION_CODE, PhoneMetadata, PhoneNumberFormat

Platform = Literal["meta", "google"]
PLATFORMS: tuple[Platform, ...] = ("meta", "google")


def sha256_hex(value: str) -> str:
    """SHA-256 of the UTF-8 bytes, as 64 lowercase hex characters.

    >>> sha256_hex("es")
    'c0bc1e08f9743b2d50d5f1607503bf4e849af0e729fca896515bea955d70a33e'
    """
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


# ---------------------------------------------------------------- email

_ATEXT = r"[a-z0-9!#$%&'*+/=?^_`{|}~-]+"
_SIMPLE_LOCAL = re.compile(rf"{_ATEXT}(?:\.{_ATEXT})*")
_GMAIL = ("gmail.com", "googlemail.com")
_domains: dict[str, bool | None] = {}
_UNSEEN = object()


def _domain_ok(domain: str) -> bool | None:
    """Whether email-validator accepts ``domain`` unchanged (cached); None when it would rewrite it."""
    known = _domains.get(domain, _UNSEEN)
    if known is not _UNSEEN:
        return known  # type: ignore[return-value]
    ok: bool | None
    try:
        ok = True if validate_email("a@" + domain, check_deliverability=False).domain == domain else None
    except EmailNotValidError:
        ok = False
    if len(_domains) > 100_000:
        _domains.clear()
    _domains[domain] = ok
    return ok


def valid_email(text: str) -> str | None:
    """``text`` as email-validator normalises it (no deliverability check), or None when invalid.

    >>> valid_email("ana@example.com"), valid_email("ana@"), valid_email("ana.example.com")
    ('ana@example.com', None, None)
    """
    if text.isascii() and text.count("@") == 1 and len(text) <= 254:
        local, domain = text.split("@")
        if len(local) <= 64 and _SIMPLE_LOCAL.fullmatch(local):
            ok = _domain_ok(domain)
            if ok is not None:
                return text if ok else None
    try:
        return validate_email(text, check_deliverability=False).normalized
    except EmailNotValidError:
        return None


def email(raw: str, platform: Platform) -> str | None:
    """Trimmed, lowercase, valid email; Google also loses inner spaces and Gmail dots / ``+tags``.

    >>> email("  Maria.Garcia@Gmail.COM ", "meta"), email("Maria.Garcia+x@gmail.com", "google")
    ('maria.garcia@gmail.com', 'mariagarcia@gmail.com')
    """
    text = raw.strip().lower()
    if platform == "google":
        text = "".join(text.split())
    if not text:
        return None
    norm = valid_email(text)
    if norm is None:
        return None
    norm = norm.lower()
    if platform == "google":
        local, _, domain = norm.rpartition("@")
        if domain in _GMAIL:
            local = local.split("+", 1)[0].replace(".", "")
            if not local:
                return None
            norm = f"{local}@{domain}"
    return norm


# ---------------------------------------------------------------- phone

_PHONE_SEPARATORS = re.compile(r"[ \-.()/]+")
_PHONE_SHAPE = re.compile(r"\+?[0-9]{4,17}")


class _Desc:
    """One metadata pattern of phonenumbers: possible lengths and the national-number regex."""

    __slots__ = ("lengths", "pattern")

    def __init__(self, desc: object) -> None:
        lengths = tuple(getattr(desc, "possible_length", ()) or ()) if desc is not None else ()
        raw = getattr(desc, "national_number_pattern", None) if desc is not None else None
        self.lengths = frozenset(lengths)
        self.pattern = re.compile(f"(?:{raw})") if raw else None

    def matches(self, nsn: str) -> bool:
        if self.pattern is None or (self.lengths and len(nsn) not in self.lengths):
            return False
        return self.pattern.fullmatch(nsn) is not None


_TYPES = (
    "mobile",
    "fixed_line",
    "premium_rate",
    "toll_free",
    "shared_cost",
    "voip",
    "personal_number",
    "pager",
    "uan",
    "voicemail",
)


class _Region:
    """What parsing and validating a number of one region needs, compiled once."""

    def __init__(self, md: PhoneMetadata) -> None:
        self.country_code = int(md.country_code or 0)
        self.cc = str(self.country_code)
        self.idd = re.compile(md.international_prefix) if md.international_prefix else None
        npfp = md.national_prefix_for_parsing
        self.national_prefix = re.compile(npfp) if npfp else None
        self.transform = bool(md.national_prefix_transform_rule)
        self.leading = re.compile(md.leading_digits) if md.leading_digits else None
        self.general = _Desc(md.general_desc)
        general = md.general_desc
        self.possible = sorted(general.possible_length or ()) if general is not None else []
        local = general.possible_length_local_only if general is not None else ()
        self.local_only = frozenset(local or ())
        # the number types (mobile, fixed line...) joined into one regex per set of possible lengths
        by_lengths: dict[frozenset[int], list[str]] = {}
        for t in _TYPES:
            desc = getattr(md, t)
            if desc is not None and desc.national_number_pattern:
                lengths = frozenset(desc.possible_length or ())
                by_lengths.setdefault(lengths, []).append(desc.national_number_pattern)
        self.types = [
            (lengths, re.compile("|".join(f"(?:{p})" for p in pats))) for lengths, pats in by_lengths.items()
        ]

    def valid(self, nsn: str) -> bool:
        """phonenumbers' ``_number_type_helper(nsn) != UNKNOWN``: the general pattern and any type's."""
        if not self.general.matches(nsn):
            return False
        n = len(nsn)
        return any(
            (not lengths or n in lengths) and pattern.fullmatch(nsn) is not None
            for lengths, pattern in self.types
        )

    def strip_national_prefix(self, nsn: str) -> str | None:
        """The number without its national prefix as ``phonenumbers.parse`` keeps it; None to fall back."""
        if self.national_prefix is None:
            return nsn
        m = self.national_prefix.match(nsn)
        if m is None:
            return nsn
        groups = m.groups()
        if self.transform and groups and groups[-1] is not None:
            return None
        rest = nsn[m.end() :]
        pat = self.general.pattern
        if pat is not None and pat.fullmatch(nsn) and not pat.fullmatch(rest):
            return nsn
        n = len(rest)
        if not self.possible or n in self.local_only or n < self.possible[0]:
            return nsn
        return rest if n > self.possible[-1] or n in self.possible else nsn


@lru_cache(maxsize=512)
def _region(code: str) -> _Region | None:
    md = PhoneMetadata.metadata_for_region(code, None)
    return _Region(md) if md is not None else None


@lru_cache(maxsize=512)
def _calling_code(cc: int) -> tuple[_Region, ...] | None:
    """The regions sharing a calling code, in phonenumbers' order; None for non-geographic codes."""
    codes = COUNTRY_CODE_TO_REGION_CODE.get(cc)
    if not codes or "001" in codes:
        return None
    regions = tuple(r for r in (_region(c) for c in codes) if r is not None)
    return regions or None


def _valid_for_code(regions: tuple[_Region, ...], nsn: str) -> bool:
    """phonenumbers' ``is_valid_number``: pick the region as it does, then validate there."""
    if len(regions) == 1:
        return regions[0].valid(nsn)
    for r in regions:
        if r.leading is not None:
            if r.leading.match(nsn):
                return r.valid(nsn)
        elif r.valid(nsn):
            return True
    return False


class _Fallback(Exception):
    """The shortcut does not cover this input: use phonenumbers' full parse."""


def _fast_e164(raw: str, region: str) -> str | None:
    """E.164 of a phone written with digits and separators only; raises _Fallback otherwise."""
    text = _PHONE_SEPARATORS.sub("", raw)
    hint = _region(region)
    if hint is None or len(raw) > 100 or not _PHONE_SHAPE.fullmatch(text):
        raise _Fallback
    intl: str | None = None
    if text[0] == "+":
        intl = text[1:]
    elif hint.idd is not None and (m := hint.idd.match(text)):
        intl = text[m.end() :]
        if not intl or intl[0] == "0":
            raise _Fallback
    if intl is not None:
        if intl[0] == "0":
            raise _Fallback
        for size in (1, 2, 3):
            if int(intl[:size]) in COUNTRY_CODE_TO_REGION_CODE:
                cc, nsn = int(intl[:size]), intl[size:]
                break
        else:
            raise _Fallback
    else:
        if text.startswith(hint.cc):
            raise _Fallback
        cc, nsn = hint.country_code, text
    regions = _calling_code(cc)
    if regions is None:
        raise _Fallback
    # parse strips a national prefix with the hint's rules for a national number, and with the
    # main region of the calling code for an international one
    stripped = (regions[0] if intl is not None else hint).strip_national_prefix(nsn)
    if stripped is None or not 2 <= len(stripped) <= 17:
        raise _Fallback
    if cc == 52 and len(stripped.lstrip("0")) == 11:
        raise _Fallback  # the old Mexican mobile "1": the full path applies the spec's fix
    return f"+{cc}{stripped}" if _valid_for_code(regions, stripped) else None


def _full_e164(raw: str, region: str) -> str | None:
    """The spec's algorithm, with phonenumbers' full parse (and the Mexican mobile "1" fix)."""
    try:
        n = phonenumbers.parse(raw, region)
        nat = str(n.national_number)
        if n.country_code == 52 and len(nat) == 11 and nat[0] == "1":
            n = phonenumbers.parse("+52" + nat[1:], None)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(n):
        return None
    return phonenumbers.format_number(n, PhoneNumberFormat.E164)


def e164(raw: str, region: str) -> str | None:
    """A valid phone number in E.164 (``+34612345678``), read with ``region`` as the default country.

    >>> e164("612 34 56 78", "ES"), e164("06 1234 5678", "IT"), e164("n/a", "ES")
    ('+34612345678', '+390612345678', None)
    """
    region = region.upper()
    try:
        return _fast_e164(raw, region)
    except _Fallback:
        return _full_e164(raw, region)


def phone(raw: str, region: str, platform: Platform) -> str | None:
    """Google: E.164 with ``+``; Meta: the same digits without ``+``.

    >>> phone("(650)555-1212", "US", "meta"), phone("+52 1 55 1234 5678", "MX", "google")
    ('16505551212', '+525512345678')
    """
    number = e164(raw, region)
    if number is None:
        return None
    return number[1:] if platform == "meta" else number


# ---------------------------------------------------------------- names and places

_NOT_ASCII_LETTER_OR_SPACE = re.compile(r"[^a-z\s]+")
_NOT_ASCII_LETTER = re.compile(r"[^a-z]+")
_NOT_LATIN_LETTER = re.compile(r"[\W\d_\u00b2\u00b3\u00b9\u00bc-\u00be]+")  # \w also has ², ½...
_NOT_LATIN_LETTER_OR_SPACE = re.compile(r"[^\w\s]+|[\d_\u00b2\u00b3\u00b9\u00bc-\u00be]+")
_TITLES = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr"})
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})


def _letters(raw: str, *, spaces: bool) -> str:
    """NFC, lowercase, only letters (accents kept) and, with ``spaces``, single inner spaces."""
    text = raw.lower()
    if text.isascii():
        text = (_NOT_ASCII_LETTER_OR_SPACE if spaces else _NOT_ASCII_LETTER).sub("", text)
    elif max(text) < "\u0250":  # Latin-1 and Latin Extended: no combining marks, so a regex does
        text = (_NOT_LATIN_LETTER_OR_SPACE if spaces else _NOT_LATIN_LETTER).sub("", text)
    else:
        text = unicodedata.normalize("NFC", text)
        text = "".join(ch for ch in text if unicodedata.category(ch)[0] in "LM" or (spaces and ch.isspace()))
        text = unicodedata.normalize("NFC", text)
    return " ".join(text.split()) if spaces else text


def name(raw: str, platform: Platform, part: Literal["first", "last"]) -> str | None:
    """A first or last name: lowercase letters, accents kept, punctuation and digits dropped.

    Google also drops a leading title (``Mrs``) or a trailing suffix (``Jr``).

    >>> name("García-López", "meta", "last"), name("José  Ángel", "google", "first")
    ('garcíalópez', 'josé ángel')
    >>> name("O'Brien Jr.", "google", "last"), name("1234", "meta", "first")
    ('obrien', None)
    """
    text = _letters(raw, spaces=True)
    if platform == "google":
        words = text.split(" ")
        if part == "first" and len(words) > 1 and words[0] in _TITLES:
            words = words[1:]
        if part == "last" and len(words) > 1 and words[-1] in _SUFFIXES:
            words = words[:-1]
        text = " ".join(words)
    return text or None


def city(raw: str) -> str | None:
    """Meta ``ct``: lowercase letters only, no spaces or punctuation (accents kept).

    >>> city("L'Hospitalet de Llobregat"), city("Málaga")
    ('lhospitaletdellobregat', 'málaga')
    """
    return _letters(raw, spaces=False) or None


_US_STATES = {
    "alabama": "al",
    "alaska": "ak",
    "arizona": "az",
    "arkansas": "ar",
    "california": "ca",
    "colorado": "co",
    "connecticut": "ct",
    "delaware": "de",
    "districtofcolumbia": "dc",
    "florida": "fl",
    "georgia": "ga",
    "hawaii": "hi",
    "idaho": "id",
    "illinois": "il",
    "indiana": "in",
    "iowa": "ia",
    "kansas": "ks",
    "kentucky": "ky",
    "louisiana": "la",
    "maine": "me",
    "maryland": "md",
    "massachusetts": "ma",
    "michigan": "mi",
    "minnesota": "mn",
    "mississippi": "ms",
    "missouri": "mo",
    "montana": "mt",
    "nebraska": "ne",
    "nevada": "nv",
    "newhampshire": "nh",
    "newjersey": "nj",
    "newmexico": "nm",
    "newyork": "ny",
    "northcarolina": "nc",
    "northdakota": "nd",
    "ohio": "oh",
    "oklahoma": "ok",
    "oregon": "or",
    "pennsylvania": "pa",
    "rhodeisland": "ri",
    "southcarolina": "sc",
    "southdakota": "sd",
    "tennessee": "tn",
    "texas": "tx",
    "utah": "ut",
    "vermont": "vt",
    "virginia": "va",
    "washington": "wa",
    "westvirginia": "wv",
    "wisconsin": "wi",
    "wyoming": "wy",
    "puertorico": "pr",
    "guam": "gu",
    "americansamoa": "as",
    "virginislands": "vi",
    "northernmarianaislands": "mp",
}
_US_CODES = frozenset(_US_STATES.values())


def state(raw: str, country: str | None) -> str | None:
    """Meta ``st``: US states as their 2-letter code, elsewhere lowercase letters only.

    >>> state("California", "US"), state("CA", "us"), state("Comunidad de Madrid", "ES")
    ('ca', 'ca', 'comunidaddemadrid')
    """
    text = _letters(raw, spaces=False)
    if not text:
        return None
    if (country or "").upper() == "US":
        if text in _US_CODES:
            return text
        return _US_STATES.get(text)
    return text


def postal_code(raw: str, country: str | None, platform: Platform) -> str | None:
    """A postal code kept as text (leading zeros stay); US codes are their first 5 digits.

    Meta: lowercase without spaces or dashes; Google (sent unhashed): trimmed, as written.

    >>> postal_code("08001", "ES", "meta"), postal_code("94035-1234", "US", "meta")
    ('08001', '94035')
    >>> postal_code("M1 1AE", "GB", "meta"), postal_code(" M1  1AE", "GB", "google")
    ('m11ae', 'M1 1AE')
    """
    text = " ".join(raw.split())
    if not text.isascii() or not text.replace(" ", "").replace("-", "").isalnum():
        return None
    if (country or "").upper() == "US":
        m = re.match(r"\d{5}", text)
        return m.group(0) if m else None
    if platform == "meta":
        return text.replace(" ", "").replace("-", "").lower()
    return text


def _fold(raw: str) -> str:
    """Lowercase, accents removed, only letters and digits: a key for looking up words.

    >>> _fold(" Estados  Unidos "), _fold("Méx.")
    ('estadosunidos', 'mex')
    """
    text = unicodedata.normalize("NFKD", raw.lower())
    return "".join(ch for ch in text if ch.isalnum() and ch.isascii())


@lru_cache(maxsize=1)
def _country_names() -> dict[str, str]:
    """Folded country names (English, Spanish, French, Portuguese, German, Italian, Catalan) -> ISO code."""
    from phonenumbers.geodata.locale import LOCALE_DATA

    names: dict[str, str] = {}
    for code, by_lang in LOCALE_DATA.items():
        for lang in ("aa", "en", "es", "fr", "pt", "de", "it", "ca"):
            value = by_lang.get(lang)
            while value is not None and value.startswith("*"):
                value = by_lang.get(value[1:])
            if value:
                names.setdefault(_fold(value), code)
    names.update({"usa": "US", "eeuu": "US", "uk": "GB", "greatbritain": "GB", "england": "GB"})
    return names


def country(raw: str, platform: Platform) -> str | None:
    """ISO 3166-1 alpha-2: lowercase for Meta, uppercase for Google.

    >>> country("ES", "meta"), country("United States", "meta"), country("es", "google")
    ('es', 'us', 'ES')
    >>> country("Narnia", "meta") is None
    True
    """
    text = raw.strip()
    code = text.upper() if len(text) == 2 and text.isascii() and text.isalpha() else None
    if code is None or code not in phonenumbers.SUPPORTED_REGIONS:
        code = _country_names().get(_fold(text))
    if code is None:
        return None
    return code.lower() if platform == "meta" else code


_GENDERS = {
    "m": "m",
    "male": "m",
    "man": "m",
    "hombre": "m",
    "masculino": "m",
    "varon": "m",
    "homme": "m",
    "masculin": "m",
    "mann": "m",
    "mannlich": "m",
    "maschio": "m",
    "masculina": "m",
    "f": "f",
    "female": "f",
    "woman": "f",
    "mujer": "f",
    "femenino": "f",
    "femme": "f",
    "feminin": "f",
    "frau": "f",
    "weiblich": "f",
    "femmina": "f",
    "feminino": "f",
    "femenina": "f",
}


def gender(raw: str) -> str | None:
    """Meta ``gen``: ``m`` or ``f`` from a word (never its first letter); anything else is None.

    >>> gender("Mujer"), gender(" Male "), gender("other"), gender("Marciano")
    ('f', 'm', None, None)
    """
    return _GENDERS.get(_fold(raw))


# ---------------------------------------------------------------- dates

_MONTH_FIRST = frozenset({"US", "PR", "GU", "VI", "AS", "MP", "UM", "PH", "FM", "MH", "PW"})
_ISO = re.compile(r"([0-9]{4})(?:([-/.])([0-9]{1,2})\2([0-9]{1,2})|([0-9]{2})([0-9]{2}))")
_LOCAL_DATE = re.compile(r"([0-9]{1,2})([-/.])([0-9]{1,2})\2([0-9]{4})")


def _plausible(day: date) -> date | None:
    return day if 1900 <= day.year and day <= date.today() else None


def birth_date(raw: str | date, region: str | None = None) -> date | None:
    """A birth date from a date or text: ISO, or day-first (month-first for US-style countries).

    >>> birth_date("2/16/1997", "US"), birth_date("07/03/1985", "ES"), birth_date("1985-03-07")
    (datetime.date(1997, 2, 16), datetime.date(1985, 3, 7), datetime.date(1985, 3, 7))
    >>> birth_date("31/02/1985", "ES") is None, birth_date("1850-01-01") is None
    (True, True)
    """
    if isinstance(raw, datetime):
        return _plausible(raw.date())
    if isinstance(raw, date):
        return _plausible(raw)
    text = raw.strip()
    try:
        if m := _ISO.fullmatch(text):
            y, mo, d = int(m[1]), int(m[3] or m[5]), int(m[4] or m[6])
        elif m := _LOCAL_DATE.fullmatch(text):
            a, b, y = int(m[1]), int(m[3]), int(m[4])
            mo, d = (a, b) if (region or "").upper() in _MONTH_FIRST else (b, a)
        else:
            return None
        return _plausible(date(y, mo, d))
    except ValueError:
        return None


def _number_in(raw: str, low: int, high: int, width: int) -> str | None:
    text = raw.strip()
    if not (text.isascii() and text.isdigit()) or not low <= int(text) <= high:
        return None
    return f"{int(text):0{width}d}"


def birth_year(raw: str) -> str | None:
    """Meta ``doby``: YYYY from 1900 to this year.

    >>> birth_year("1985"), birth_year("85")
    ('1985', None)
    """
    text = raw.strip()
    return _number_in(text, 1900, date.today().year, 4) if len(text) == 4 else None


def birth_month(raw: str) -> str | None:
    """Meta ``dobm``: ``01`` to ``12``.

    >>> birth_month("3"), birth_month("13")
    ('03', None)
    """
    return _number_in(raw, 1, 12, 2)


def birth_day(raw: str) -> str | None:
    """Meta ``dobd``: ``01`` to ``31``.

    >>> birth_day("7"), birth_day("0")
    ('07', None)
    """
    return _number_in(raw, 1, 31, 2)


# ---------------------------------------------------------------- by spec field name

NEVER_HASHED: dict[Platform, frozenset[str]] = {
    "meta": frozenset({"madid", "extern_id"}),
    "google": frozenset({"Country", "Zip"}),
}
"""Columns each platform must get in plain text, even in a hashed file."""


def normalize_field(platform: Platform, field: str, raw: str, country_hint: str) -> str | None:
    """Normalise one value of a spec column (``email``, ``fn``, ``Zip``...) of one platform.

    Args:
        platform: ``meta`` or ``google``.
        field: the column's header as the platform's spec names it.
        raw: the value as the shop wrote it.
        country_hint: the contact's country (ISO alpha-2), used for phones, states, zips and dates.

    Returns:
        The normalised value, or None when it cannot be normalised.

    >>> normalize_field("meta", "dob", "2/16/1997", "US"), normalize_field("google", "Country", "es", "ES")
    ('19970216', 'ES')
    """
    key = field.lower().replace(" ", "_")
    if key == "email":
        return email(raw, platform)
    if key == "phone":
        return phone(raw, country_hint, platform)
    if key in ("fn", "first_name"):
        return name(raw, platform, "first")
    if key in ("ln", "last_name"):
        return name(raw, platform, "last")
    if key == "ct":
        return city(raw)
    if key == "st":
        return state(raw, country_hint)
    if key == "zip":
        return postal_code(raw, country_hint, platform)
    if key == "country":
        return country(raw, platform)
    if key == "gen":
        return gender(raw)
    if key == "dob":
        day = birth_date(raw, country_hint)
        return day.strftime("%Y%m%d") if day else None
    if key == "doby":
        return birth_year(raw)
    if key == "dobm":
        return birth_month(raw)
    if key == "dobd":
        return birth_day(raw)
    if key == "madid":
        return raw.strip().lower() or None
    if key == "extern_id":
        return raw.strip() or None
    raise ValueError(f"unknown {platform} column {field!r}")
