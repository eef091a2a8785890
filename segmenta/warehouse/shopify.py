"""Shopify's admin exports read as they are, turned into the warehouse's canonical tables.

``segmenta import DIR --format shopify`` reads from ``DIR`` the files Shopify's admin writes: the
customers export (``customers_export*.csv``, in the older layout with ``City``/``Province Code``/
``Country Code``/``Zip`` and the newer one with ``Customer ID`` and ``Default Address …``), the
orders export (``orders_export*.csv``, one row per line item, the order's own columns only on its
first row) and, when there, the products export (``products_export*.csv``, one row per variant).
Any file whose name holds ``customer``, ``order`` or ``product`` is read, several orders files
(``orders_export_1.csv``, ``orders_export_2.csv``) one after the other.

The rules (README, "Bring your shop"):

- **Contacts** are keyed by email, trimmed and case-blind: the orders export carries no customer
  id. A customer's ``contact_id`` is its ``Customer ID`` when the export has one, else ``SH-`` and
  12 hex digits of the email's SHA-256 (never the email itself, which would travel in every file).
  An order whose email is in no customer row gets a contact of its own from its billing address; a
  guest checkout with no email is a contact of its own order (``SH-GUEST-<order>``).
  ``Accepts Email Marketing`` / ``Accepts Marketing`` and ``Accepts SMS Marketing`` (yes/no) are the
  email and SMS consents; Shopify has no consent to ad matching, so ``ads_consent`` is empty (an
  audience export then needs ``--include-no-consent``, and says so). ``Company`` makes
  ``is_company``; ``Tags`` is kept as a custom field; a zip's leading ``'`` (Shopify's guard for
  leading zeros) is dropped.
- **Orders** are the rows sharing a ``Name``; ``order_id`` is the ``Id`` column when there is one,
  else the ``Name``. ``ordered_at`` is ``Created at`` in the shop's own clock (its ``+0200`` offset
  dropped, so "compras de ayer" are the shop's yesterday). ``status``: ``cancelled`` when ``Cancelled
  at`` is set or the financial status is ``voided``; ``returned`` when it is ``refunded``; else
  ``completed`` (``paid``, ``partially_paid``, ``partially_refunded``, ``authorized``, ``pending``).
  ``channel`` is ``store`` when ``Source`` is ``pos`` (``store`` is then the ``Location``), else
  ``online``. ``Payment Method`` becomes the data model's code where it names one (``Shopify
  Payments``, Stripe and cards are ``credit_card``, as Shopify does not tell credit from debit;
  PayPal, Bizum, cash on delivery, bank transfer, cash), else it is kept as written.
  ``total_amount`` is ``Total``, ``currency`` ``Currency``, ``coupon_code`` ``Discount Code``.
- **Lines**: ``Lineitem quantity`` and ``Lineitem price``; the product is the line's ``Lineitem
  sku``, else its name. A fully refunded order's lines are returned whole.
- **Products**: one per ``Variant SKU`` (else per handle), named by the product's ``Title``, brand
  ``Vendor``, and category/subcategory the last two levels of ``Product Category`` (``Apparel &
  Accessories > Shoes > Athletic Shoes`` is Shoes / Athletic Shoes), else ``Type`` as the
  category. A line whose SKU is in no product row gets a product of its own (its name and the
  line's ``Vendor``).

Every problem names the Shopify file, its line and column; the canonical files written from them
then go through the same import as any shop (its checks, atomic swap, summary).
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from segmenta.errors import ImportProblem, ShopImportError

CONTACT_COLUMNS = (
    "contact_id",
    "email",
    "phone",
    "first_name",
    "last_name",
    "postal_code",
    "city",
    "region",
    "country",
    "is_company",
    "email_subscribed",
    "sms_subscribed",
    "ads_consent",
    "tags",
)
ORDER_COLUMNS = (
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
)
LINE_COLUMNS = ("order_id", "product_id", "quantity", "unit_price", "returned_quantity")
PRODUCT_COLUMNS = ("product_id", "name", "category", "subcategory", "brand", "price")

_YES = {"yes", "true", "1", "y", "si", "sí"}
_NO = {"no", "false", "0", "n", ""}
_TIMESTAMP = re.compile(
    r"^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2})?)(?:\.\d+)?\s*(?:Z|[+-]\d{2}:?\d{2})?$"
)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass
class ShopifyTables:
    """The canonical tables read from a Shopify export, and what the reading did."""

    contacts: dict[str, dict[str, str]] = field(default_factory=dict)  # by contact_id
    orders: dict[str, dict[str, str]] = field(default_factory=dict)  # by order_id
    lines: list[dict[str, str]] = field(default_factory=list)
    products: dict[str, dict[str, str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


# ----------------------------------------------------------------- values


def email_key(email: str) -> str:
    """An email as contacts are matched by it: trimmed and case-blind.

    >>> email_key("  Ana.Lopez@Example.COM ")
    'ana.lopez@example.com'
    """
    return email.strip().casefold()


def contact_id_for(email: str) -> str:
    """The contact id of an email with no customer id: never the email itself.

    >>> contact_id_for("ana@example.com") == contact_id_for(" ANA@example.com")
    True
    >>> contact_id_for("ana@example.com").startswith("SH-")
    True
    """
    return "SH-" + hashlib.sha256(email_key(email).encode()).hexdigest()[:12].upper()


def shop_time(text: str) -> str | None:
    """A Shopify timestamp in the shop's own clock, its offset dropped (None when it is not one).

    >>> shop_time("2025-10-07 09:50:26 +0200"), shop_time("2025-10-07T09:50:26Z"), shop_time("ayer")
    ('2025-10-07 09:50:26', '2025-10-07 09:50:26', None)
    >>> shop_time("2025-10-07")
    '2025-10-07 00:00:00'
    """
    text = text.strip()
    if _DATE.match(text):
        return f"{text} 00:00:00"
    m = _TIMESTAMP.match(text)
    if not m:
        return None
    clock = m.group(2) if m.group(2).count(":") == 2 else m.group(2) + ":00"
    try:
        datetime.fromisoformat(f"{m.group(1)} {clock}")
    except ValueError:
        return None
    return f"{m.group(1)} {clock}"


def amount(text: str) -> str | None:
    """A Shopify amount as a plain decimal (None when it is not a number).

    >>> amount("53.91"), amount(" 1,234.50 "), amount(""), amount("abc")
    ('53.91', '1234.50', '0', None)
    """
    text = text.strip().replace(",", "")
    if not text:
        return "0"
    try:
        return str(Decimal(text))
    except InvalidOperation:
        return None


def flag(text: str) -> str | None:
    """A yes/no column as ``true``/``false`` (None when it is neither).

    >>> flag("yes"), flag("No"), flag(""), flag("maybe")
    ('true', 'false', 'false', None)
    """
    t = text.strip().casefold()
    return "true" if t in _YES else "false" if t in _NO else None


def payment_code(method: str) -> str:
    """The data model's payment code of Shopify's ``Payment Method`` text, or the text as written.

    >>> payment_code("Shopify Payments"), payment_code("PayPal Express Checkout"), payment_code("Klarna")
    ('credit_card', 'paypal', 'Klarna')
    >>> payment_code("Cash on Delivery (COD)"), payment_code("Shopify Payments + Gift Card")
    ('cash_on_delivery', 'credit_card')
    """
    m = method.strip().casefold()
    if not m:
        return ""
    rules = (
        ("paypal", "paypal"),
        ("bizum", "bizum"),
        ("cash on delivery", "cash_on_delivery"),
        ("(cod)", "cash_on_delivery"),
        ("contra reembolso", "cash_on_delivery"),
        ("bank", "bank_transfer"),
        ("transfer", "bank_transfer"),
        ("debit", "debit_card"),
        ("shopify payments", "credit_card"),
        ("stripe", "credit_card"),
        ("card", "credit_card"),
        ("tarjeta", "credit_card"),
        ("cash", "cash"),
        ("efectivo", "cash"),
    )
    for word, code in rules:
        if word in m:
            return code
    return method.strip()


def order_status(financial: str, cancelled_at: str) -> str:
    """The order's status from its financial status and cancellation.

    >>> order_status("paid", ""), order_status("refunded", ""), order_status("paid", "2025-01-02 10:00")
    ('completed', 'returned', 'cancelled')
    >>> order_status("voided", ""), order_status("partially_refunded", ""), order_status("pending", "")
    ('cancelled', 'completed', 'completed')
    """
    f = financial.strip().casefold()
    if cancelled_at.strip() or f == "voided":
        return "cancelled"
    if f == "refunded":
        return "returned"
    return "completed"


def categories(product_category: str, product_type: str) -> tuple[str, str]:
    """(category, subcategory) from Shopify's category path, else the merchant's product type.

    >>> categories("Apparel & Accessories > Shoes > Athletic Shoes", "Zapatillas")
    ('Shoes', 'Athletic Shoes')
    >>> categories("", "Zapatillas"), categories("Sporting Goods", "")
    (('Zapatillas', ''), ('Sporting Goods', ''))
    """
    levels = [p.strip() for p in product_category.split(">") if p.strip()]
    if len(levels) >= 2:
        return levels[-2], levels[-1]
    if levels:
        return levels[0], ""
    return product_type.strip(), ""


# ----------------------------------------------------------------- files


def shopify_files(src: Path) -> dict[str, list[Path]]:
    """The export files in ``src`` by kind (customers, orders, products), in name order."""
    found: dict[str, list[Path]] = {"customers": [], "orders": [], "products": []}
    for path in sorted(src.iterdir()):
        if path.suffix.lower() != ".csv" or not path.is_file():
            continue
        name = path.name.casefold()
        for kind, word in (("customers", "customer"), ("orders", "order"), ("products", "product")):
            if word in name:
                found[kind].append(path)
                break
    return found


def _rows(
    path: Path, required: tuple[str, ...], problems: list[ImportProblem]
) -> Iterator[tuple[int, dict[str, str]]]:
    """A Shopify CSV's rows with the line each starts on; the required headers checked first."""
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as e:
        problems.append(ImportProblem(path.name, f"cannot read the file: {e.strerror or e}"))
        return
    with handle:
        reader = csv.DictReader(handle)
        headers = [h.strip() for h in reader.fieldnames or []]
        missing = [h for h in required if h not in headers]
        if missing:
            problems.append(
                ImportProblem(
                    path.name,
                    "not a Shopify export as segmenta reads it: no column "
                    + ", ".join(repr(h) for h in missing),
                    line=1,
                )
            )
            return
        reader.fieldnames = headers
        start = reader.line_num + 1
        try:
            for row in reader:
                yield start, {k: (v or "") for k, v in row.items() if k is not None}
                start = reader.line_num + 1
        except (csv.Error, UnicodeDecodeError) as e:
            problems.append(ImportProblem(path.name, f"unreadable CSV: {e}", line=start))


