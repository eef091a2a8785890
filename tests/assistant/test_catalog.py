"""Catalog linking over shops of several verticals and languages, and the catalog cache."""

from __future__ import annotations

import doctest
import json
from pathlib import Path

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from segmenta import diskcache
from segmenta.assistant import catalog as catalog_module
from segmenta.assistant import places
from segmenta.assistant.catalog import Catalog, CatalogError, cache_path
from segmenta.assistant.plan import ProductMatch
from segmenta.warehouse.schema import CUSTOM_FIELDS_TABLE, META_TABLE, create_schema

EN_SPORTS = Catalog.from_values(
    [
        ("Nike Tiempo Legend 10 Football Boots", "Football", "Boots", "Nike"),
        ("Adidas Copa Mundial Boots", "Football", "Boots", "Adidas"),
        ("Adidas Tiro Shin Guards", "Football", "Shin Guards", "Adidas"),
        ("Nike Strike Ball", "Football", "Balls", "Nike"),
        ("Nike Pegasus 41", "Running", "Shoes", "Nike"),
        ("Asics Gel-Kayano 31", "Running", "Shoes", "Asics"),
        ("Garmin Forerunner 265", "Running", "Watches", "Garmin"),
        ("Garmin Forerunner 965", "Running", "Watches", "Garmin"),
        ("Wilson Clash 100 Racket", "Tennis", "Rackets", "Wilson"),
        ("Babolat Pure Drive Racket", "Tennis", "Rackets", "Babolat"),
        ("Speedo Vanquisher Goggles", "Swimming", "Goggles", "Speedo"),
        ("Merrell Moab 3 Hiking Boots", "Outdoor", "Hiking Boots", "Merrell"),
    ],
    city={"Madrid": 120, "Barcelona": 80, "Ciudad de México": 12, "Sevilla": 30},
    region={"Cataluña": 80, "Comunidad de Madrid": 120},
    country={"ES": 230, "MX": 12},
    language={"es": 200, "en": 42},
    store={"Barcelona Diagonal": 40, "Barcelona Glòries": 30, "Madrid Gran Vía": 50, "Valencia Centro": 9},
    payment_method={"credit_card": 300, "debit_card": 120, "paypal": 80, "cash": 10, "cash_on_delivery": 5},
    card_brand={"visa": 200, "mastercard": 150, "amex": 20},
    channel={"online": 500, "store": 200},
    workflow={"Welcome series": 1, "Abandoned cart": 1, "Win-back": 1},
)

ES_SPORTS = Catalog.from_values(
    [
        ("Botas Mizuno Morelia", "Fútbol", "Botas", "Mizuno"),
        ("Botas Joma Aguila", "Fútbol", "Botas", "Joma"),
        ("Zapatillas Brooks Ghost 16", "Running", "Zapatillas", "Brooks"),
        ("Gafas Arena Cobra", "Natación", "Gafas", "Arena"),
        ("Bañador Speedo Eco", "Natación", "Bañadores", "Speedo"),
        ("Raqueta Head Speed", "Tenis", "Raquetas", "Head"),
        ("Botas Chiruca Urbión", "Montaña", "Botas de montaña", "Chiruca"),
    ]
)

ES_PHARMACY = Catalog.from_values(
    [
        ("ISDIN Fusion Water SPF 50", "Solares", "Protector solar", "ISDIN"),
        ("Heliocare 360 Gel", "Solares", "Protector solar", "Heliocare"),
        ("La Roche-Posay Anthelios After Sun", "Solares", "Aftersun", "La Roche-Posay"),
        ("Solgar Vitamina C 1000", "Vitaminas", "Vitamina C", "Solgar"),
        ("Arkopharma Magnesio", "Vitaminas", "Minerales", "Arkopharma"),
        ("Avène Hydrance Crema", "Cosmética", "Cremas hidratantes", "Avène"),
    ]
)

