"""The shop's catalog: every value a request may name, and the linking of words to those values.

segmenta serves any shop, so nothing here knows a product, a brand or a city: ``Catalog.load``
reads the linkable values of the warehouse (products, places, stores, payment methods,
campaigns, workflows, custom fields) with how many rows use each, and ``link`` finds which of
them a phrase names, tolerant of case, accents, plurals (Snowball stems), typos (rapidfuzz, only
for words of 4+ letters at a ratio of 85+) and language (the bilingual glossary, so "botas de
fútbol" finds ``Football / Boots`` and "shoes" finds ``Zapatillas``). ``match_products`` reads
the product words of "bought X" as the smallest set of category / subcategory / brand / name
values that covers every word and exists together in the products table. Indexes are built once
per catalog; loaded catalogs are kept in memory and in ``<db stem>.catalog.json`` beside the
warehouse, keyed by the import stamp, so a new import invalidates both.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, Literal

import duckdb
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from segmenta.assistant import gazetteer, glossary, places
from segmenta.assistant.plan import ProductMatch
from segmenta.assistant.reading.words import known_word
from segmenta.assistant.text import STOPWORDS_EN, STOPWORDS_ES, fold, stem, stemming_fingerprint
from segmenta.errors import SegmentaError
from segmenta.warehouse.schema import CUSTOM_FIELDS_TABLE, META_TABLE

How = Literal["exact", "folded", "stem", "glossary", "fuzzy"]
ProductRow = tuple[str | None, str | None, str | None, str | None]  # name, category, subcategory, brand

PRODUCT_FIELDS = ("category", "subcategory", "brand", "name")
# field -> (table, SQL expression of the value); utm_campaign also reads message_events below
FIELD_SOURCES: dict[str, tuple[str, str]] = {
    "city": ("contacts", "city"),
    "region": ("contacts", "region"),
    "country": ("contacts", "country"),
    "language": ("contacts", "language"),
    "postal_prefix": ("contacts", "substr(postal_code, 1, 2)"),
    "store": ("orders", "store"),
    "payment_method": ("orders", "payment_method"),
    "card_brand": ("orders", "card_brand"),
    "coupon_code": ("orders", "coupon_code"),
    "channel": ("orders", "channel"),
    "utm_source": ("orders", "utm_source"),
    "utm_medium": ("orders", "utm_medium"),
    "utm_campaign": ("orders", "utm_campaign"),
    "device": ("web_events", "device"),
    "web_category": ("web_events", "category"),
    "message_channel": ("message_events", "channel"),
    "message_name": ("message_events", "message_name"),
    "message_type": ("message_events", "message_type"),
    # the campaigns messages carry: in a message condition only these name a campaign
    "message_campaign": ("message_events", "utm_campaign"),
    "workflow": ("workflows", "name"),
    "workflow_id": ("workflows", "workflow_id"),
    "custom_field": (CUSTOM_FIELDS_TABLE, "field"),
}
FIELDS = (*PRODUCT_FIELDS, *FIELD_SOURCES)
CUSTOM_VALUES_MAX = 50  # a custom field's values are linkable when it has at most this many
MIN_SCORE = 60.0
WEAK_ALIAS_SCORE = 80.0  # a place code that is also a word ("mad", "man"): only where a place is due
FUZZY_RATIO = 85.0
ONE_TYPO_BONUS = 2.0
"""Added to a fuzzy match one edit away (optimal string alignment: a swap counts one)."""
FUZZY_MIN_LEN = 4
_QUALITY = {"exact": 100.0, "folded": 97.0, "stem": 94.0, "glossary": 92.0}
# a glossary form found whole / only its head word, for a one-word span and for a longer span
_GLOSSARY_ONE = (92.0, 88.0)
_GLOSSARY_SPAN = (90.0, 85.0)
_HOW_RANK = {"exact": 0, "folded": 1, "stem": 2, "glossary": 3, "fuzzy": 4}
_CODE_FIELDS = frozenset({"country", "language"})  # two-letter codes: linked through places.py
_STOP = STOPWORDS_ES | STOPWORDS_EN
_CACHE_VERSION = 4
# words that say "a product" without naming one: dropped before covering ("productos de natación")
GENERIC_WORDS = frozenset(
    """
