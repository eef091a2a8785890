"""Words of the Data Explorer in Spanish and English: metrics, dimensions, time grains, top-N.

Values are the metric and dimension names of the metric catalog (``segmenta/tools/metrics.py``);
the words live here because the assistant knows words and the tools know SQL.
"""

from __future__ import annotations

from typing import Final

from segmenta.assistant.lexicon import Pattern, patterns

METRICS: Final[dict[str, tuple[Pattern, ...]]] = {
    "revenue": patterns(
        "facturacion",
        "facturado",
        "ingresos",
        "revenue",
        "revenues",
        "sales",
        "ventas",
        "importe vendido",
        "turnover",
        "ingreso",
        "cifra de negocio",
        "gmv",
    ),
    "orders": patterns(
        "pedidos",
        "pedido",
        "orders",
        "numero de pedidos",
        "number of orders",
        "order count",
        "compras",
        "transacciones",
        "transactions",
    ),
    "aov": patterns(
        "ticket medio",
        "ticket promedio",
        "valor medio del pedido",
        "pedido medio",
        "average order value",
        "aov",
        "average basket",
        "cesta media",
    ),
    "first_time_buyers": patterns(
        "compradores nuevos",
        "nuevos compradores",
        "first time buyers",
        "first - time buyers",
        "new buyers",
        "clientes nuevos",
        "nuevos clientes",
        "new customers",
        "primeros compradores",
        "new",
        "nuevos",
    ),
    "recurring_buyers": patterns(
        "compradores recurrentes",
        "recurrentes",
        "recurring buyers",
        "recurring",
        "repeat buyers",
        "returning buyers",
        "returning customers",
        "clientes recurrentes",
        "repetidores",
        "returning",
        "repeat customers",
    ),
    "buyers": patterns("compradores", "buyers", "clientes que compraron", "purchasers", "shoppers"),
    "units": patterns(
        "unidades", "units", "unidades vendidas", "units sold", "items sold", "articulos vendidos"
    ),
    "cancellation_rate": patterns(
        "tasa de cancelacion", "cancellation rate", "cancelaciones", "cancellations"
    ),
    "return_rate": patterns("tasa de devolucion", "return rate", "devoluciones", "returns"),
    "open_rate": patterns(
        "tasa de apertura",
        "tasa de aperturas",
        "open rate",
        "open rates",
        "ratio de apertura",
        "porcentaje de apertura",
    ),
    "click_to_open_rate": patterns(
        "click to open",
        "click - to - open",
        "ctor",
        "clics sobre aperturas",
        "click - to - open rate",
        "tasa de clics sobre aperturas",
        "click to open rate",
    ),
    "click_rate": patterns(
        "tasa de clics",
        "tasa de clic",
        "tasa de click",
        "click rate",
        "click through rate",
        "ctr",
        "ratio de clics",
        "click - through rate",
    ),
    "conversion_rate": patterns("tasa de conversion", "conversion rate", "ratio de conversion"),
    "bounce_rate": patterns("tasa de rebote", "bounce rate"),
    "unsubscribe_rate": patterns("tasa de bajas", "unsubscribe rate", "tasa de baja"),
    "attributed_revenue": patterns(
        "ingresos atribuidos",
        "revenue attributed",
        "attributed revenue",
        "facturacion atribuida",
        "ventas atribuidas",
    ),
    "revenue_per_send": patterns("ingresos por envio", "revenue per send", "revenue per email"),
    "sends": patterns("envios", "sends", "emails enviados", "emails sent", "mensajes enviados"),
    "deliveries": patterns("entregas", "deliveries"),
    "opens": patterns("aperturas", "opens"),
    "clicks": patterns("clics", "clicks", "clicks", "clic", "click"),
    "bounces": patterns("rebotes", "bounces"),
    "unsubscribes": patterns("bajas", "unsubscribes", "desuscripciones", "unsubscriptions"),
    "conversions": patterns("conversiones", "conversions", "conversion"),
    "cart_abandonment_rate": patterns(
        "tasa de abandono de carrito",
        "tasa de abandono del carrito",
        "tasa de abandono",
        "cart abandonment rate",
        "abandonment rate",
        "abandono de carrito",
        "cart abandonment",
    ),
    "web_to_order_conversion": patterns("conversion web", "web to order conversion", "web conversion"),
    "known_visitors": patterns("visitantes conocidos", "conocidos", "known visitors", "known"),
    "anonymous_visitors": patterns("visitantes anonimos", "anonimos", "anonymous visitors", "anonymous"),
    "visitors": patterns("visitantes", "visitors", "usuarios unicos", "unique visitors"),
    "visits": patterns("visitas", "visits", "sesiones", "sessions"),
    "product_views": patterns("vistas de producto", "product views", "visualizaciones de producto", "views"),
    "add_to_cart": patterns("anadidos al carrito", "add to cart", "adds to cart", "add - to - cart"),
    "new_contacts": patterns(
        "nuevos contactos", "contactos nuevos", "new contacts", "altas", "registros", "signups", "sign ups"
    ),
    "contacts": patterns("contactos", "contacts"),
}

# "email performance" / "rendimiento del email": the usual message metrics
PERFORMANCE: Final = patterns(
    "rendimiento", "performance", "resultados", "results", "kpis", "metricas", "metrics"
)
PERFORMANCE_METRICS: Final = ("sends", "opens", "clicks", "open_rate", "click_rate")

