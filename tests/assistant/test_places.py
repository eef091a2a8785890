"""Places written many ways: other-language, co-official and short names of the shop's own cities
and regions (GeoNames, ISO 3166-2, ``places.toml``), and larger regions read as the shop regions
under them. Three shops of different countries, none of the eval sets' data."""

from __future__ import annotations

from typing import Any

import pytest

from segmenta.assistant import gazetteer
from segmenta.assistant.catalog import Catalog
from segmenta.assistant.parser import parse

# (country, region, city) of each shop's contacts
SPAIN = [
    ("ES", "Girona", "Girona"),
    ("ES", "Girona", "Figueres"),
    ("ES", "Barcelona", "Barcelona"),
    ("ES", "Barcelona", "Sabadell"),
    ("ES", "Ourense", "Ourense"),
    ("ES", "A Coruña", "A Coruña"),
    ("ES", "Huesca", "Huesca"),
    ("ES", "Zaragoza", "Zaragoza"),
    ("ES", "Sevilla", "Sevilla"),
    ("ES", "Valencia", "Valencia"),
    ("ES", "Valencia", "Gandia"),
    ("ES", "Madrid", "Madrid"),
]
MEXICO = [
    ("MX", "Ciudad de México", "Ciudad de México"),
    ("MX", "Estado de México", "Toluca"),
    ("MX", "Nuevo León", "Monterrey"),
    ("MX", "Jalisco", "Guadalajara"),
    ("MX", "Jalisco", "Zapopan"),
    ("US", "Texas", "Houston"),
]
BRITAIN = [
    ("GB", "Greater London", "London"),
    ("GB", "Greater London", "Croydon"),
    ("GB", "Greater Manchester", "Manchester"),
    ("GB", "City of Edinburgh", "Edinburgh"),
    ("GB", "Glasgow City", "Glasgow"),
    ("GB", "Northern Ireland", "Belfast"),
    ("GB", "Cardiff", "Cardiff"),
    ("IE", "Co. Dublin", "Dublin"),
    ("IE", "Co. Cork", "Cork"),
]


def shop(geo: list[tuple[str, str, str]]) -> Catalog:
    values = {
        "country": {c: 10 for c, _, _ in geo},
        "region": {r: 10 for _, r, _ in geo},
        "city": {t: 10 for _, _, t in geo},
    }
    products = [("Puzzle 1000", "Puzles", None, "Ravensburger"), ("Tent 2P", "Tents", None, "Vango")]
    return Catalog(values, products, geography=geo)


SHOPS = {"spain": shop(SPAIN), "mexico": shop(MEXICO), "britain": shop(BRITAIN)}


def place(text: str, cat: Catalog) -> tuple[str, set[str]]:
    r = parse(text, cat)
    assert not r.unrecognized and not r.clarifications, (text, r.unrecognized, r.clarifications)
    assert r.plan is not None
    found: list[Any] = []

    def walk(node: Any) -> None:
        if getattr(node, "type", None) == "attribute" and node.field in ("city", "region", "country"):
            found.append(node)
        for child in getattr(node, "items", []) or []:
            walk(child)

    walk(r.plan.where)
    assert len(found) == 1, (text, found)
    return found[0].field, set(found[0].values)


NAMES = [
    # other-language and co-official names of the shop's cities (GeoNames)
    ("spain", "contactos de gerona", "city", {"Girona"}),
    ("spain", "clientes de la coruña o de orense", "city", {"A Coruña", "Ourense"}),
    ("spain", "customers from Seville", "city", {"Sevilla"}),
    # airport codes and short forms
    ("spain", "ppl in bcn or mad", "city", {"Barcelona", "Madrid"}),
    ("spain", "tías de barna", "city", {"Barcelona"}),
    ("spain", "compradores de vlc", "city", {"Valencia"}),
    ("mexico", "hombres del DF", "city", {"Ciudad de México"}),
    ("mexico", "clientes de gdl", "city", {"Guadalajara"}),
    ("mexico", "mujeres de Edomex", "region", {"Estado de México"}),
    ("britain", "contactos de Irlanda del Norte", "region", {"Northern Ireland"}),
    # a larger region: the shop's regions under it
    ("spain", "clientes de Aragón", "region", {"Huesca", "Zaragoza"}),
    ("spain", "customers in Catalonia", "region", {"Girona", "Barcelona"}),
    ("spain", "contactos de Galicia", "region", {"A Coruña", "Ourense"}),
    ("britain", "contacts in Scotland", "region", {"City of Edinburgh", "Glasgow City"}),
    ("britain", "contactos de Escocia", "region", {"City of Edinburgh", "Glasgow City"}),
    ("britain", "customers in England", "region", {"Greater London", "Greater Manchester"}),
    ("britain", "contacts in Munster", "region", {"Co. Cork"}),
    # the kind word after the name picks the field
    ("spain", "customers in Valencia province", "region", {"Valencia"}),
    ("spain", "clientes de Valencia ciudad", "city", {"Valencia"}),
    # a country name stays the country
    ("britain", "Republic of Ireland contacts", "country", {"IE"}),
    ("britain", "contactos de la República de Irlanda", "country", {"IE"}),
    ("mexico", "clientes de México", "country", {"MX"}),
]