EN_ELECTRONICS = Catalog.from_values(
    [
        ("Apple iPhone 15", "Phones", "Smartphones", "Apple"),
        ("Samsung Galaxy S24", "Phones", "Smartphones", "Samsung"),
        ("Lenovo ThinkPad X1 Carbon", "Computers", "Laptops", "Lenovo"),
        ("Apple MacBook Air 13", "Computers", "Laptops", "Apple"),
        ("Sony WH-1000XM5", "Audio", "Headphones", "Sony"),
        ("Apple AirPods Pro 2", "Audio", "Headphones", "Apple"),
    ]
)

ES_PETS = Catalog.from_values(
    [
        ("Royal Canin Medium Adult 15 kg", "Perros", "Pienso", "Royal Canin"),
        ("Advance Gato Esterilizado", "Gatos", "Pienso", "Advance"),
        ("Catsan Arena Higiénica", "Gatos", "Arena", "Catsan"),
        ("Kong Classic", "Perros", "Juguetes", "Kong"),
    ]
)

ES_BOOKS = Catalog.from_values(
    [
        ("Cien años de soledad", "Libros", "Novela", "Debolsillo"),
        ("Astérix el galo", "Libros", "Cómic", "Salvat"),
        ("Abbey Road", "Música", "Vinilos", "Apple Records"),
        ("Motomami", "Música", "CD", "Columbia"),
    ]
)

ES_FASHION = Catalog.from_values(
    [
        ("Oxford piel", "Calzado", "Zapatos", "Castellanos"),
        ("Urban runner", "Calzado", "Zapatillas", "Victoria"),
        ("Runner pro", "Zapatillas", "Running", "Victoria"),
    ]
)


def pm(**kw: list[str]) -> ProductMatch:
    return ProductMatch(**kw)  # type: ignore[arg-type]


def lists(m: ProductMatch | None) -> dict[str, list[str]]:
    assert m is not None
    return {k: v for k, v in m.model_dump().items() if k != "text" and v}


# ---------------------------------------------------------------- products: the cases of the brief
@pytest.mark.parametrize(
    ("cat", "phrase", "expected"),
    [
        (EN_SPORTS, "botas de fútbol", {"category": ["Football"], "subcategory": ["Boots"]}),
        (EN_SPORTS, "running shoes", {"category": ["Running"], "subcategory": ["Shoes"]}),
        (EN_SPORTS, "zapatillas de running", {"category": ["Running"], "subcategory": ["Shoes"]}),
        (EN_SPORTS, "Nike", {"brand": ["Nike"]}),
        (EN_SPORTS, "Garmin Forerunner 965", {"name": ["Garmin Forerunner 965"]}),
        (EN_SPORTS, "productos de natación", {"category": ["Swimming"]}),
        (EN_SPORTS, "shin guards", {"subcategory": ["Shin Guards"]}),
        (EN_SPORTS, "espinilleras", {"subcategory": ["Shin Guards"]}),
        (EN_SPORTS, "anything from the tennis category", {"category": ["Tennis"]}),
        (EN_SPORTS, "raquetas de tenis", {"category": ["Tennis"], "subcategory": ["Rackets"]}),
        (EN_SPORTS, "Addidas", {"brand": ["Adidas"]}),
        (EN_SPORTS, "Forerunner", {"name": ["Garmin Forerunner 265", "Garmin Forerunner 965"]}),
        (ES_SPORTS, "football boots", {"category": ["Fútbol"], "subcategory": ["Botas"]}),
        (ES_SPORTS, "running shoes", {"category": ["Running"], "subcategory": ["Zapatillas"]}),
        (ES_SPORTS, "swimming goggles", {"category": ["Natación"], "subcategory": ["Gafas"]}),
        (ES_SPORTS, "bañadores", {"subcategory": ["Bañadores"]}),
        (ES_SPORTS, "swimsuits", {"subcategory": ["Bañadores"]}),
        (ES_SPORTS, "tennis", {"category": ["Tenis"]}),
        (ES_PHARMACY, "sunscreen", {"subcategory": ["Protector solar"]}),
        (ES_PHARMACY, "protector solar ISDIN", {"subcategory": ["Protector solar"], "brand": ["ISDIN"]}),
        (ES_PHARMACY, "vitamins", {"category": ["Vitaminas"]}),
        (ES_PHARMACY, "vitamin c", {"subcategory": ["Vitamina C"]}),
        (ES_PHARMACY, "moisturizer", {"subcategory": ["Cremas hidratantes"]}),
        (EN_ELECTRONICS, "móviles Samsung", {"category": ["Phones"], "brand": ["Samsung"]}),
        (EN_ELECTRONICS, "celulares", {"category": ["Phones"]}),
        (EN_ELECTRONICS, "portátiles Apple", {"subcategory": ["Laptops"], "brand": ["Apple"]}),
        (EN_ELECTRONICS, "auriculares", {"subcategory": ["Headphones"]}),
        (EN_ELECTRONICS, "audífonos de Sony", {"subcategory": ["Headphones"], "brand": ["Sony"]}),
        (ES_PETS, "dog food", {"category": ["Perros"], "subcategory": ["Pienso"]}),
        (ES_PETS, "cat litter", {"category": ["Gatos"], "subcategory": ["Arena"]}),
        (ES_PETS, "Royal Canin", {"brand": ["Royal Canin"]}),
        (ES_BOOKS, "novels", {"subcategory": ["Novela"]}),
        (ES_BOOKS, "vinyl records", {"subcategory": ["Vinilos"]}),
        (ES_BOOKS, "comics", {"subcategory": ["Cómic"]}),
    ],
)
def test_product_words_become_the_catalog_values_that_exist_together(
    cat: Catalog, phrase: str, expected: dict[str, list[str]]
) -> None:
    res = cat.match_products(phrase, "es")
    assert lists(res.match) == expected
    assert res.uncovered == []
    assert res.match is not None and res.match.text == phrase


