"""``segmenta import DIR --format shopify``: Shopify's admin exports read as they are.

Two hand-written fixtures follow Shopify's published column lists with their quirks (offsets in
timestamps, a zip's leading ``'``, an order over several rows with its own columns on the first
only, an email typed in capitals with spaces, a guest checkout without an email, a buyer with no
customer row, a POS sale, a refund, a voided and cancelled order, a line without SKU), one per
customers layout; their mapping is checked row by row. A shop of over a thousand orders written
as a Shopify export from the demo's tables answers requests exactly as the same shop imported
from canonical CSVs.
"""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest
from typer.testing import CliRunner

from segmenta.cli import app
from segmenta.errors import ShopImportError
from segmenta.warehouse.shopify import contact_id_for, import_shopify, read_shopify

DATA = Path(__file__).parents[1] / "data" / "shopify"


def test_the_classic_layout_maps_row_by_row() -> None:
    t = read_shopify(DATA / "classic")
    ana = contact_id_for("ana.lopez@example.com")
    assert t.contacts[ana] == {
        "contact_id": ana,
        "email": "Ana.Lopez@Example.com",
        "phone": "+34600111222",
        "first_name": "Ana",
        "last_name": "López García",
        "postal_code": "28013",  # Shopify's leading ' dropped
        "city": "Madrid",
        "region": "Madrid",
        "country": "ES",
        "is_company": "false",
        "email_subscribed": "true",
        "sms_subscribed": "false",
        "ads_consent": "",
        "tags": "vip, newsletter",
    }
    assert t.contacts[contact_id_for("jordi.puig@example.cat")]["is_company"] == "true"
    # #1001 spans two rows; its own columns are on the first; the offset is dropped (shop clock)
    first = t.orders["5001"]
    assert first == {
        "order_id": "5001",
        "contact_id": ana,
        "ordered_at": "2026-03-02 10:14:31",
        "total_amount": "79.90",
        "currency": "EUR",
        "channel": "online",
        "store": "",
        "payment_method": "credit_card",
        "coupon_code": "BIENVENIDA10",
        "status": "completed",
    }
    assert [(x["product_id"], x["quantity"]) for x in t.lines if x["order_id"] == "5001"] == [
        ("SAL-TX-42", "1"),
        ("NK-SOCK-3", "1"),
    ]
    # " ANA.LOPEZ@EXAMPLE.COM " is Ana: trimmed and case-blind
    assert t.orders["5002"]["contact_id"] == ana and t.orders["5002"]["payment_method"] == "paypal"
    pos = t.orders["5003"]
    assert (pos["channel"], pos["store"], pos["payment_method"]) == ("store", "Tienda Barcelona", "cash")
    refunded = t.orders["5004"]
    assert refunded["status"] == "returned"
    assert [x["returned_quantity"] for x in t.lines if x["order_id"] == "5004"] == ["1"]
    # a buyer with no customer row gets a contact from the order's billing address
    pablo = t.contacts[refunded["contact_id"]]
    assert (pablo["first_name"], pablo["last_name"], pablo["city"], pablo["postal_code"]) == (
        "Pablo",
        "Ruiz",
        "Valencia",
        "46001",
    )
    guest = t.orders["5005"]
    assert guest["contact_id"] == "SH-GUEST-5005" and guest["payment_method"] == "cash_on_delivery"
    assert t.contacts["SH-GUEST-5005"]["email"] == "" and t.contacts["SH-GUEST-5005"]["city"] == "Málaga"
    assert t.orders["5006"]["status"] == "cancelled"  # voided, and cancelled at
    assert t.orders["5007"]["payment_method"] == "bizum"
    # products: one per variant SKU, the product's columns from its first row, category path levels
    assert t.products["SAL-TX-43"] == {
        "product_id": "SAL-TX-43",
        "name": "Zapatilla Trail X",
        "category": "Shoes",
        "subcategory": "Athletic Shoes",
        "brand": "Salomon",
        "price": "64.90",
    }
    assert t.products["DEC-BOT"]["category"] == "Accesorios"  # no category path: the merchant's type
    no_sku = t.products["name:Camiseta técnica sin SKU"]
    assert (no_sku["name"], no_sku["brand"]) == ("Camiseta técnica sin SKU", "Kalenji")