def _bad(
    problems: list[ImportProblem], path: Path, message: str, line: int, column: str, value: str | None = None
) -> None:
    """One problem of a Shopify file: what, on which line and column, the value found."""
    problems.append(ImportProblem(path.name, message, line=line, column=column, value=value))


def _first(row: dict[str, str], *names: str) -> str:
    for n in names:
        v = row.get(n, "").strip()
        if v:
            return v
    return ""


def read_shopify(src: Path) -> ShopifyTables:
    """Read the Shopify export files of ``src`` into canonical tables.

    Raises:
        ShopImportError: no orders export, or rows that cannot be read (file, line, column, value).
    """
    files = shopify_files(src)
    problems: list[ImportProblem] = []
    if not files["orders"]:
        raise ShopImportError(
            [
                ImportProblem(
                    str(src),
                    "no Shopify orders export here (a file named like orders_export_1.csv, from Orders > "
                    "Export in Shopify's admin)",
                )
            ]
        )
    out = ShopifyTables()
    by_email: dict[str, str] = {}
    for path in files["customers"]:
        _read_customers(path, out, by_email, problems)
    for path in files["products"]:
        _read_products(path, out, problems)
    for path in files["orders"]:
        _read_orders(path, out, by_email, problems)
    if problems:
        raise ShopImportError(problems[:20], total=len(problems))
    return out