def test_botas_de_futbol_are_football_boots_not_hiking_boots() -> None:
    res = EN_SPORTS.match_products("botas de fútbol", "en")
    assert res.match is not None and "Hiking Boots" not in res.match.subcategory
    assert res.ambiguous == []
    assert res.assumption == "'botas de fútbol' = subcategory Boots in category Football"


def test_a_model_number_must_match_exactly() -> None:
    res = EN_SPORTS.match_products("Forerunner 965", "en")
    assert lists(res.match) == {"name": ["Garmin Forerunner 965"]}
    only_265 = Catalog.from_values([("Garmin Forerunner 265", "Running", "Watches", "Garmin")])
    res = only_265.match_products("Garmin Forerunner 965", "en")
    assert res.match is None or "Garmin Forerunner 265" not in res.match.name
    assert "965" in res.uncovered


def test_a_word_nothing_covers_stays_uncovered() -> None:
    res = EN_SPORTS.match_products("raquetas de squash", "es")
    assert lists(res.match) == {"subcategory": ["Rackets"]}
    assert res.uncovered == ["squash"]
    assert res.assumption == ""


def test_a_phrase_of_unknown_words_matches_nothing() -> None:
    res = EN_SPORTS.match_products("golf clubs", "en")
    assert res.match is None
    assert res.uncovered == ["golf", "clubs"]


def test_generic_words_alone_mean_any_product() -> None:
    res = EN_SPORTS.match_products("productos", "es")
    assert res.match == ProductMatch(text="productos")
    assert res.uncovered == []
    assert res.assumption == "'productos' = cualquier producto"


def test_two_equally_good_readings_are_reported_as_ambiguous() -> None:
    res = ES_FASHION.match_products("shoes", "en")
    readings = [lists(res.match), *(lists(m) for m in res.ambiguous)]
    assert {"subcategory": ["Zapatos"]} in readings
    assert {"subcategory": ["Zapatillas"]} in readings