@pytest.mark.parametrize(("name", "text", "field", "values"), NAMES, ids=[n[1] for n in NAMES])
def test_a_place_written_another_way_names_the_shop_place(
    name: str, text: str, field: str, values: set[str]
) -> None:
    assert place(text, SHOPS[name]) == (field, values)


def test_an_alias_never_hides_a_value_the_shop_stores_and_never_names_a_country() -> None:
    for name, cat in SHOPS.items():
        own = {gazetteer.key(v) for f in ("city", "region") for v in cat.values[f]}
        assert not own & set(cat.place_aliases), name
    # "Mexico" is an alternate name of Mexico City, but the country's name first
    assert "mexico" not in SHOPS["mexico"].place_aliases


def test_a_code_that_is_also_a_word_needs_a_place_slot() -> None:
    cat = shop([*BRITAIN, ("GB", "Greater Manchester", "Salford")])
    assert cat.alias_links("man", ["city"])[0].score < 85  # "MAN" is Manchester's airport
    r = parse("man who bought a tent", cat)
    assert not any(getattr(i, "field", None) == "city" for i in getattr(r.plan.where, "items", []))


def test_a_larger_region_is_not_named_when_a_shop_region_cannot_be_placed() -> None:
    # a region no list knows and whose town is unknown: it might lie in Scotland, so no alias
    cat = shop([*BRITAIN, ("GB", "Nowhereshire", "Zzxqtown")])
    assert "scotland" not in cat.place_aliases
    # without the geography, every region must be in the ISO list
    bare = Catalog({"country": {"ES": 1}, "region": {"Huesca": 1, "Zaragoza": 1, "Tierra Media": 1}})
    assert "aragon" not in bare.place_aliases


def test_aliases_are_saved_with_the_catalog() -> None:
    cat = SHOPS["spain"]
    data = cat.to_json("s")
    again = Catalog(data["values"], data["products"], data["aliases"], data["geography"])
    assert again.place_aliases == cat.place_aliases


POSTAL = [
    ("spain", "clientes con CP 46xxx", "prefix", ["46"]),
    ("spain", "clientes con cp que empiece por 08", "prefix", ["08"]),
    ("mexico", "contactos con cp que empiece con 06 o 04", "prefix", ["06", "04"]),
    ("spain", "contactos con código postal 28001 o 28002", "in", ["28001", "28002"]),
    ("britain", "contacts whose postcode starts with M", "prefix", ["M"]),
    ("britain", "EH postcodes", "prefix", ["EH"]),
    ("britain", "postcodes starting with EH or G", "prefix", ["EH", "G"]),
    ("britain", "contacts with a postcode in SW1A or EC1", "prefix", ["SW1A", "EC1"]),
    ("mexico", "zip codes starting with 77", "prefix", ["77"]),
]


@pytest.mark.parametrize(("name", "text", "op", "values"), POSTAL, ids=[p[1] for p in POSTAL])
def test_a_postal_code_pattern_is_a_prefix_of_the_code_as_written(
    name: str, text: str, op: str, values: list[str]
) -> None:
    r = parse(text, SHOPS[name])
    assert not r.unrecognized and not r.clarifications, (text, r.unrecognized, r.clarifications)
    assert r.plan is not None
    node = r.plan.where
    assert (node.field, node.op, node.values) == ("postal_code", op, values)


def test_a_word_after_a_list_of_codes_is_never_a_code() -> None:
    # "y sms activado": sms is the channel, not a postcode district
    r = parse("contactos con cp que empiece con 06 o 04 y sms activado", SHOPS["mexico"])
    assert r.plan is not None
    fields = {getattr(i, "field", None): getattr(i, "values", None) for i in r.plan.where.items}
    assert fields["postal_code"] == ["06", "04"] and "sms_subscribed" in fields