def _read_customers(
    path: Path, out: ShopifyTables, by_email: dict[str, str], problems: list[ImportProblem]
) -> None:
    for line, row in _rows(path, ("First Name", "Last Name", "Email"), problems):
        email = row.get("Email", "").strip()
        cid = row.get("Customer ID", "").strip().lstrip("'")
        if not email and not cid:
            continue  # a customer with neither can never be matched to an order
        contact_id = cid or contact_id_for(email)
        consents = {}
        for column, target in (
            (("Accepts Email Marketing", "Accepts Marketing"), "email_subscribed"),
            (("Accepts SMS Marketing",), "sms_subscribed"),
        ):
            text = _first(row, *column)
            value = flag(text)
            if value is None:
                _bad(problems, path, "expected yes or no", line, column[0], text)
                value = "false"
            consents[target] = value
        out.contacts[contact_id] = {
            "contact_id": contact_id,
            "email": email,
            "phone": _first(row, "Phone", "Default Address Phone"),
            "first_name": row.get("First Name", "").strip(),
            "last_name": row.get("Last Name", "").strip(),
            "postal_code": _first(row, "Zip", "Default Address Zip").lstrip("'"),
            "city": _first(row, "City", "Default Address City"),
            "region": _first(row, "Province", "Province Code", "Default Address Province Code"),
            "country": _first(row, "Country Code", "Default Address Country Code").upper(),
            "is_company": "true" if _first(row, "Company", "Default Address Company") else "false",
            "ads_consent": "",
            "tags": row.get("Tags", "").strip(),
            **consents,
        }
        if email:
            by_email.setdefault(email_key(email), contact_id)