def test_a_real_category_and_subcategory_pair_is_preferred() -> None:
    # "zapatillas" is a category and a subcategory of Calzado; "running" a subcategory of Zapatillas
    res = ES_FASHION.match_products("zapatillas de running", "es")
    assert lists(res.match) == {"category": ["Zapatillas"], "subcategory": ["Running"]}


def test_the_assumption_is_said_in_the_request_language() -> None:
    res = ES_SPORTS.match_products("botas de fútbol", "es")
    assert res.assumption == "'botas de fútbol' = subcategoría Botas de la categoría Fútbol"
    assert {(lk.field, lk.value) for lk in res.links} == {("category", "Fútbol"), ("subcategory", "Botas")}


# ---------------------------------------------------------------- link
def test_accents_case_and_plurals_link_exactly_or_folded() -> None:
    assert ES_SPORTS.link("natacion", ["category"])[0].value == "Natación"
    assert ES_SPORTS.link("NATACIÓN", ["category"])[0].how in ("exact", "folded")
    assert ES_SPORTS.link("bota", ["subcategory"])[0].value == "Botas"
    assert EN_SPORTS.link("shoe", ["subcategory"])[0].value == "Shoes"
    assert EN_SPORTS.link("Madrid", ["city"])[0].how == "exact"


def test_typos_link_by_fuzzy_matching_above_the_threshold() -> None:
    lk = EN_SPORTS.link("Barclona", ["city"])[0]
    assert (lk.value, lk.how) == ("Barcelona", "fuzzy")
    assert lk.score >= 85
    assert EN_SPORTS.link("Addidas", ["brand"])[0].value == "Adidas"


def test_short_and_stop_words_never_fuzz_into_a_value() -> None:
    assert EN_SPORTS.link("Nke", ["brand"]) == []
    assert EN_SPORTS.link("de", None) == []
    assert EN_SPORTS.link("the", None) == []
    assert EN_SPORTS.link("xqzv", None) == []


def test_no_link_falls_below_the_minimum_score() -> None:
    for phrase in ("Madrid", "botas", "tarjeta", "online", "bienvenida", "Barclona", "Sevila"):
        assert all(lk.score >= catalog_module.MIN_SCORE for lk in EN_SPORTS.link(phrase))


@pytest.mark.parametrize(
    ("phrase", "field", "value"),
    [
        ("natación", "category", "Swimming"),
        ("shoes", "subcategory", "Shoes"),
        ("bienvenida", "workflow", "Welcome series"),
        ("carrito abandonado", "workflow", "Abandoned cart"),
        ("tarjeta de crédito", "payment_method", "credit_card"),
        ("credit card", "payment_method", "credit_card"),
        ("débito", "payment_method", "debit_card"),
        ("PayPal", "payment_method", "paypal"),
        ("efectivo", "payment_method", "cash"),
        ("contra reembolso", "payment_method", "cash_on_delivery"),
        ("cash on delivery", "payment_method", "cash_on_delivery"),
        ("American Express", "card_brand", "amex"),
        ("Visa", "card_brand", "visa"),
        ("tienda online", "channel", "online"),
        ("en la web", "channel", "online"),
        ("in store", "channel", "store"),
        ("tienda física", "channel", "store"),
    ],
)
def test_words_of_either_language_link_to_the_shops_values(phrase: str, field: str, value: str) -> None:
    lk = EN_SPORTS.link(phrase, [field], "es")[0]
    assert (lk.field, lk.value) == (field, value)
    assert lk.score >= 85


def test_shoes_finds_a_spanish_catalogs_zapatillas() -> None:
    lk = ES_SPORTS.link("shoes", ["subcategory"], "en")[0]
    assert (lk.value, lk.how) == ("Zapatillas", "glossary")


def test_a_payment_method_the_shop_lacks_does_not_link() -> None:
    assert EN_SPORTS.link("Bizum", ["payment_method"]) == []
    assert EN_SPORTS.link("transferencia", ["payment_method"]) == []
    assert EN_SPORTS.link_payment("Klarna") == []