def test_the_newer_layout_keys_customers_by_their_id() -> None:
    t = read_shopify(DATA / "newer")
    ana = t.contacts["7001234567890"]
    assert (ana["city"], ana["region"], ana["country"], ana["postal_code"]) == ("Madrid", "M", "ES", "28013")
    jordi = t.contacts["7001234567891"]
    assert (
        jordi["phone"] == "+34699000111"
        and jordi["is_company"] == "true"
        and jordi["sms_subscribed"] == "true"
    )
    assert t.orders["5001"]["contact_id"] == "7001234567890"
    assert t.orders["5003"]["contact_id"] == "7001234567891"


def test_the_cli_imports_a_shopify_folder_and_answers(tmp_path: Path) -> None:
    db = tmp_path / "shop.duckdb"
    r = CliRunner().invoke(app, ["import", str(DATA / "classic"), "--format", "shopify", "--db", str(db)])
    assert r.exit_code == 0, r.output
    assert "Shopify export read: customers_export.csv, orders_export_1.csv, products_export_1.csv" in r.output
    assert "ads_consent is empty" in r.output
    asked = CliRunner().invoke(
        app,
        [
            "ask",
            "clientes que pagaron con bizum o paypal",
            "--db",
            str(db),
            "--as-of",
            "2026-06-30",
            "--json",
        ],
    )
    assert asked.exit_code == 0, asked.output
    assert json.loads(asked.stdout)["count"] == 2  # Ana (PayPal) and Lucía (Bizum)
    stores = CliRunner().invoke(
        app,
        [
            "ask",
            "clientes que compraron en tienda física",
            "--db",
            str(db),
            "--as-of",
            "2026-06-30",
            "--json",
        ],
    )
    assert json.loads(stores.stdout)["count"] == 1


@pytest.mark.parametrize(
    ("file", "edit", "where"),
    [
        ("orders_export_1.csv", ("2026-04-10 11:58:45 +0200", "10/04/2026 11:58"), ("Created at", 5)),
        (
            "orders_export_1.csv",
            (",3,Calcetines Running", ",tres,Calcetines Running"),
            ("Lineitem quantity", 5),
        ),
        (
            "customers_export.csv",
            ("Ana.Lopez@Example.com,yes", "Ana.Lopez@Example.com,quizá"),
            ("Accepts Email Marketing", 2),
        ),
        ("products_export_1.csv", (",9.90,,true", ",nueve,,true"), ("Variant Price", 5)),
    ],
    ids=["timestamp", "quantity", "flag", "price"],
)
def test_a_bad_value_is_refused_with_its_file_line_and_column(
    tmp_path: Path, file: str, edit: tuple[str, str], where: tuple[str, int]
) -> None:
    src = tmp_path / "export"
    src.mkdir()
    for f in (DATA / "classic").iterdir():
        text = f.read_text(encoding="utf-8")
        (src / f.name).write_text(text.replace(*edit) if f.name == file else text, encoding="utf-8")
    db = tmp_path / "shop.duckdb"
    with pytest.raises(ShopImportError) as e:
        import_shopify(src, db)
    p = e.value.problems[0]
    assert (p.file, p.column, p.line) == (file, where[0], where[1]), str(e.value)
    assert not db.exists()  # nothing half-imported


def test_a_folder_without_an_orders_export_says_what_it_needs(tmp_path: Path) -> None:
    (tmp_path / "customers_export.csv").write_text("First Name,Last Name,Email\n", encoding="utf-8")
    with pytest.raises(ShopImportError, match="no Shopify orders export"):
        read_shopify(tmp_path)
    (tmp_path / "orders_export_1.csv").write_text("Order,Email\n#1,a@b.c\n", encoding="utf-8")
    with pytest.raises(ShopImportError, match="no column 'Name'"):
        read_shopify(tmp_path)