def _read_products(path: Path, out: ShopifyTables, problems: list[ImportProblem]) -> None:
    current: dict[str, str] = {}
    for line, row in _rows(path, ("Handle", "Title", "Vendor"), problems):
        handle = row.get("Handle", "").strip()
        if row.get("Title", "").strip():  # the product's own columns: on its first row only
            current = row
        elif current.get("Handle", "").strip() != handle:
            current = row
        sku = row.get("Variant SKU", "").strip()
        product_id = sku or handle
        if not product_id or product_id in out.products:
            continue
        price_text = row.get("Variant Price", "")
        price = amount(price_text)
        if price is None:
            _bad(problems, path, "not a price", line, "Variant Price", price_text)
            continue
        category, subcategory = categories(current.get("Product Category", ""), current.get("Type", ""))
        out.products[product_id] = {
            "product_id": product_id,
            "name": current.get("Title", "").strip() or handle,
            "category": category,
            "subcategory": subcategory,
            "brand": current.get("Vendor", "").strip(),
            "price": price,
        }


def _read_orders(
    path: Path, out: ShopifyTables, by_email: dict[str, str], problems: list[ImportProblem]
) -> None:
    required = ("Name", "Created at", "Lineitem quantity", "Lineitem name", "Lineitem price")
    order: dict[str, str] | None = None
    for line, row in _rows(path, required, problems):
        name = row.get("Name", "").strip()
        if not name:
            _bad(problems, path, "a line item with no order Name", line, "Name")
            continue
        if order is None or name != order["name"]:
            order = _new_order(path, line, row, out, by_email, problems)
        if order.get("_skip"):  # its first row was refused: its other rows go with it
            continue
        _add_line(path, line, row, order, out, problems)


def _new_order(
    path: Path,
    line: int,
    row: dict[str, str],
    out: ShopifyTables,
    by_email: dict[str, str],
    problems: list[ImportProblem],
) -> dict[str, str]:
    name = row["Name"].strip()
    order_id = row.get("Id", "").strip().lstrip("'") or name
    if order_id in out.orders:
        _bad(problems, path, f"order {name} appears again, apart from its first rows", line, "Name")
        return {"name": name, "_skip": "1"}
    created = row.get("Created at", "")
    ordered_at = shop_time(created)
    if ordered_at is None:
        _bad(problems, path, "not a timestamp (YYYY-MM-DD HH:MM:SS +HHMM)", line, "Created at", created)
        return {"name": name, "_skip": "1"}
    total_text = row.get("Total", "")
    total = amount(total_text)
    if total is None:
        _bad(problems, path, "not an amount", line, "Total", total_text)
        return {"name": name, "_skip": "1"}
    email = row.get("Email", "").strip()
    if email:
        contact_id = by_email.get(email_key(email))
        if contact_id is None:  # a buyer with no customer row: one from the order's billing address
            contact_id = contact_id_for(email)
            by_email[email_key(email)] = contact_id
            out.contacts[contact_id] = _contact_from_order(contact_id, email, row)
    else:  # a guest checkout without an email: a contact of its own
        contact_id = f"SH-GUEST-{order_id.lstrip('#')}"
        out.contacts[contact_id] = _contact_from_order(contact_id, "", row)
    source = row.get("Source", "").strip().casefold()
    status = order_status(row.get("Financial Status", ""), row.get("Cancelled at", ""))
    out.orders[order_id] = {
        "order_id": order_id,
        "contact_id": contact_id,
        "ordered_at": ordered_at,
        "total_amount": total,
        "currency": row.get("Currency", "").strip().upper(),
        "channel": "store" if source == "pos" else "online",
        "store": row.get("Location", "").strip() if source == "pos" else "",
        "payment_method": payment_code(row.get("Payment Method", "")),
        "coupon_code": row.get("Discount Code", "").strip(),
        "status": status,
    }
    return {"name": name, "order_id": order_id, "status": status}