product products producto productos item items article articles articulo articulos cosa cosas thing things
stuff anything something everything algo nada cualquier cualquiera todo toda todos todas categoria
categorias category categories subcategoria subcategorias subcategory subcategories brand brands marca
marcas tipo tipos type types kind kinds clase
bag bags bolsa bolsas pack packs paquete paquetes caja cajas box boxes bottle bottles botella botellas lata
latas can cans tin tins saco sacos sack sacks unidad unidades unit units pieza piezas piece pieces
kit kits gear equipment equipo equipamiento material copy copies copia copias ejemplar ejemplares
""".split()
)
_FIELD_RANK = {"category": 0, "subcategory": 1, "brand": 2, "name": 3}
_MAX_CANDIDATES = 16
_MEMORY: dict[tuple[str, str], Catalog] = {}


class CatalogError(SegmentaError):
    """A field name no catalog has, or a warehouse whose catalog cannot be read."""

    title = "Catalog"


@dataclass(frozen=True)
class Link:
    """A catalog value a phrase names: ``score`` 0..100, ``how`` it matched, the ``words`` it covers."""

    field: str
    value: str
    score: float
    how: How
    words: tuple[str, ...]
    count: int = 0


@dataclass(frozen=True)
class ProductLink:
    """The reading of product words: the match (None when no word is in the catalog), the words
    no value covers, equally good alternative readings, and the assumption said to the marketer."""

    match: ProductMatch | None
    uncovered: list[str]
    ambiguous: list[ProductMatch] = field(default_factory=list)
    assumption: str = ""
    links: list[Link] = field(default_factory=list)


@dataclass(frozen=True)
class _Entry:
    field: str
    value: str
    count: int
    words: tuple[str, ...]  # folded content words
    numbers: frozenset[str]
    keys: tuple[frozenset[str], ...] = ()  # word_keys of each word


@dataclass
class _Hit:
    """How one catalog value meets the phrase: value word positions matched, phrase positions covered."""

    vpos: set[int] = field(default_factory=set)
    cover: dict[int, tuple[float, How]] = field(default_factory=dict)
    span: int = 0  # the most value words one single form of the phrase matched
    direct: set[int] = field(default_factory=set)  # value words matched by the phrase's own words

    def add(self, positions: Iterable[int], quality: float, how: How) -> None:
        for p in positions:
            if p not in self.cover or self.cover[p][0] < quality:
                self.cover[p] = (quality, how)


@lru_cache(maxsize=65536)
def word_keys(word: str) -> frozenset[str]:
    """The index keys of a folded word: itself and, from 4 letters on, its Spanish and English stems.

    >>> sorted(word_keys("botas")), sorted(word_keys("de"))
    (['bot', 'bota', 'botas'], ['de'])
    """
    if len(word) < 4 or word.isdigit():
        return frozenset((word,))
    return frozenset(s for s in (word, stem(word, "es"), stem(word, "en")) if len(s) >= 3 or s == word)


@lru_cache(maxsize=8192)
def _glossary_forms(span: str) -> tuple[tuple[tuple[str, ...], int], ...]:
    """The content words of every glossary form of a span with the index of the form's head word
    (the first word of a Spanish form, the last of an English one); the span's own words left out."""
    own = tuple(span.split())
    out: set[tuple[tuple[str, ...], int]] = set()
    for concept in glossary.lookup(span):
        for forms, spanish in ((concept.es, True), (concept.en, False)):
            for f in forms:
                words = glossary.content_words(f)
                if words and words != own:
                    out.add((words, 0 if spanish else len(words) - 1))
    return tuple(sorted(out))


def content_words(text: str, drop: frozenset[str] = frozenset()) -> list[str]:
    """Folded words of ``text`` without stop words and ``drop`` (all words when every word is one)."""
    words = fold(text).split()
    kept = [w for w in words if w not in _STOP and w not in drop]
    if kept or drop:
        return kept
    return words


_LINK_MEMO = 20_000
"""The most phrases whose links one catalog keeps (a few MB); past it, the memo starts afresh."""