def test_a_store_named_by_its_city_lists_every_store_there() -> None:
    links = EN_SPORTS.link_store("la tienda de Barcelona")
    assert {lk.value for lk in links} == {"Barcelona Diagonal", "Barcelona Glòries"}
    assert [lk.value for lk in EN_SPORTS.link_store("the Valencia store")] == ["Valencia Centro"]


def test_a_name_that_is_a_city_and_a_country_reports_both() -> None:
    links = EN_SPORTS.link_place("México")
    found = {(lk.field, lk.value) for lk in links}
    assert {("country", "MX"), ("city", "Ciudad de México")} <= found
    assert links[0].field == "country"


def test_country_and_language_names_link_to_the_shops_codes() -> None:
    assert [(lk.field, lk.value) for lk in EN_SPORTS.link("Spain", ["country"])] == [("country", "ES")]
    assert [(lk.field, lk.value) for lk in EN_SPORTS.link("España", ["country"])] == [("country", "ES")]
    assert EN_SPORTS.link("Francia", ["country"]) == []  # the shop has no contact in France
    assert [lk.value for lk in EN_SPORTS.link("hispanohablantes", ["language"])] == ["es"]
    assert [lk.value for lk in EN_SPORTS.link("inglés", ["language"])] == ["en"]


def test_link_city_finds_cities_only() -> None:
    assert [lk.value for lk in EN_SPORTS.link_city("Sevila")] == ["Sevilla"]
    assert EN_SPORTS.link_city("Nike") == []


def test_an_unknown_field_is_refused_with_its_name() -> None:
    with pytest.raises(CatalogError, match="colour"):
        EN_SPORTS.link("red", ["colour"])


@pytest.mark.parametrize(
    ("phrase", "code"),
    [
        ("España", "ES"),
        ("Spain", "ES"),
        ("México", "MX"),
        ("Mexico", "MX"),
        ("EEUU", "US"),
        ("USA", "US"),
        ("United States", "US"),
        ("Estados Unidos", "US"),
        ("Reino Unido", "GB"),
        ("UK", "GB"),
        ("Alemania", "DE"),
        ("Francia", "FR"),
        ("France", "FR"),
        ("Portugal", "PT"),
        ("Brasil", "BR"),
        ("Argentina", "AR"),
        ("Canadá", "CA"),
        ("Japón", "JP"),
        ("Polonia", "PL"),
        ("Países Bajos", "NL"),
    ],
)
def test_country_names_in_both_languages_map_to_iso_codes(phrase: str, code: str) -> None:
    assert places.country_code(phrase) == code


@pytest.mark.parametrize(
    ("phrase", "code"),
    [
        ("Spanish-speaking", "es"),
        ("hispanohablantes", "es"),
        ("en español", "es"),
        ("English", "en"),
        ("inglés", "en"),
        ("portugués", "pt"),
        ("catalán", "ca"),
        ("French", "fr"),
        ("euskera", "eu"),
    ],
)
def test_language_names_and_speakers_map_to_iso_codes(phrase: str, code: str) -> None:
    assert places.language_code(phrase) == code


# ---------------------------------------------------------------- robustness and speed
@settings(max_examples=150, deadline=None)
@given(st.text(max_size=60))
def test_linking_never_raises_on_any_text(text: str) -> None:
    for lk in EN_SPORTS.link(text):
        assert 0 <= lk.score <= 100
    res = ES_SPORTS.match_products(text, "es")
    assert isinstance(res.uncovered, list)


