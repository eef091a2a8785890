"""What a person reads for a column and for a data-model code, in the answer's language.

The JSON of ``ask --json`` and the CSV files keep the SQL's column names and the warehouse's values,
so scripts and re-imports read them as they are; tables, charts and the TUI show these labels:
``método de pago`` for ``payment_method``, ``tarjeta de crédito`` for ``credit_card``, ``Campeones``
for ``Champions``. A shop's own value (``Klarna``, a store's name) is shown as it is.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Literal

Lang = Literal["es", "en"]

# column suffixes of a comparison report (this period against the previous one)
_SUFFIXES: tuple[tuple[str, str, str], ...] = (
    ("_previous", "previous", "anterior"),
    ("_difference", "difference", "diferencia"),
    ("_pct_change", "% change", "% cambio"),
)
# columns that are neither a metric nor a dimension: the segment preview and the audience files
_COLUMNS: dict[str, tuple[str, str]] = {
    "contact_id": ("contact", "contacto"),
    "count": ("count", "recuento"),
    "members": ("contacts", "contactos"),
}
# the data model's codes (DATA_MODEL.md), per dimension: value -> (en, es)
_VALUES: dict[str, dict[str, tuple[str, str]]] = {
    "gender": {"male": ("man", "hombre"), "female": ("woman", "mujer"), "other": ("other", "otro")},
    "order_channel": {"online": ("online", "online"), "store": ("physical store", "tienda física")},
    "device": {
        "desktop": ("desktop", "ordenador"),
        "mobile": ("mobile", "móvil"),
        "tablet": ("tablet", "tablet"),
        "app": ("app", "app"),
    },
    "channel": {
        "email": ("email", "email"),
        "sms": ("SMS", "SMS"),
        "push": ("push", "push"),
        "web_content": ("web content", "contenido web"),
        "whatsapp": ("WhatsApp", "WhatsApp"),
    },
    "buyer_type": {"first-time": ("first-time", "primera compra"), "recurring": ("recurring", "recurrente")},
}


@lru_cache(maxsize=512)
def column_label(column: str, lang: Lang) -> str:
    """A column's name for a person: a metric's or a dimension's label, a contact field's name,
    the comparison suffixes in words, the column itself when nothing names it.

    >>> column_label("payment_method", "es"), column_label("revenue_previous", "es")
    ('método de pago', 'facturación (anterior)')
    >>> column_label("first_time_buyers", "en"), column_label("first_name", "es"), column_label("x_y", "es")
    ('first-time buyers', 'nombre', 'x_y')
    """
    from segmenta.assistant.explainer import FIELD_NAMES
    from segmenta.tools.metrics import DIMENSIONS, METRICS

    es = lang == "es"
    for suffix, en_word, es_word in _SUFFIXES:
        if column.endswith(suffix) and column != suffix:
            return f"{column_label(column.removesuffix(suffix), lang)} ({es_word if es else en_word})"
    if column in METRICS:
        return METRICS[column].label(lang)
    if column in DIMENSIONS:
        return DIMENSIONS[column].label(lang)
    for table in (_COLUMNS, FIELD_NAMES):
        if column in table:
            return table[column][1 if es else 0]
    return column


_CATALOG_FIELDS: dict[str, tuple[str, str]] = {  # catalog fields whose column names no person
    "name": ("product", "producto"),
    "postal_prefix": ("postal code", "código postal"),
    "coupon_code": ("coupon", "cupón"),
    "web_category": ("category viewed", "categoría vista"),
    "message_channel": ("message channel", "canal del mensaje"),
    "message_name": ("message", "mensaje"),
    "message_type": ("message type", "tipo de mensaje"),
    "message_campaign": ("message campaign", "campaña del mensaje"),
    "workflow_id": ("workflow", "workflow"),
    "custom_field": ("custom field", "campo personalizado"),
    "language": ("language", "idioma"),
    "device": ("device", "dispositivo"),
}


def field_label(field: str, lang: Lang) -> str:
    """A catalog field's name for a person, as an option of a question back shows it ("ciudad:
    Barcelona", not "city: Barcelona"); a shop's own field (``custom:talla``) by its name.

    >>> field_label("region", "es"), field_label("name", "es"), field_label("custom:talla", "en")
    ('región', 'producto', 'talla')
    """
    if field.startswith("custom:"):
        return field.removeprefix("custom:")
    if field in _CATALOG_FIELDS:
        return _CATALOG_FIELDS[field][1 if lang == "es" else 0]
    return column_label(field, lang)


def value_label(column: str, value: Any, lang: Lang) -> Any:
    """A cell's value for a person: a data-model code of that column in words, anything else as it is.

    >>> value_label("payment_method", "credit_card", "es"), value_label("payment_method", "Klarna", "es")
    ('tarjeta de crédito', 'Klarna')
    >>> value_label("rfm_segment", "Champions", "es"), value_label("gender", "female", "en")
    ('Campeones', 'woman')
    >>> value_label("revenue", 12.5, "es")
    12.5
    """
    if not isinstance(value, str):
        return value
    es = lang == "es"
    if column == "payment_method":
        from segmenta.assistant.explainer import PAYMENT_NAMES

        names = PAYMENT_NAMES.get(value)
        return names[1 if es else 0] if names else value
    if column == "rfm_segment":
        from segmenta.assistant.explainer import RFM_SEGMENTS_ES

        return RFM_SEGMENTS_ES.get(value, value) if es else value
    names = _VALUES.get(column, {}).get(value)
    return names[1 if es else 0] if names else value


def is_money(column: str) -> bool:
    """True for a column of amounts: a money metric, or its previous value or difference.

    >>> is_money("revenue"), is_money("aov_previous"), is_money("revenue_pct_change"), is_money("orders")
    (True, True, False, False)
    """
    from segmenta.tools.metrics import METRICS

    base = column.removesuffix("_previous").removesuffix("_difference")
    return base in METRICS and METRICS[base].kind == "money"


def header(column: str, lang: Lang, currency: str = "", loc: str = "en") -> str:
    """A table's column header: its label, with the currency's symbol for amounts.

    >>> header("revenue", "es", "EUR", "es_ES"), header("aov", "en", "MXN", "es_MX"), header("orders", "es")
    ('facturación (€)', 'average order value ($)', 'pedidos')
    """
    label = column_label(column, lang)
    if currency and is_money(column):
        from babel.numbers import get_currency_symbol

        symbol = get_currency_symbol(currency, locale=loc)
        # "facturación (anterior)" -> "facturación (anterior, €)"
        return f"{label[:-1]}, {symbol})" if label.endswith(")") else f"{label} ({symbol})"
    return label


# an audience export's preflight (segmenta.tools.exports.Preflight): why contacts are left out,
# the match keys, the columns whose values could not be used
_EXPORT_WORDS: dict[str, tuple[str, str]] = {
    "no_consent": ("no ads consent", "sin consentimiento de anuncios"),
    "no_usable_key": ("no usable match key", "sin clave de coincidencia utilizable"),
    "incomplete_address": ("incomplete address", "dirección incompleta"),
    "email": ("email", "email"),
    "phone": ("phone", "teléfono"),
    "name_zip": ("name + postcode", "nombre + código postal"),
}


def export_word(code: str, lang: Lang) -> str:
    """A preflight's reason, key or column in words.

    >>> export_word("no_consent", "es"), export_word("name_zip", "en"), export_word("zip", "es")
    ('sin consentimiento de anuncios', 'name + postcode', 'zip')
    """
    words = _EXPORT_WORDS.get(code)
    return words[1 if lang == "es" else 0] if words else code.replace("_", " ")


def option_label(field: str, value: Any, lang: str) -> str:
    """One option of a question back, in the request's language (what ``choices.option_value``
    reads the value from).

    >>> option_label("city", "Barcelona", "es"), option_label("payment_method", "credit_card", "es")
    ('ciudad: Barcelona', 'método de pago: tarjeta de crédito')
    >>> option_label("subcategory", "Rackets", "en")
    'subcategory: Rackets'
    """
    lang_: Lang = "es" if lang == "es" else "en"
    return f"{field_label(field, lang_)}: {value_label(field, value, lang_)}"