class Catalog:
    """The linkable values of one shop, indexed for linking."""

    def __init__(
        self,
        values: Mapping[str, Mapping[str, int]] | None = None,
        products: Iterable[ProductRow | Sequence[Any]] = (),
        aliases: Mapping[str, Sequence[Any]] | None = None,
        geography: Iterable[Sequence[Any]] = (),
    ) -> None:
        """Build a catalog from values per field (value -> rows) and product rows.

        Args:
            values: ``{"city": {"Madrid": 120}, "custom:club": {"gold": 3}, ...}``; the product
                fields default to the values found in ``products``.
            products: ``(name, category, subcategory, brand)`` rows, with an optional 5th item,
                how many products share the row.
            aliases: the places' other names as saved by ``to_json``; None reads the gazetteers
                when a place is first looked up.
            geography: the contacts' (country, region, city) combinations, for the gazetteers.
        """
        self.geography = [tuple(None if x is None else str(x) for x in row[:3]) for row in geography]
        self._saved_aliases = (
            {k: (str(v[0]), tuple(str(x) for x in v[1])) for k, v in aliases.items()} if aliases else None
        )
        self.products: list[ProductRow] = []
        self._product_counts: list[int] = []
        for row in products:
            self.products.append((_s(row[0]), _s(row[1]), _s(row[2]), _s(row[3])))
            extra = list(row[4:5])
            self._product_counts.append(int(extra[0]) if extra and extra[0] is not None else 1)
        self.values: dict[str, dict[str, int]] = {}
        for f, vals in (values or {}).items():
            if f not in FIELDS and not f.startswith("custom:"):
                raise CatalogError(f"unknown catalog field {f!r}: known fields are {', '.join(FIELDS)}")
            self.values[f] = {str(v): int(c) for v, c in vals.items() if v is not None and str(v).strip()}
        for k, f in enumerate(("name", "category", "subcategory", "brand")):
            if f not in self.values:
                derived: dict[str, int] = {}
                for row, n in zip(self.products, self._product_counts, strict=True):
                    v = row[k]
                    if v is not None:
                        derived[v] = derived.get(v, 0) + n
                self.values[f] = derived
        self._build()

    @classmethod
    def from_values(
        cls, products: Iterable[ProductRow | Sequence[Any]] = (), **values: Mapping[str, int] | Iterable[str]
    ) -> Catalog:
        """A catalog for tests and tools: fields as keyword arguments, values as a list or dict of counts."""
        vals = {f: (dict(v) if isinstance(v, Mapping) else dict.fromkeys(v, 1)) for f, v in values.items()}
        return cls(vals, products)

    # ------------------------------------------------------------------ loading and caching
    @classmethod
    def load(cls, con: duckdb.DuckDBPyConnection) -> Catalog:
        """The catalog of a warehouse, from memory or the JSON beside it when the import stamp matches."""
        anchor = getattr(con, "anchor", None)  # a server warehouse: its catalog beside the local anchor
        try:
            row = (
                (str(anchor),)
                if anchor is not None
                else con.execute(
                    "SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
                ).fetchone()
            )
        except duckdb.Error as e:
            raise CatalogError(f"cannot read the warehouse's catalog: {e}") from e
        path = Path(row[0]) if row and row[0] else None
        if path is None:
            return cls._read(con)
        stamp = _stamp(con, path)
        key = (str(path), stamp)
        if key in _MEMORY:
            return _MEMORY[key]
        name, built = _built_key(path, stamp)
        catalog = _load_built(name, built)
        if catalog is None:
            cached = cls._from_json(cache_path(path), stamp)
            catalog = cached if cached is not None else cls._read(con)
            if cached is None:
                catalog.save(cache_path(path), stamp)
            _save_built(name, built, catalog)
        _MEMORY.clear()  # one warehouse at a time: an older stamp is stale
        _MEMORY[key] = catalog
        return catalog

    @classmethod
    def _read(cls, con: duckdb.DuckDBPyConnection) -> Catalog:
        try:
            products = con.execute(
                "SELECT name, category, subcategory, brand, count(*) FROM products "
                "GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4"
            ).fetchall()
            values: dict[str, dict[str, int]] = {}
            for f, (table, expr) in FIELD_SOURCES.items():
                values[f] = _counts(con, table, expr)
            for v, n in _counts(con, "message_events", "utm_campaign").items():
                values["utm_campaign"][v] = values["utm_campaign"].get(v, 0) + n
            small = con.execute(
                f"SELECT field FROM {CUSTOM_FIELDS_TABLE} GROUP BY field "
                f"HAVING count(DISTINCT value) <= {CUSTOM_VALUES_MAX} ORDER BY field"
            ).fetchall()
            for (name,) in small:
                rows = con.execute(
                    f"SELECT value, count(*) FROM {CUSTOM_FIELDS_TABLE} WHERE field = ? "
                    "AND value IS NOT NULL GROUP BY value ORDER BY value",
                    [name],
                ).fetchall()
                values[f"custom:{name}"] = {str(v): int(n) for v, n in rows}
            geography = con.execute(
                "SELECT DISTINCT country, region, city FROM contacts WHERE region IS NOT NULL "
                "ORDER BY 1, 2, 3"
            ).fetchall()
        except duckdb.Error as e:
            raise CatalogError(f"cannot read the warehouse's catalog: {e}") from e
        return cls(values, products, geography=geography)

    def to_json(self, stamp: str = "") -> dict[str, Any]:
        """The catalog as JSON data (what ``save`` writes)."""
        prods = [[*row, n] for row, n in zip(self.products, self._product_counts, strict=True)]
        return {
            "version": _CACHE_VERSION,
            "stamp": stamp,
            "values": self.values,
            "products": prods,
            "aliases": {k: [f, list(v)] for k, (f, v) in self.place_aliases.items()},
            "geography": [list(row) for row in self.geography],
        }

    def save(self, path: Path, stamp: str = "") -> bool:
        """Write the catalog beside the warehouse; False when the folder is not writable (no cache then)."""
        tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
        try:
            tmp.write_text(json.dumps(self.to_json(stamp), ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, path)
        except OSError:
            tmp.unlink(missing_ok=True)
            return False
        return True

    @classmethod
    def _from_json(cls, path: Path, stamp: str) -> Catalog | None:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("version") != _CACHE_VERSION or data.get("stamp") != stamp:
                return None
            return cls(data["values"], data["products"], data.get("aliases"), data.get("geography") or ())
        except (OSError, ValueError, KeyError, TypeError, IndexError, CatalogError):
            return None  # a missing or damaged cache is rebuilt from the warehouse

    # ------------------------------------------------------------------ indexes
    def _build(self) -> None:
        self._link_memo: dict[tuple[str, tuple[str, ...] | None, str], list[Link]] = {}
        self._entries: list[_Entry] = []
        self._index: dict[str, list[tuple[int, int]]] = {}
        self._by_field: dict[str, list[int]] = {}
        self._lookup: dict[tuple[str, str], int] = {}
        vocab: set[str] = set()
        for f, vals in self.values.items():
            for value, count in vals.items():
                eid = len(self._entries)
                words = tuple(content_words(value))
                entry = _Entry(
                    f,
                    value,
                    count,
                    words,
                    frozenset(w for w in words if w.isdigit()),
                    # a brand is a proper name: stems would make "Catsan" a form of "cats"
                    tuple(frozenset((w,)) if f == "brand" else word_keys(w) for w in words),
                )
                self._entries.append(entry)
                self._by_field.setdefault(f, []).append(eid)
                self._lookup[(f, value)] = eid
                if f in _CODE_FIELDS:
                    continue
                for pos, w in enumerate(words):
                    for key in entry.keys[pos]:
                        self._index.setdefault(key, []).append((eid, pos))
                    if len(w) >= FUZZY_MIN_LEN and not w.isdigit() and w not in _STOP:
                        vocab.add(w)
        self._vocab = sorted(vocab)
        self._pairs: set[tuple[str, str]] = set()
        self._singles: set[str] = set()
        for f, vals in self.values.items():
            if f in _CODE_FIELDS:
                continue
            for value in vals:
                ws = fold(value).split()
                if len(ws) == 1:
                    self._singles.add(ws[0])
                self._pairs.update(zip(ws, ws[1:], strict=False))
        rows_of: dict[tuple[str, str], list[int]] = {}
        for k, row in enumerate(self.products):
            for f, v in zip(("name", "category", "subcategory", "brand"), row, strict=True):
                if v is not None:
                    rows_of.setdefault((f, v), []).append(k)
        self._bits = {key: _bitset(rows, len(self.products)) for key, rows in rows_of.items()}
        self.combinations = {(c, s, b) for _, c, s, b in self.products}

    def nearest(self, phrase: str, fields: Iterable[str], limit: int = 4) -> list[tuple[str, str]]:
        """The values of these fields whose text is closest to the phrase (any score), for a
        question back: "'Rebok' is not in the catalog: did you mean brand Reebok?"."""
        target = fold(phrase)
        if not target:
            return []
        choices = [(f, v) for f in fields for v in self.values.get(f, {})]
        if not choices:
            return []
        found = process.extract(
            target, [fold(v) for _, v in choices], scorer=fuzz.WRatio, limit=limit, score_cutoff=50
        )
        return [choices[k] for _, _, k in found]

    def exact_product(self, phrase: str) -> ProductMatch | None:
        """The product value (category, subcategory, brand or name) written exactly as the phrase,
        case aside: values that fold alike ("Bra'nd", "=Brand") stay apart by their own text."""
        found = self._product_texts[0].get(" ".join(phrase.split()).casefold(), [])
        if len(found) != 1:
            return None
        f, v = found[0]
        return ProductMatch(text=phrase, **{f: [v]})

    @cached_property
    def _product_texts(self) -> tuple[dict[str, list[tuple[str, str]]], dict[str, list[tuple[str, str]]]]:
        """The product values by their own text (case aside) and by their folded text, built once."""
        typed: dict[str, list[tuple[str, str]]] = {}
        folded: dict[str, list[tuple[str, str]]] = {}
        for f in PRODUCT_FIELDS:
            for v in self.values.get(f, {}):
                typed.setdefault(" ".join(v.split()).casefold(), []).append((f, v))
                folded.setdefault(fold(v), []).append((f, v))
        return typed, folded

    @cached_property
    def place_aliases(self) -> dict[str, gazetteer.Alias]:
        """Other names of the shop's cities and regions (``gazetteer.aliases``), folded."""
        if self._saved_aliases is not None:
            return self._saved_aliases
        return gazetteer.aliases(self.values, self.geography)

    @cached_property
    def _initials(self) -> dict[str, tuple[str, str] | None]:
        """Initials of the brands, stores and categories of three or more words ("The North Face" ->
        tnf), each naming one value; None where two values share them."""
        out: dict[str, tuple[str, str] | None] = {}
        for f in ("brand", "store", "category", "subcategory"):
            for value in self.values.get(f, {}):
                ws = [w for w in re.split(r"[\s\-&/]+", fold(value)) if w]
                if len(ws) < 3 or not all(w.isalpha() for w in ws):
                    continue
                key = "".join(w[0] for w in ws)
                out[key] = None if key in out and out[key] != (f, value) else (f, value)
        return out

    def initials_links(self, phrase: str, fields: Iterable[str]) -> list[Link]:
        """A short word that is the initials of one brand or store ("tnf" = The North Face)."""
        key = fold(phrase).strip()
        if not (2 <= len(key) <= 5) or not key.isalpha() or known_word(key) or key in _STOP:
            return []
        hit = self._initials.get(key)
        if hit is None or hit[0] not in set(fields):
            return []
        f, value = hit
        return [Link(f, value, 90.0, "glossary", (key,), self.values.get(f, {}).get(value, 0))]

    def alias_links(self, phrase: str, fields: Iterable[str]) -> list[Link]:
        """The shop's places another name of theirs names ("Gerona" -> city Girona, "Aragón" -> the
        regions Zaragoza, Huesca, Teruel). A short code that is also a word ("mad", "man") scores
        below the linking threshold of a free word: the reader takes it only where a place is due."""
        k = gazetteer.key(places.strip_lead_ins(phrase))
        alias = self.place_aliases.get(k) if k else None
        if alias is None or alias[0] not in set(fields):
            return []
        f, vals = alias
        # a code typed in capitals ("NI", "MAD") is meant as one
        weak = len(k) <= 3 and (known_word(k) or k in _STOP) and not phrase.strip().isupper()
        score = WEAK_ALIAS_SCORE if weak else 96.0
        return [
            Link(f, v, score, "glossary", tuple(fold(phrase).split()), self.values.get(f, {}).get(v, 0))
            for v in vals
            if v in self.values.get(f, {})
        ]

    @cached_property
    def _generic(self) -> frozenset[str]:
        """The words that say "a product" without naming one, less those this shop's category,
        subcategory or brand values are made of ("bag" in a shop with "Sleeping Bags")."""
        keys: set[str] = set()
        for f in ("category", "subcategory", "brand"):
            for value in self.values.get(f, {}):
                for w in fold(value).split():
                    keys |= word_keys(w)
        return frozenset(g for g in GENERIC_WORDS if not (word_keys(g) & keys))

    def product_word(self, word: str) -> bool:
        """Whether a folded word (or a form of it) is a word of a category, subcategory, brand or
        product name of this shop ("carrito" in a shop selling "Carritos de bebé")."""
        for key in word_keys(word):
            for eid, _ in self._index.get(key, []):
                if self._entries[eid].field in PRODUCT_FIELDS:
                    return True
        return False

    def holds(self, prev: str, word: str, nxt: str) -> bool:
        """Whether a folded word, between these neighbours, is part of a value the shop holds
        ("x" after "series" in "Xbox Series X"; "3m" as a brand), so it is no chat abbreviation."""
        return word in self._singles or (prev, word) in self._pairs or (word, nxt) in self._pairs

    def fields(self) -> list[str]:
        """The fields that have at least one value in this shop."""
        return [f for f, vals in self.values.items() if vals]

    def has(self, field_name: str, value: str) -> bool:
        """Whether the shop has this exact value in the field."""
        return (field_name, value) in self._lookup

    def product_bits(self, field_name: str, values: Iterable[str]) -> int:
        """The products (as a bitset over ``products``) whose field holds any of the values."""
        out = 0
        for v in values:
            out |= self._bits.get((field_name, v), 0)
        return out

    # ------------------------------------------------------------------ linking
    def _field_set(self, fields: Iterable[str] | None) -> set[str]:
        if fields is None:
            return set(self.values)
        wanted = set([fields] if isinstance(fields, str) else fields)
        for f in wanted:
            if f not in FIELDS and not f.startswith("custom:"):
                raise CatalogError(f"unknown catalog field {f!r}: known fields are {', '.join(FIELDS)}")
        return wanted

    def _hits(self, words: Sequence[str], fields: set[str]) -> dict[int, _Hit]:
        """Match the phrase's content words (folded) against every value of the fields."""
        hits: dict[int, _Hit] = {}

        def match(
            form: Sequence[str],
            head: int,
            positions: Sequence[int],
            how: How | None,
            quality: tuple[float, float],
        ) -> bool:
            """Values holding the form's head word; ``quality`` = (all form words found, only some)."""
            found = False
            first = (
                self._index.get(form[head], [])
                if how == "fuzzy"
                else [h for k in word_keys(form[head]) for h in self._index.get(k, [])]
            )
            for eid, pos in first:
                entry = self._entries[eid]
                if entry.field not in fields:
                    continue
                vpos = {pos}
                complete = True
                for k, w in enumerate(form):
                    if k == head:
                        continue
                    keys = word_keys(w)
                    at = next((p for p, uk in enumerate(entry.keys) if not keys.isdisjoint(uk)), None)
                    if at is None:
                        complete = False
                    else:
                        vpos.add(at)
                # a form found only by its head word: a glossary form, and over a longer span only when
                # the whole value lies inside the form ("dog food" -> "pienso para perros" -> Pienso)
                # a product name is never found by one word of a synonym ("traje de baño" is no "traje")
                partial_ok = (
                    how == "glossary"
                    and entry.field != "name"
                    and (len(positions) == 1 or len(vpos) == len(entry.words))
                )
                if not complete and not partial_ok:
                    continue
                h = how or ("folded" if entry.words[pos] == form[head] else "stem")
                hit = hits.setdefault(eid, _Hit())
                hit.vpos |= vpos
                hit.span = max(hit.span, len(vpos))
                if how != "glossary":
                    hit.direct |= vpos
                hit.add(positions, quality[0 if complete else 1] if how else _QUALITY[h], h)
                found = True
            return found

        matched: set[int] = set()
        for i, w in enumerate(words):
            if match([w], 0, [i], None, (0.0, 0.0)):
                matched.add(i)
        for size in range(1, min(4, len(words)) + 1):
            quality = _GLOSSARY_ONE if size == 1 else _GLOSSARY_SPAN
            for i in range(len(words) - size + 1):
                for fw, head in _glossary_forms(" ".join(words[i : i + size])):
                    if match(fw, head, range(i, i + size), "glossary", quality):
                        matched.update(range(i, i + size))
        for i, w in enumerate(words):
            if i in matched or len(w) < FUZZY_MIN_LEN or w in _STOP or w in GENERIC_WORDS or w.isdigit():
                continue
            near = process.extract(w, self._vocab, scorer=fuzz.ratio, score_cutoff=FUZZY_RATIO, limit=5)
            for cand, ratio, _ in near:
                q = 85.0 + (ratio - FUZZY_RATIO) * 0.5
                if OSA.distance(w, cand) <= 1:
                    # one typo away (a letter swapped, missing or extra) beats two, whatever the ratio:
                    # "quinuqin" is Quinquin with two letters swapped, not Quinnuquin with two more
                    q += ONE_TYPO_BONUS
                    if len(cand) == len(w) and sorted(cand) == sorted(w):
                        # two letters swapped keep every letter, the likeliest typo, though the ratio
                        # counts it as two edits: "quinmnu" is Quinmun swapped, not Quinnu with an m
                        q = max(q, 85.0 + (100.0 - FUZZY_RATIO) * 0.5 + ONE_TYPO_BONUS - 0.5)
                match([cand], 0, [i], "fuzzy", (q, q))
            if len(w) <= 7 and not known_word(w):
                # a short word is one typo away at a lower ratio ("nkie" / "nike" is 75): one swap,
                # insertion or deletion, the same first letter, or the first two letters swapped
                # ("unzor" / "nuzor"), which also competes with a longer word the ratio found
                close = process.extract(w, self._vocab, scorer=OSA.distance, score_cutoff=1, limit=3)
                nearby = {c for c, _, _ in near}
                for cand, dist, _ in close:
                    swapped = len(cand) == len(w) and sorted(cand) == sorted(w)
                    if cand in nearby or dist > 1 or abs(len(cand) - len(w)) > 1:
                        continue
                    if (cand[0] == w[0] and not near) or swapped:
                        q = 90.0 if swapped else 85.0  # two letters swapped: the likeliest typo
                        match([cand], 0, [i], "fuzzy", (q, q))
        return hits

    def link(self, phrase: str, fields: Iterable[str] | None = None, lang: str = "es") -> list[Link]:
        """The catalog values a phrase names, best first (score >= MIN_SCORE).

        Args:
            phrase: words of the request ("botas de fútbol", "Barclona", "tarjeta de crédito").
            fields: where to look (``FIELDS`` names, ``custom:<field>``); None for everywhere.
            lang: the request's language ("es" or "en"); both are matched.
        Returns:
            Links sorted by score, then by how many rows use the value. The same phrase over the
            same fields gives the same links, so they are kept: a request's recognisers ask about
            the same spans many times.
        """
        key = (
            phrase,
            None if fields is None else tuple([fields] if isinstance(fields, str) else fields),
            lang,
        )
        memo = self._link_memo
        if key not in memo:
            if len(memo) >= _LINK_MEMO:
                memo.clear()
            memo[key] = self._link(phrase, fields, lang)
        return list(memo[key])

    def _link(self, phrase: str, fields: Iterable[str] | None, lang: str) -> list[Link]:
        wanted = self._field_set(fields)
        raw = fold(phrase).split()
        words = content_words(phrase)
        if not words or len(words) > 12:
            return []
        out: dict[tuple[str, str], Link] = {}
        whole = " ".join(phrase.split()).casefold()
        phrase_numbers = {w for w in words if w.isdigit()}
        for eid, hit in self._hits(words, wanted).items():
            entry = self._entries[eid]
            if phrase_numbers and entry.numbers and not (phrase_numbers & entry.numbers):
                continue
            full = len(hit.vpos) == len(entry.words)
            inside = len(hit.cover) == len(words)
            if not (full or inside):
                continue
            how: How = max((h for _, h in hit.cover.values()), key=_HOW_RANK.__getitem__)
            score = sum(q for q, _ in hit.cover.values()) / len(hit.cover)
            if entry.value.casefold() == whole:
                how, score = "exact", 100.0
            score -= 3.0 * min(3, len(entry.words) - len(hit.vpos))
            score -= 12.0 * (len(words) - len(hit.cover))
            if score >= MIN_SCORE:
                covered = tuple(words[p] for p in sorted(hit.cover))
                out[(entry.field, entry.value)] = Link(
                    entry.field, entry.value, round(score, 1), how, covered, entry.count
                )
        for f, code in (("country", places.country_code(phrase)), ("language", places.language_code(phrase))):
            for eid in self._by_field.get(f, []) if f in wanted else []:
                entry = self._entries[eid]
                if entry.value == phrase.strip() and len(entry.value) <= 3:
                    out[(f, entry.value)] = Link(f, entry.value, 100.0, "exact", tuple(raw), entry.count)
                elif code and entry.value.upper() == code.upper():
                    score = 100.0 if f == "language" or places.is_country_name(phrase) else 95.0
                    out[(f, entry.value)] = Link(f, entry.value, score, "glossary", tuple(raw), entry.count)
        if not any(lk.score >= 97 and lk.field in ("city", "region") for lk in out.values()):
            for lk in self.alias_links(phrase, wanted):
                out.setdefault((lk.field, lk.value), lk)
        if not out:
            for lk in self.initials_links(phrase, wanted):
                out[(lk.field, lk.value)] = lk
        return sorted(out.values(), key=lambda lk: (-lk.score, -lk.count, lk.field, lk.value))

    def link_city(self, phrase: str, lang: str = "es") -> list[Link]:
        """The shop's cities a phrase names (typos and accents tolerated)."""
        return self.link(phrase, ["city"], lang)

    def link_place(self, phrase: str, lang: str = "es") -> list[Link]:
        """Countries, cities and regions a phrase names; a phrase can be both a city and a country."""
        return self.link(phrase, ["country", "city", "region"], lang)

    def link_store(self, phrase: str, lang: str = "es") -> list[Link]:
        """The stores a phrase names, with the words for "store" dropped ("la tienda de Barcelona")."""
        store_words = {
            w for c in glossary.lookup("tienda") for f in c.forms() for w in glossary.content_words(f)
        }
        rest = [w for w in fold(phrase).split() if w not in store_words and w not in _STOP]
        return self.link(" ".join(rest), ["store"], lang) if rest else []

    def link_payment(self, phrase: str, lang: str = "es") -> list[Link]:
        """The shop's payment methods and card brands a phrase names (none when the shop lacks it)."""
        return self.link(phrase, ["payment_method", "card_brand"], lang)

    def link_channel(self, phrase: str, lang: str = "es") -> list[Link]:
        """The order channel (``online`` / ``store``) a phrase names."""
        return self.link(phrase, ["channel"], lang)

    # ------------------------------------------------------------------ products
    def kin_note(self, match: ProductMatch, lang: str = "es") -> str:
        """The shop's other subcategories named after the one taken, said beside the reading so the
        narrowing is never silent: "zapatillas" is the subcategory Zapatillas, and the shop also has
        Zapatillas de trail and Zapatillas de tenis, which the marketer can name to include them.

        Only for a subcategory taken in every category (a category said narrows it already).
        """
        if not match.subcategory or match.category:
            return ""
        taken = {fold(v) for v in match.subcategory}
        kin = sorted(
            v
            for v in self.values.get("subcategory", {})
            if fold(v) not in taken and any(fold(v).startswith(t + " ") for t in taken)
        )
        if not kin:
            return ""
        shown = ", ".join(kin[:6]) + (" …" if len(kin) > 6 else "")
        return (
            f"; no incluye otras subcategorías con ese nombre: {shown} (nómbralas para incluirlas)"
            if lang == "es"
            else f"; other subcategories with that name are not included: {shown} (name them to include them)"
        )

    def match_products(self, phrase: str, lang: str = "es") -> ProductLink:
        """Read the product words of "bought X" as catalog values that exist together.

        Args:
            phrase: the product words ("botas de fútbol", "Garmin Forerunner 965").
            lang: the language of the assumption sentence.
        Returns:
            A ProductLink; ``uncovered`` lists the content words no value covers.
        """
        exact = self.exact_product(phrase)
        if exact is not None:  # the value as typed, punctuation and all ("Bra'nd", "=Brand", "Br_and")
            return ProductLink(
                exact, [], [], assumption_sentence(phrase, exact, lang) + self.kin_note(exact, lang)
            )
        words = content_words(phrase, self._generic)
        if not words:
            # a value made of words that are elsewhere function words ("UNO", "The One"): by its whole text
            folded = self._product_texts[1].get(fold(phrase), [])
            if folded and fold(phrase) not in GENERIC_WORDS:
                f, v = folded[0]
                m = ProductMatch(text=phrase, **{f: [v]})
                return ProductLink(m, [], [], assumption_sentence(phrase, m, lang))
            return ProductLink(ProductMatch(text=phrase), [], [], assumption_sentence(phrase, None, lang))
        if len(words) > 10:
            return ProductLink(None, words)
        hits = self._hits(words, set(PRODUCT_FIELDS))
        choice = _choose_products(
            self,
            words,
            [
                (
                    self._entries[e].field,
                    self._entries[e].value,
                    len(self._entries[e].words),
                    self._entries[e].numbers,
                    h.vpos,
                    h.cover,
                    h.span,
                    len(h.direct),
                )
                for e, h in hits.items()
            ],
        )
        if choice is None:
            initials = (
                self.initials_links(phrase, ("brand", "category", "subcategory")) if len(words) == 1 else []
            )
            if initials:  # "tnf" = The North Face
                lk = initials[0]
                m = ProductMatch(text=phrase, **{lk.field: [lk.value]})
                said = f"'{phrase}' = {lk.value}"
                return ProductLink(m, [], [], said, [lk])
            return ProductLink(None, words)
        best, others, covered, links = choice
        match = best.model_copy(update={"text": phrase})
        uncovered = [w for p, w in enumerate(words) if p not in covered]
        sentence = (
            assumption_sentence(phrase, match, lang) + self.kin_note(match, lang) if not uncovered else ""
        )
        alternatives = [m.model_copy(update={"text": phrase}) for m in others]
        return ProductLink(
            match, uncovered, alternatives, sentence, [Link(f, v, s, h, tuple(w)) for f, v, s, h, w in links]
        )


def cache_path(db: Path) -> Path:
    """The catalog cache beside a warehouse (``shop.duckdb`` -> ``shop.catalog.json``)."""
    return db.with_name(db.stem + ".catalog.json")


def _built_key(db: Path, stamp: str) -> tuple[str, str]:
    """The disk-cache entry of a warehouse's built catalog (``diskcache``): named for the warehouse,
    keyed by its import stamp and the code and stemmer that build the indexes.

    A one-shot ``ask`` is a new process: building the indexes (folding and stemming every value)
    took 60-90 ms of it on the demo; the built catalog reads back in about 10.
    """
    from segmenta import diskcache

    name = "catalog-" + diskcache.key_of(str(db.resolve()))[:12]
    key = diskcache.key_of(stamp, str(_CACHE_VERSION), diskcache.source_of(__file__), stemming_fingerprint())
    return name, key


def _load_built(name: str, key: str) -> Catalog | None:
    from segmenta import diskcache

    found = diskcache.load(name, key)
    return found if isinstance(found, Catalog) else None


def _save_built(name: str, key: str, catalog: Catalog) -> None:
    """Keep a catalog just built (``load`` saves it before any request is linked: its memo is empty)."""
    from segmenta import diskcache

    diskcache.save(name, key, catalog)


def _stamp(con: duckdb.DuckDBPyConnection, path: Path) -> str:
    try:
        row = con.execute(f"SELECT value FROM {META_TABLE} WHERE key = 'imported_at'").fetchone()
    except duckdb.Error:
        row = None
    if row and row[0]:
        return f"imported_at={row[0]}"
    try:
        return f"mtime={path.stat().st_mtime_ns}"
    except OSError:
        return "unknown"


def _counts(con: duckdb.DuckDBPyConnection, table: str, expr: str) -> dict[str, int]:
    rows = con.execute(
        f"SELECT {expr} AS v, count(*) FROM {table} WHERE {expr} IS NOT NULL "
        f"AND trim(CAST({expr} AS VARCHAR)) <> '' GROUP BY 1 ORDER BY 1"  # the same order on every engine
    ).fetchall()
    return {str(v): int(n) for v, n in rows}


def _bitset(rows: list[int], size: int) -> int:
    """The rows as an int whose bit k is set for row k (AND-ed to test that values exist together)."""
    buf = bytearray((size + 7) // 8)
    for k in rows:
        buf[k >> 3] |= 1 << (k & 7)
    return int.from_bytes(buf, "little")


def _s(v: Any) -> str | None:
    return None if v is None or not str(v).strip() else str(v)


@dataclass
class _Candidate:
    field: str
    values: list[str]
    cover: dict[int, tuple[float, How]]
    cost: int
    bits: int = 0
    # the value's own words left over: "zapatillas" names "Zapatillas" better than "Zapatillas de tenis"
    extra: int = 0


_JOINED = re.compile(r"\s(?:y|and|&|e|o|or|\+)\s", re.IGNORECASE)
_RawHit = tuple[str, str, int, frozenset[str], set[int], dict[int, tuple[float, How]], int, int]
_Choice = tuple[ProductMatch, list[ProductMatch], set[int], list[tuple[str, str, float, How, list[str]]]]


def _candidates(catalog: Catalog, words: Sequence[str], hits: list[_RawHit]) -> list[_Candidate]:
    """Whole values (cost 1) and, for words no whole value covers, groups of partly named values (cost 3)."""
    numbers = {w for w in words if w.isdigit()}
    full: list[_Candidate] = []
    partial: dict[tuple[str, frozenset[int], float], _Candidate] = {}
    for f, value, nwords, vnumbers, vpos, cover, span, direct in hits:
        if numbers and vnumbers and not (numbers & vnumbers):
            continue  # "Forerunner 965" never means the 265
        if all(words[p].isdigit() for p in cover):
            continue  # a bare number names no product ("Series 5" never means "Talla 5")
        # "Vitaminas y suplementos", "TV & Home Theater": either side names the whole value
        # (a product name never: "X & Y item" is one product, not a pair of words each naming it)
        joined = len(vpos) < nwords and f != "name" and _JOINED.search(value) is not None
        if len(vpos) == nwords or joined:
            # "zapatillas" names "Zapatillas" whole; it reaches "Zapatillas de tenis" only word by word
            # value words reached only through a synonym while others were named: "litter" names
            # "Litter" better than "Clumping Litter"; a pure translation ("sunscreen") counts whole
            left = nwords - direct if direct else nwords - span
            full.append(_Candidate(f, [value], dict(cover), 1, extra=0 if joined else max(0, left)))
        else:
            key = (f, frozenset(cover), round(sum(q for q, _ in cover.values()), 1))
            if key in partial:
                partial[key].values.append(value)
            else:
                # a product name met only in part is weaker evidence than a short value met in part
                partial[key] = _Candidate(f, [value], dict(cover), 4 if f == "name" else 3)
    whole = {p for c in full for p in c.cover}
    cands = full + [c for c in partial.values() if set(c.cover) - whole]
    cands.sort(
        key=lambda c: (
            -len(c.cover),
            -sum(q for q, _ in c.cover.values()),
            c.cost,
            _FIELD_RANK[c.field],
            c.values,
        )
    )
    cands = cands[:_MAX_CANDIDATES]
    for c in cands:
        c.values.sort()
        c.bits = catalog.product_bits(c.field, c.values)
    return cands


def _choose_products(catalog: Catalog, words: Sequence[str], hits: list[_RawHit]) -> _Choice | None:
    """The best covering set of values that exists together, and the equally good other readings."""
    cands = _candidates(catalog, words, hits)
    if not cands:
        return None
    scored: list[tuple[tuple[Any, ...], tuple[_Candidate, ...], int]] = []
    for size in range(1, min(4, len(words), len(cands)) + 1):
        for combo in _combinations(cands, size):
            bits = -1
            for c in combo:
                bits &= c.bits
            if not bits:
                continue
            best: dict[int, float] = {}
            for c in combo:
                for p, (q, _) in c.cover.items():
                    best[p] = max(best.get(p, 0.0), q)
            if any(
                all(
                    c.cover.get(p, (0.0, "exact"))[0] < best[p]
                    or any(o is not c and o.cover.get(p, (0.0, "exact"))[0] >= best[p] for o in combo)
                    for p in c.cover
                )
                for c in combo
            ):
                continue  # a member that adds nothing
            fields = {c.field for c in combo}
            pair = int({"category", "subcategory"} <= fields)
            key = (
                -len(best),
                -round(sum(best.values()), 1),
                sum(c.cost for c in combo),
                sum(c.extra for c in combo),
                -pair,
                bin(bits).count("1"),
                sum(_FIELD_RANK[c.field] for c in combo),
            )
            scored.append((key, combo, bits))
    if not scored:
        return None
    scored.sort(key=lambda kc: kc[0])
    top_key, top, top_bits = scored[0]
    for key, combo, bits in scored[1:]:
        # equally good readings where one holds the other ("libros infantiles": the category
        # Children's Books and its subcategory Picture Books): with names as full as each other the
        # broader is taken, as the narrower would drop contacts without a word; a narrower value
        # named more fully ("sunscreen": "Protector solar" inside "Solares") is the words' own
        if (
            key[:5] == top_key[:5]
            and bits & top_bits == top_bits
            and bits != top_bits
            and _name_words(combo) >= _name_words(top)
            and not _one_of_its_parts(top, combo)
        ):
            top_key, top, top_bits = key, combo, bits
    others: list[ProductMatch] = []
    first = _as_match(top)
    for key, combo, bits in scored[1:]:
        if key[:5] != top_key[:5]:
            break
        if bits & top_bits in (bits, top_bits):
            continue  # one reading holds the other ("Hiking Boots" and a product in it): no real choice
        m = _as_match(combo)
        if m != first and m not in others:
            others.append(m)
    covered = {p for c in top for p in c.cover}
    links = []
    for c in top:
        qs = list(c.cover.values())
        how: How = max((h for _, h in qs), key=_HOW_RANK.__getitem__)
        for v in c.values:
            links.append(
                (
                    c.field,
                    v,
                    round(sum(q for q, _ in qs) / len(qs), 1),
                    how,
                    [words[p] for p in sorted(c.cover)],
                )
            )
    return first, others[:5], covered, links


def _one_of_its_parts(narrow: Iterable[_Candidate], broad: Iterable[_Candidate]) -> bool:
    """Whether the broader reading's value is a list ("Bolsos y accesorios", "Bags & Accessories")
    with the narrower value as one of its parts: the words then name that part, not the list ("un
    bolso" is the subcategory Bolsos; the category would add belts and sunglasses).

    >>> from types import SimpleNamespace as N
    >>> _one_of_its_parts([N(values=["Bolsos"])], [N(values=["Bolsos y accesorios"])])
    True
    >>> _one_of_its_parts([N(values=["Picture Books"])], [N(values=["Children's Books"])])
    False
    """
    names = {fold(v) for c in narrow for v in c.values}
    for c in broad:
        for v in c.values:
            split = re.split(r"\s*(?:,|&|\+|/|\by\b|\be\b|\band\b)\s*", v, flags=re.IGNORECASE)
            parts = [fold(x).strip() for x in split]
            if len(parts) > 1 and names & set(parts):
                return True
    return False


def _name_words(combo: Iterable[_Candidate]) -> int:
    """How many words the reading's values have: the fuller name of two nested readings."""
    return sum(len(v.split()) for c in combo for v in c.values)


def _combinations(cands: list[_Candidate], size: int) -> Iterable[tuple[_Candidate, ...]]:
    """Combinations of candidates with at most one per field (two subcategories never AND)."""

    def rec(
        start: int, chosen: tuple[_Candidate, ...], fields: frozenset[str]
    ) -> Iterable[tuple[_Candidate, ...]]:
        if len(chosen) == size:
            yield chosen
            return
        for k in range(start, len(cands)):
            c = cands[k]
            if c.field not in fields:
                yield from rec(k + 1, (*chosen, c), fields | {c.field})

    return rec(0, (), frozenset())


def _as_match(combo: Iterable[_Candidate]) -> ProductMatch:
    lists: dict[str, list[str]] = {f: [] for f in PRODUCT_FIELDS}
    for c in combo:
        lists[c.field].extend(c.values)
    return ProductMatch(
        category=lists["category"], subcategory=lists["subcategory"], brand=lists["brand"], name=lists["name"]
    )


def assumption_sentence(phrase: str, match: ProductMatch | None, lang: str = "es") -> str:
    """The reading of product words said back to the marketer.

    >>> boots = ProductMatch(category=["Football"], subcategory=["Boots"])
    >>> assumption_sentence("botas de fútbol", boots, "en")
    "'botas de fútbol' = subcategory Boots in category Football"
    >>> assumption_sentence("nike", ProductMatch(brand=["Nike"]), "es")
    "'nike' = marca Nike"
    """
    es = lang == "es"
    sep = " o " if es else " or "
    if match is None or not (match.category or match.subcategory or match.brand or match.name):
        return f"'{phrase}' = " + ("cualquier producto" if es else "any product")
    parts: list[str] = []
    if match.name:
        noun = ("producto" if es else "product") + ("s" if len(match.name) > 1 else "")
        parts.append(f"{noun} {sep.join(match.name)}")
    if match.brand:
        parts.append(("marca " if es else "brand ") + sep.join(match.brand))
    cat, sub = sep.join(match.category), sep.join(match.subcategory)
    if sub and cat:
        parts.append(
            f"subcategoría {sub} de la categoría {cat}" if es else f"subcategory {sub} in category {cat}"
        )
    elif sub:
        parts.append(("subcategoría " if es else "subcategory ") + sub)
    elif cat:
        parts.append(("categoría " if es else "category ") + cat)
    return f"'{phrase}' = " + ", ".join(parts)