def test_the_indexes_are_built_once_and_a_request_links_quickly() -> None:
    # timing is measured in bench/, not asserted; here: a 5,000-product catalog links correctly
    rows = [
        (f"Brand{k % 90} Model {k}", f"Cat{k % 40}", f"Sub{k % 130}", f"Brand{k % 90}") for k in range(5000)
    ]
    rows.append(("Garmin Forerunner 965", "Running", "Watches", "Garmin"))
    big = Catalog.from_values(rows)
    assert lists(big.match_products("Forerunner 965", "en").match) == {"name": ["Garmin Forerunner 965"]}
    assert lists(big.match_products("Brand7", "en").match) == {"brand": ["Brand7"]}


# ---------------------------------------------------------------- loading from a warehouse and caching
def _warehouse(path: Path, stamp: str, city: str = "Madrid") -> None:
    con = duckdb.connect(str(path))
    create_schema(con)
    con.execute(
        "INSERT INTO products VALUES ('p1', 'Nike Pegasus 41', 'Running', 'Shoes', 'Nike', 139.9), "
        "('p2', 'Garmin Forerunner 965', 'Running', 'Watches', 'Garmin', 449)"
    )
    con.execute(
        "INSERT INTO contacts (contact_id, city, country, language, postal_code) VALUES "
        "('c1', ?, 'ES', 'es', '28001'), ('c2', ?, 'ES', 'es', '28010'), "
        "('c3', 'Ciudad de México', 'MX', 'es', '06600')",
        [city, city],
    )
    con.execute(
        "INSERT INTO orders (order_id, contact_id, ordered_at, total_amount, payment_method, "
        "store, channel, utm_campaign) VALUES "
        "('o1', 'c1', '2026-01-01', 10, 'bizum', NULL, 'online', 'rebajas'), "
        "('o2', 'c2', '2026-01-02', 20, 'credit_card', 'Madrid Centro', 'store', NULL)"
    )
    con.execute(
        "INSERT INTO message_events (contact_id, channel, event_type, occurred_at, message_name, "
        "utm_campaign) VALUES ('c1', 'email', 'sent', '2026-01-01', 'Cart reminder 1', 'rebajas')"
    )
    con.execute("INSERT INTO workflows VALUES ('w1', 'Welcome series', 'active', NULL)")
    con.execute(f"INSERT INTO {CUSTOM_FIELDS_TABLE} VALUES ('c1', 'club', 'gold'), ('c2', 'club', 'silver')")
    con.execute(f"INSERT INTO {META_TABLE} VALUES ('imported_at', ?)", [stamp])
    con.close()


def test_a_warehouse_catalog_holds_every_linkable_value_with_its_count(tmp_path: Path) -> None:
    db = tmp_path / "shop.duckdb"
    _warehouse(db, "2026-01-01T00:00:00")
    con = duckdb.connect(str(db), read_only=True)
    cat = Catalog.load(con)
    assert cat.values["city"] == {"Madrid": 2, "Ciudad de México": 1}
    assert cat.values["postal_prefix"] == {"28": 2, "06": 1}
    assert cat.values["utm_campaign"] == {"rebajas": 2}
    assert cat.values["custom_field"] == {"club": 2}
    assert cat.values["custom:club"] == {"gold": 1, "silver": 1}
    assert cat.values["workflow"] == {"Welcome series": 1}
    assert ("Running", "Shoes", "Nike") in cat.combinations
    assert [lk.value for lk in cat.link("Bizum", ["payment_method"])] == ["bizum"]
    assert lists(cat.match_products("zapatillas Nike", "es").match) == {
        "subcategory": ["Shoes"],
        "brand": ["Nike"],
    }
    cached = json.loads(cache_path(db).read_text(encoding="utf-8"))
    assert cached["stamp"] == "imported_at=2026-01-01T00:00:00"
    assert Catalog.load(con) is cat
    con.close()