def _contact_from_order(contact_id: str, email: str, row: dict[str, str]) -> dict[str, str]:
    billing = row.get("Billing Name", "").strip().split(" ", 1)
    accepts = flag(row.get("Accepts Marketing", "")) or "false"
    return {
        "contact_id": contact_id,
        "email": email,
        "phone": _first(row, "Billing Phone", "Phone", "Shipping Phone"),
        "first_name": billing[0] if billing and billing[0] else "",
        "last_name": billing[1] if len(billing) > 1 else "",
        "postal_code": _first(row, "Billing Zip", "Shipping Zip").lstrip("'"),
        "city": _first(row, "Billing City", "Shipping City"),
        "region": _first(row, "Billing Province Name", "Billing Province", "Shipping Province"),
        "country": _first(row, "Billing Country", "Shipping Country").upper(),
        "is_company": "true" if _first(row, "Billing Company") else "false",
        "email_subscribed": accepts,
        "sms_subscribed": "false",
        "ads_consent": "",
        "tags": "",
    }


def _add_line(
    path: Path,
    line: int,
    row: dict[str, str],
    order: dict[str, str],
    out: ShopifyTables,
    problems: list[ImportProblem],
) -> None:
    qty_text, price_text = row.get("Lineitem quantity", ""), row.get("Lineitem price", "")
    try:
        quantity = int(qty_text.strip())
    except ValueError:
        _bad(problems, path, "not a whole number", line, "Lineitem quantity", qty_text)
        return
    price = amount(price_text)
    if price is None:
        _bad(problems, path, "not a price", line, "Lineitem price", price_text)
        return
    name = row.get("Lineitem name", "").strip()
    sku = row.get("Lineitem sku", "").strip()
    product_id = sku or f"name:{name}"
    if product_id not in out.products:
        out.products[product_id] = {
            "product_id": product_id,
            "name": name,
            "category": "",
            "subcategory": "",
            "brand": row.get("Vendor", "").strip(),
            "price": price,
        }
    out.lines.append(
        {
            "order_id": order["order_id"],
            "product_id": product_id,
            "quantity": str(quantity),
            "unit_price": price,
            "returned_quantity": str(quantity) if order["status"] == "returned" else "0",
        }
    )


def write_canonical(tables: ShopifyTables, out: Path) -> None:
    """Write the tables as the canonical CSVs ``segmenta import`` reads."""
    out.mkdir(parents=True, exist_ok=True)
    for name, columns, rows in (
        ("contacts", CONTACT_COLUMNS, list(tables.contacts.values())),
        ("orders", ORDER_COLUMNS, list(tables.orders.values())),
        ("order_lines", LINE_COLUMNS, tables.lines),
        ("products", PRODUCT_COLUMNS, list(tables.products.values())),
    ):
        with (out / f"{name}.csv").open("w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=list(columns), extrasaction="ignore")
            writer.writeheader()
            writer.writerows(rows)


def import_shopify(src: Path, db: Path, *, skip_invalid: bool = False, progress: Any = None) -> Any:
    """Import a folder of Shopify exports into ``db``: read and check them (file, line, column), write
    the canonical tables beside the warehouse, and import those as any shop is (atomically).

    Returns:
        The ImportReport, its source the Shopify folder, its notes what the reading did.
    """
    import shutil
    import tempfile

    from segmenta.warehouse.importer import import_shop

    src, db = Path(src), Path(db)
    if not src.is_dir():
        raise ShopImportError([ImportProblem(str(src), "not a folder of Shopify exports")])
    tables = read_shopify(src)
    db.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{db.name}.shopify-", dir=db.parent))
    try:
        write_canonical(tables, work)
        report = import_shop(work, db, skip_invalid=skip_invalid, progress=progress)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    files = shopify_files(src)
    read = ", ".join(p.name for kind in ("customers", "orders", "products") for p in files[kind])
    guests = sum(1 for c in tables.contacts if c.startswith("SH-GUEST-"))
    report.source = src
    report.files = []  # the canonical files were ours, written from the exports named below
    report.notes = [
        f"Shopify export read: {read}",
        f"{len(tables.orders):,} orders from {len(tables.lines):,} line-item rows; "
        f"{len(tables.contacts):,} contacts keyed by email ({guests:,} guest checkouts without one)",
        "ads_consent is empty: Shopify has no consent to ad matching (exports need --include-no-consent)",
        *report.notes,
    ]
    return report