# ----------------------------------------------------------------- the same shop, two ways in

_PAYMENT_TEXT = {
    "credit_card": "Shopify Payments",
    "debit_card": "Debit card",
    "paypal": "PayPal Express Checkout",
    "bizum": "Bizum",
    "cash_on_delivery": "Cash on Delivery (COD)",
    "bank_transfer": "Bank Deposit",
    "cash": "Cash",
}


def _write(path: Path, header: list[str], rows: list[list[Any]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(["" if v is None else v for v in r] for r in rows)


def _two_ways(demo_db: Path, shopify: Path, canonical: Path) -> int:
    """Write the demo's shop as a Shopify export and, for what Shopify carries, as canonical CSVs."""
    con = duckdb.connect(str(demo_db), read_only=True)
    contacts = con.execute(
        "SELECT contact_id, email, phone, first_name, last_name, postal_code, city, region, country, "
        "email_subscribed, sms_subscribed FROM contacts ORDER BY contact_id"
    ).fetchall()
    seen: set[str] = set()
    people = []
    for c in contacts:
        email = (c[1] or "").strip()
        if not email or email.casefold() in seen:  # Shopify keys buyers by email: one each
            email = f"{c[0].lower()}@example.invalid"
        seen.add(email.casefold())
        people.append([c[0], email, *c[2:]])
    email_of = {p[0]: p[1] for p in people}
    products = con.execute(
        "SELECT product_id, name, category, subcategory, brand, price FROM products ORDER BY product_id"
    ).fetchall()
    orders = con.execute(
        "SELECT order_id, contact_id, ordered_at, total_amount, currency, channel, store, payment_method, "
        "coupon_code, status FROM orders ORDER BY order_id"
    ).fetchall()
    lines = con.execute(
        "SELECT l.order_id, l.product_id, l.quantity, l.unit_price, p.name, p.brand FROM order_lines l "
        "JOIN products p USING (product_id) ORDER BY l.order_id, l.product_id"
    ).fetchall()
    con.close()
    by_order: dict[str, list[Any]] = {}
    for line in lines:
        by_order.setdefault(line[0], []).append(line)
    yn = {True: "yes", False: "no", None: "no"}
    # Shopify: customers, products, orders (one row per line item)
    _write(
        shopify / "customers_export.csv",
        [
            "First Name",
            "Last Name",
            "Email",
            "Accepts Email Marketing",
            "Company",
            "City",
            "Province",
            "Province Code",
            "Country Code",
            "Zip",
            "Phone",
            "Accepts SMS Marketing",
            "Tags",
        ],
        [
            [
                p[3],
                p[4],
                p[1],
                yn[p[9]],
                "",
                p[6],
                p[7],
                "",
                p[8],
                f"'{p[5]}" if p[5] else "",
                p[2],
                yn[p[10]],
                "",
            ]
            for p in people
        ],
    )
    _write(
        shopify / "products_export_1.csv",
        ["Handle", "Title", "Vendor", "Product Category", "Type", "Variant SKU", "Variant Price"],
        [
            [f"h-{p[0]}", p[1], p[4], f"Sporting Goods > {p[2]} > {p[3]}" if p[3] else "", p[2], p[0], p[5]]
            for p in products
        ],
    )
    header = [
        "Name",
        "Email",
        "Financial Status",
        "Currency",
        "Total",
        "Discount Code",
        "Created at",
        "Lineitem quantity",
        "Lineitem name",
        "Lineitem price",
        "Lineitem sku",
        "Cancelled at",
        "Payment Method",
        "Vendor",
        "Location",
        "Id",
        "Source",
    ]
    rows = []
    for o in orders:
        financial = {"completed": "paid", "returned": "refunded", "cancelled": "voided"}[o[9]]
        first = True
        for line in by_order.get(o[0], []):
            own = first
            rows.append(
                [
                    f"#{o[0]}",
                    email_of[o[1]] if own else "",
                    financial if own else "",
                    o[4] if own else "",
                    o[3] if own else "",
                    (o[8] or "") if own else "",
                    f"{o[2]:%Y-%m-%d %H:%M:%S} +0100",
                    line[2],
                    line[4],
                    line[3],
                    line[1],
                    f"{o[2]:%Y-%m-%d %H:%M:%S} +0100" if own and o[9] == "cancelled" else "",
                    _PAYMENT_TEXT.get(o[7] or "", o[7] or "") if own else "",
                    line[5],
                    (o[6] or "") if own else "",
                    o[0],
                    ("pos" if o[5] == "store" else "web") if own else "",
                ]
            )
            first = False
    _write(shopify / "orders_export_1.csv", header, rows)
    # canonical: the same facts, no more than Shopify carries
    _write(
        canonical / "contacts.csv",
        [
            "contact_id",
            "email",
            "phone",
            "first_name",
            "last_name",
            "postal_code",
            "city",
            "region",
            "country",
            "email_subscribed",
            "sms_subscribed",
        ],
        [[*p[:9], yn[p[9]], yn[p[10]]] for p in people],
    )
    _write(
        canonical / "products.csv",
        ["product_id", "name", "category", "subcategory", "brand", "price"],
        [list(p) for p in products],
    )
    with_lines = [o for o in orders if o[0] in by_order]
    _write(
        canonical / "orders.csv",
        [
            "order_id",
            "contact_id",
            "ordered_at",
            "total_amount",
            "currency",
            "channel",
            "store",
            "payment_method",
            "coupon_code",
            "status",
        ],
        [[*o[:6], o[6] if o[5] == "store" else "", *o[7:]] for o in with_lines],
    )
    _write(
        canonical / "order_lines.csv",
        ["order_id", "product_id", "quantity", "unit_price", "returned_quantity"],
        [
            [x[0], x[1], x[2], x[3], x[2] if o[9] == "returned" else 0]
            for o in with_lines
            for x in by_order[o[0]]
        ],
    )
    return len(with_lines)


REQUESTS = [
    "clientes de Madrid que compraron zapatillas",
    "customers who only bought Nike",
    "clientes q gastaron > 300 € x bizum",
    "clientes que no han comprado en los últimos 12 meses",
    "Champions or Loyal subscribed to the newsletter",
    "how many customers bought Adidas in 2025?",
    "top 5 productos por facturación en los últimos 12 meses",
    "compradores nuevos vs recurrentes por mes en 2025",
    "online vs tienda: nº de pedidos y facturación en 2025",
    "clientes que compraron en tienda física pagando con tarjeta",
]


def test_a_shop_through_shopify_answers_as_its_canonical_files(tmp_path: Path) -> None:
    from segmenta.warehouse.demo import build_demo

    demo = tmp_path / "demo.duckdb"
    build_demo(demo, contacts=700, seed=3, until=date(2026, 6, 30))
    shopify, canonical = tmp_path / "shopify", tmp_path / "canonical"
    shopify.mkdir()
    canonical.mkdir()
    n_orders = _two_ways(demo, shopify, canonical)
    assert n_orders >= 1000
    a, b = tmp_path / "a.duckdb", tmp_path / "b.duckdb"
    runner = CliRunner()
    assert runner.invoke(app, ["import", str(canonical), "--db", str(a)]).exit_code == 0
    r = runner.invoke(app, ["import", str(shopify), "--format", "shopify", "--db", str(b)])
    assert r.exit_code == 0, r.output
    answered: list[int] = []
    for text in REQUESTS:
        got = []
        for db in (a, b):
            out = runner.invoke(app, ["ask", text, "--db", str(db), "--as-of", "2026-06-30", "--json"])
            assert out.exit_code == 0, (text, out.output)
            answer = json.loads(out.stdout)
            got.append(
                (answer["kind"], answer["count"], answer["rows"] if answer["kind"] == "report" else None)
            )
        assert got[0] == got[1], text
        answered.append(got[0][1] or len(got[0][2] or []))
    assert sum(1 for n in answered if n) >= len(REQUESTS) - 1  # answers with something in them