def test_the_json_cache_is_used_by_the_next_process_and_dropped_by_a_new_import(tmp_path: Path) -> None:
    db = tmp_path / "shop.duckdb"
    _warehouse(db, "2026-01-01T00:00:00")
    con = duckdb.connect(str(db), read_only=True)
    Catalog.load(con)
    con.close()
    data = json.loads(cache_path(db).read_text(encoding="utf-8"))
    data["values"]["city"]["Toledo"] = 7  # a mark that only the cache holds
    cache_path(db).write_text(json.dumps(data), encoding="utf-8")
    catalog_module._MEMORY.clear()  # a new process, whose user cache folder was emptied
    for built in diskcache.cache_dir().glob("catalog-*.pickle"):
        built.unlink()
    con = duckdb.connect(str(db), read_only=True)
    assert "Toledo" in Catalog.load(con).values["city"]
    con.close()
    db.unlink()
    _warehouse(db, "2026-02-01T00:00:00")  # a new import
    con = duckdb.connect(str(db), read_only=True)
    assert "Toledo" not in Catalog.load(con).values["city"]
    con.close()


def test_the_built_catalog_is_read_back_by_the_next_process_and_dropped_by_a_new_import(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(diskcache.ENV_CACHE, str(tmp_path / "cache"))
    db = tmp_path / "shop.duckdb"
    _warehouse(db, "2026-01-01T00:00:00")
    con = duckdb.connect(str(db), read_only=True)
    first = Catalog.load(con)
    links = [(lk.field, lk.value, lk.score) for lk in first.link("Bizum", ["payment_method"])]
    products = first.match_products("zapatillas Nike", "es").match
    con.close()
    assert len(list((tmp_path / "cache").glob("catalog-*.pickle"))) == 1
    catalog_module._MEMORY.clear()  # a new process
    cache_path(db).unlink()  # neither the JSON nor the warehouse's values: the built catalog alone

    def no_build(self: Catalog) -> None:
        raise AssertionError("the catalog was built again")

    with monkeypatch.context() as m:
        m.setattr(Catalog, "_build", no_build)
        m.setattr(Catalog, "_read", classmethod(lambda cls, con: no_build(None)))  # type: ignore[arg-type]
        con = duckdb.connect(str(db), read_only=True)
        again = Catalog.load(con)
        con.close()
    assert again is not first and again._link_memo == {}  # a memo is per process: kept empty
    assert [(lk.field, lk.value, lk.score) for lk in again.link("Bizum", ["payment_method"])] == links
    assert again.match_products("zapatillas Nike", "es").match == products
    db.unlink()
    _warehouse(db, "2026-02-01T00:00:00", city="Toledo")  # a new import: another stamp
    catalog_module._MEMORY.clear()
    con = duckdb.connect(str(db), read_only=True)
    assert "Toledo" in Catalog.load(con).values["city"]
    con.close()
    assert len(list((tmp_path / "cache").glob("catalog-*.pickle"))) == 1, "the old stamp's entry is dropped"


def test_a_damaged_cache_is_rebuilt_from_the_warehouse(tmp_path: Path) -> None:
    db = tmp_path / "shop.duckdb"
    _warehouse(db, "2026-01-01T00:00:00")
    cache_path(db).write_text("{not json", encoding="utf-8")
    catalog_module._MEMORY.clear()
    con = duckdb.connect(str(db), read_only=True)
    assert Catalog.load(con).values["city"]["Madrid"] == 2
    con.close()


def test_an_in_memory_warehouse_loads_without_a_cache() -> None:
    con = duckdb.connect()
    create_schema(con)
    con.execute("INSERT INTO products VALUES ('p1', 'Kong Classic', 'Perros', 'Juguetes', 'Kong', 9)")
    assert lists(Catalog.load(con).match_products("dog toys", "en").match) == {
        "category": ["Perros"],
        "subcategory": ["Juguetes"],
    }


def test_the_doctests_of_catalog_and_places_pass() -> None:
    assert doctest.testmod(catalog_module).failed == 0
    assert doctest.testmod(places).failed == 0


@pytest.mark.parametrize(
    ("rows", "phrase", "broad"),
    [
        (
            [
                ("The Gruffalo", "Children's Books", "Picture Books", "Macmillan"),
                ("Dune", "Fiction", "SF", "Ace"),
            ],
            "libros infantiles",
            {"category": ["Children's Books"]},
        ),
        (
            [
                ("Mini Runner", "Kids Footwear", "Kids Shoes", "Chicco"),
                ("Trail X", "Running", "Shoes", "Asics"),
            ],
            "calzado infantil",
            {"category": ["Kids Footwear"]},
        ),
    ],
)
def test_of_two_equally_named_values_one_inside_the_other_the_broader_is_taken(
    rows: list[tuple[str, str, str, str]], phrase: str, broad: dict[str, list[str]]
) -> None:
    # the glossary gives the words both ("children's books, ... picture books"): taking the
    # subcategory would drop the category's other products without a word
    res = Catalog.from_values(rows).match_products(phrase, "es")
    assert lists(res.match) == broad, res


KIN = [
    (
        Catalog.from_values(
            [
                ("Botas Joma Aguila", "Fútbol", "Botas", "Joma"),
                ("Botas Chiruca Urbión", "Montaña", "Botas de montaña", "Chiruca"),
                ("Zapatillas Asics Novablast", "Running", "Zapatillas", "Asics"),
            ]
        ),
        "botas",
        "Botas",
        ["Botas de montaña"],
    ),
    (
        Catalog.from_values(
            [
                ("Avène Crema Hidratante", "Cosmética", "Cremas", "Avène"),
                ("ISDIN Crema solar", "Solares", "Cremas solares", "ISDIN"),
                ("Nuxe Crema de noche", "Cosmética", "Cremas de noche", "Nuxe"),
            ]
        ),
        "cremas",
        "Cremas",
        ["Cremas de noche", "Cremas solares"],
    ),
]


@pytest.mark.parametrize(("catalog", "word", "taken", "kin"), KIN, ids=["sports", "pharmacy"])
def test_a_subcategory_taken_names_the_others_sharing_its_name(
    catalog: Catalog, word: str, taken: str, kin: list[str]
) -> None:
    """'botas' is the subcategory Botas: the shop's Botas de montaña are not silently left out, they
    are named in the assumption; a category said ('botas de montaña') needs no such note."""
    link = catalog.match_products(word, "es")
    assert link.match is not None and link.match.subcategory == [taken]
    assert all(k in link.assumption for k in kin), link.assumption
    assert "nómbralas" in link.assumption
    narrow = catalog.match_products(kin[0].lower(), "es")
    assert narrow.match is not None and narrow.match.subcategory == [kin[0]]
    assert "no incluye" not in narrow.assumption


@pytest.mark.parametrize(
    ("catalog", "word", "subcategory"),
    [
        (
            Catalog.from_values(
                [
                    ("Bolso Tote Piel", "Bolsos y accesorios", "Bolsos", "Mango"),
                    ("Cinturón Trenzado", "Bolsos y accesorios", "Cinturones", "Zara"),
                    ("Zapatillas Urbanas", "Calzado", "Zapatillas", "Skechers"),
                ]
            ),
            "bolso",
            "Bolsos",
        ),
        (
            Catalog.from_values(
                [
                    ("Leather Tote", "Bags & Accessories", "Bags", "Fossil"),
                    ("Braided Belt", "Bags & Accessories", "Belts", "Levi's"),
                    ("Canvas Sneakers", "Footwear", "Sneakers", "Vans"),
                ]
            ),
            "bag",
            "Bags",
        ),
    ],
    ids=["fashion_es", "fashion_en"],
)
def test_a_value_the_word_names_whole_beats_a_broader_one_it_names_in_part(
    catalog: Catalog, word: str, subcategory: str
) -> None:
    """'un bolso' is the subcategory Bolsos, not the category Bolsos y accesorios that holds it: the
    broader value would add belts and sunglasses the word never named (a wrong answer)."""
    link = catalog.match_products(word, "es")
    assert link.match is not None and link.match.subcategory == [subcategory] and not link.match.category, (
        link
    )