DIMENSIONS: Final[dict[str, tuple[Pattern, ...]]] = {
    "workflow": patterns(
        "workflow", "workflows", "flujo", "flujos", "automatizacion", "automation", "journey", "flow", "flows"
    ),
    "message": patterns(
        "mensaje", "mensajes", "message", "messages", "email", "emails", "envio", "campana de email"
    ),
    "message_type": patterns("tipo de mensaje", "message type"),
    "channel": patterns(
        "canal de mensaje",
        "canal de envio",
        "canal del mensaje",
        "message channel",
        "canal",
        "canales",
        "channel",
        "channels",
    ),
    "utm_source": patterns("fuente", "source", "utm source", "origen"),
    "utm_medium": patterns("medio", "medium", "utm medium"),
    "utm_campaign": patterns("campana", "campanas", "campaign", "campaigns", "utm campaign"),
    "product": patterns(
        "producto", "productos", "product", "products", "articulo", "articulos", "item", "items"
    ),
    "brand": patterns(
        "editorial",
        "editoriales",
        "publisher",
        "publishers",
        "sello",
        "sellos",
        "label",
        "labels",
        "fabricante",
        "fabricantes",
        "manufacturer",
        "manufacturers",
        "marca",
        "marcas",
        "brand",
        "brands",
    ),
    "subcategory": patterns("subcategoria", "subcategorias", "subcategory", "subcategories"),
    "category": patterns("categoria", "categorias", "category", "categories", "familia", "seccion"),
    "payment_method": patterns(
        "metodo de pago",
        "metodos de pago",
        "forma de pago",
        "formas de pago",
        "payment method",
        "payment methods",
        "medio de pago",
        "pago",
        "payment",
    ),
    "card_brand": patterns(
        "tipo de tarjeta", "marca de tarjeta", "card brand", "card type", "tarjeta", "card"
    ),
    "order_channel": patterns(
        "canal de venta",
        "online vs tienda",
        "online y tienda",
        "sales channel",
        "order channel",
        "online vs store",
    ),
    "coupon": patterns(
        "cupon",
        "cupones",
        "coupon",
        "coupons",
        "codigo promocional",
        "codigos promocionales",
        "promo code",
        "promo codes",
        "codigo de descuento",
        "discount code",
        "discount codes",
    ),
    "store": patterns("tienda", "tiendas", "store", "stores"),
    "device": patterns("dispositivo", "dispositivos", "device", "devices"),
    "city": patterns("ciudad", "ciudades", "city", "cities"),
    "region": patterns(
        "region", "regiones", "provincia", "provincias", "province", "provinces", "state", "states",
        "estado", "estados"
    ),
    "country": patterns("pais", "paises", "country", "countries"),
    "gender": patterns("genero", "sexo", "gender", "sex"),
    "age_band": patterns("edad", "franja de edad", "tramo de edad", "age", "age band", "age group", "edades"),
    "rfm_segment": patterns(
        "segmento rfm",
        "segmentos rfm",
        "rfm segment",
        "rfm segments",
        "segmento",
        "segmentos",
        "segment",
        "segments",
        "rfm",
    ),
    "buyer_type": patterns("tipo de comprador", "nuevos vs recurrentes", "new vs returning", "buyer type"),
}

BY_WORDS: Final = patterns(
    "por",
    "by",
    "per",
    "segun",
    "desglosado por",
    "broken down by",
    "split by",
    "para cada",
    "for each",
    "each",
    "cada",
    "across",
)

GRAINS: Final[dict[str, tuple[Pattern, ...]]] = {
    "day": patterns(
        "diario",
        "diaria",
        "diarios",
        "diarias",
        "daily",
        "por dia",
        "cada dia",
        "each day",
        "per day",
        "by day",
        "dia a dia",
        "day by day",
    ),
    "week": patterns(
        "semanal",
        "semanales",
        "weekly",
        "por semana",
        "cada semana",
        "each week",
        "per week",
        "by week",
        "week by week",
        "semana a semana",
    ),
    "month": patterns(
        "mensual",
        "mensuales",
        "monthly",
        "por mes",
        "cada mes",
        "each month",
        "per month",
        "by month",
        "month by month",
        "mes a mes",
        "por meses",
    ),
    "quarter": patterns(
        "trimestral",
        "trimestrales",
        "quarterly",
        "por trimestre",
        "cada trimestre",
        "each quarter",
        "per quarter",
        "by quarter",
    ),
    "year": patterns(
        "anual",
        "anuales",
        "yearly",
        "annual",
        "por ano",
        "cada ano",
        "each year",
        "per year",
        "by year",
        "ano a ano",
        "year by year",
    ),
}

SOLD: Final = patterns(
    "vendimos",
    "vendieron",
    "se vendieron",
    "vendido",
    "vendidos",
    "vendidas",
    "did we sell",
    "we sold",
    "were sold",
    "sold",
    "have we sold",
)
TOP: Final = patterns(
    "top",
    "los mejores",
    "las mejores",
    "best",
    "mejores",
    "principales",
    "primeros",
    "the top",
    "mas vendidos",
    "best selling",
    "best-selling",
    "best sellers",
)
BOTTOM: Final = patterns("bottom", "peores", "worst", "menos vendidos", "least sold", "least selling")
VERSUS: Final = patterns(
    "vs",
    "versus",
    "frente a",
    "compared to",
    "compared with",
    "comparado con",
    "comparado a",
    "contra",
    "against",
)
AMONG: Final = patterns(
    "entre los", "entre las", "among", "amongst", "de los", "de las", "for", "para", "de", "of", "in", "en"
)
