"""The marketer's vocabulary the grammar needs, in Spanish and English (folded forms).

These are words about *people and behaviour* (genders, verbs of buying, viewing and opening,
consent, RFM segments, comparison words), never catalog values: product, brand, city and
workflow names always come from the shop's own warehouse through catalog linking.

Every entry is folded (lowercase, no accents), as ``text.fold`` gives. A pattern is a tuple of
words; a word ending in ``*`` matches any word with that prefix.
"""

from __future__ import annotations

from typing import Final

Pattern = tuple[str, ...]


def patterns(*phrases: str) -> tuple[Pattern, ...]:
    """Split phrases into word tuples, longest first so the longest match wins.

    >>> patterns("al menos", "min*")
    (('al', 'menos'), ('min*',))
    """
    out = [tuple(p.split()) for p in phrases]
    return tuple(sorted(out, key=len, reverse=True))


GENDER: Final[dict[str, tuple[Pattern, ...]]] = {
    "female": patterns(
        "mujer",
        "mujeres",
        "clienta",
        "clientas",
        "chica",
        "chicas",
        "senora",
        "senoras",
        "femenino",
        "femeninas",
        "compradoras",
        "usuarias",
        "ellas",
        "damas",
        "women",
        "woman",
        "female",
        "females",
        "ladies",
        "lady",
        "girls",
        "girl",
        "womens",
        "tias",
        "chavas",
        "chava",
        "morras",
        "gals",
    ),
    "male": patterns(
        "hombre",
        "hombres",
        "chico",
        "chicos",
        "senor",
        "senores",
        "caballero",
        "caballeros",
        "masculino",
        "masculinos",
        "varon",
        "varones",
        "men",
        "man",
        "male",
        "males",
        "guys",
        "gentlemen",
        "boys",
        "mens",
        "tios",
        "chavos",
        "chavo",
        "blokes",
        "dudes",
    ),
}

# Who is counted (DATA_MODEL settled reading 6).
AUDIENCE_ALL: Final = patterns(
    "contactos",
    "contacto",
    "contacts",
    "contact",
    "personas",
    "persona",
    "people",
    "person",
    "gente",
    "usuarios",
    "usuario",
    "users",
    "user",
    "leads",
    "lead",
    "los que",
    "las que",
    "aquellos que",
    "quienes",
    "those who",
    "those",
    "anyone",
    "everyone",
    "todos",
    "todas",
    "audiencia",
    "audience",
    "perfiles",
    "profiles",
    "pena",
    "chavales",
    "folks",
    "peeps",
    "ppl",
)
AUDIENCE_CUSTOMERS: Final = patterns("clientes", "cliente", "customers", "customer", "clients", "client")
AUDIENCE_BUYERS: Final = patterns(
    "compradores",
    "comprador",
    "buyers",
    "buyer",
    "purchasers",
    "shoppers",
)

# Frame openers: verbs that start a behaviour condition. Values: (family, detail).
VERBS: Final[dict[tuple[str, str], tuple[Pattern, ...]]] = {
    ("purchase", ""): patterns(
        "compr*",
        "bought",
        "buy",
        "buys",
        "buying",
        "purchas*",
        "ordered",
        "adquiri*",
        "pidieron",
        "pidio",
        "han pedido",
        "shopped",
        "conpr*",
        "placed",
        "picked up",
        "pillaron",
        "pillado",
        "pillo",
        "se llevaron",
        "se han llevado",
        "se llevo",
        "adquirieron",
    ),
    ("purchase", "spend"): patterns(
        "gast*",
        "spent",
        "spend",
        "spends",
        "spending",
        "invirtieron",
        "facturaron",
    ),
    ("purchase", "pay"): patterns("paga*", "pago", "pagu*", "paid", "pay", "pays", "paying", "abonaron"),
    ("purchase", "coupon"): patterns(
        "used a discount code",
        "used the discount code",
        "used any discount code",
        "used a promo code",
        "used a voucher",
        "used any coupon",
        "usaron un codigo de descuento",
        "usaron algun codigo de descuento",
        "usaron algun cupon",
        "uso un cupon",
        "uso algun cupon",
        "used",
        "uso",
        "usaron",
        "utilizaron",
        "utilizo",
        "usaste",
        "discount code",
        "promo code",
        "codigo de descuento",
        "codigo promocional",
        "usaron el cupon",
        "usaron un cupon",
        "usaron el codigo",
        "used the coupon",
        "used coupon",
        "used a coupon",
        "used the code",
        "redeemed",
        "canjearon",
        "con el cupon",
        "with the coupon",
        "with coupon",
        "cupon",
        "coupon",
    ),
    ("purchase", "return"): patterns("devolv*", "devolucion", "returned", "return", "returns"),
    ("web", "product_view"): patterns(
        "vieron",
        "vio",
        "han visto",
        "visto",
        "viewed",
        "view",
        "views",
        "looked at",
        "miraron",
        "miro",
        "consultaron",
        "browsed",
        "ojearon",
    ),
    ("web", "category_view"): patterns(
        "visitaron la categoria",
        "visito la categoria",
        "visitaron la seccion",
        "visited the category",
        "visited category",
        "visited the section",
        "browsed the category",
    ),
    ("web", "visit"): patterns(
        "visitaron",
        "visito",
        "visited",
        "visit",
        "entraron",
        "came to",
    ),
    ("web", "add_to_cart"): patterns(
        "anadieron al carrito",
        "anadio al carrito",
        "anadieron",
        "added to cart",
        "added to their cart",
        "added to the cart",
        "added",
        "metieron en el carrito",
        "add to cart",
    ),
    ("web", "cart_abandoned"): patterns(
        "abandonaron el carrito",
        "abandonaron el carro",
        "dejaron el carro",
        "se dejaron el carro",
        "se dejaron el carrito",
        "carro abandonado",
        "carros abandonados",
        "dejaron el carro a medias",
        "se dejaron el carro a medias",
        "se dejaron el carrito a medias",
        "abandono el carrito",
        "abandonaron su carrito",
        "abandonaron",
        "abandono",
        "abandoned the cart",
        "abandoned their cart",
        "abandoned a cart",
        "abandoned cart",
        "abandoned carts",
        "abandoned",
        "carrito abandonado",
        "carritos abandonados",
        "dejaron el carrito",
        "left the cart",
        "left their cart",
    ),
    ("web", "search"): patterns(
        "buscaron",
        "busco",
        "han buscado",
        "searched for",
        "searched",
        "search for",
        "searches for",
        "looked for",
    ),
    ("message", "opened"): patterns("abri*", "opened", "open", "opens", "leyeron", "read"),
    ("message", "clicked"): patterns(
        "hicieron clic en",
        "hicieron click en",
        "hicieron clic",
        "hicieron click",
        "clic*",
        "click*",
        "pincharon",
        "pulsaron",
    ),
    # received = delivered: a send that bounced was never received
    ("message", "delivered"): patterns("recibieron", "recibio", "recibido", "received", "got", "les llego"),
    ("message", "sent"): patterns(
        "were sent",
        "was sent",
        "les enviamos",
        "se les envio",
        "enviamos",
        "we sent",
        "sent",
    ),
    ("message", "unsubscribed"): patterns(
        "dados de baja de",
        "dados de baja",
        "dadas de baja",
        "dado de baja",
        "se dieron de baja de",
        "se dieron de baja",
        "se dio de baja",
        "dieron de baja",
        "se desuscribieron",
        "unsubscribed from",
        "unsubscribed",
        "opted out of",
        "opted out",
    ),
    ("message", "converted"): patterns("convirtieron", "convirtio", "converted"),
    ("message", "bounced"): patterns("rebot*", "bounced"),
}

NEGATORS: Final = patterns(
    "nunca",
    "jamas",
    "never",
    "no",
    "not",
    "didn't",
    "didnt",
    "did not",
    "haven't",
    "havent",
    "have not",
    "hasn't",
    "has not",
    "don't",
    "dont",
    "do not",
    "doesn't",
    "does not",
    "han dejado de",
    "dejaron de",
    "stopped",
)
NONE_WORDS: Final = patterns(
    "none",
    "ninguno",
    "ninguna",
    "ningun",
    "nada",
    "nothing",
    "any",
    "ningunos",
)
EXCEPT: Final = patterns(
    "pero no",
    "pero nunca",
    "but not",
    "but never",
    "except",
    "excepto",
    "salvo",
    "menos los",
    "excluding",
    "excluyendo",
    "sin contar",
    "other than",
)
WITHOUT: Final = patterns("sin", "without")
OR_WORDS: Final = patterns("o", "u", "or", "ni")
AND_ALSO: Final = patterns(
    "y tambien", "y ademas", "e tambien", "y asimismo", "and also", "as well as", "and as well", "y encima",
)
AND_WORDS: Final = patterns("y", "e", "and", "pero", "but", "ademas", "tambien", "also", "as well")

# Comparison words (DATA_MODEL "Comparison words"). Values are the operator.
COMPARATORS: Final[dict[str, tuple[Pattern, ...]]] = {
    ">=": patterns(
        ">=",
        "para arriba",
        "pa arriba",
        "hacia arriba",
        "en adelante",
        "o superior",
        "or higher",
        "and over",
        "or over",
        "or more",
        "o mas",
        "at least",
        "al menos",
        "como minimo",
        "minimo",
        "min",
        "desde",
        "a partir de",
        "or older",
        "o mayores",
        "or above",
        "y mas",
        "and up",
        "and above",
        "mayor o igual a",
        "mayor o igual que",
        "no menos de",
        "greater than or equal to",
    ),
    ">": patterns(
        ">",
        "over",
        "more than",
        "older than",
        "above",
        "mas de",
        "mayores de",
        "mayor de",
        "mayores que",
        "superior a",
        "superiores a",
        "por encima de",
        "greater than",
        "higher than",
        "exceeding",
        "mas que",
        "bigger than",
        "larger than",
        "mayor que",
        "arriba de",
        "mayor a",
        "superior al",
    ),
    "<=": patterns(
        "<=",
        "para abajo",
        "pa abajo",
        "o inferior",
        "or lower",
        "or under",
        "and under",
        "or less",
        "o menos",
        "at most",
        "up to",
        "hasta",
        "como maximo",
        "maximo",
        "max",
        "or younger",
        "or fewer",
        "no mas de",
        "menor o igual a",
        "menor o igual que",
        "less than or equal to",
    ),
    "<": patterns(
        "<",
        "under",
        "less than",
        "fewer than",
        "younger than",
        "below",
        "menos de",
        "menores de",
        "menor de",
        "inferior a",
        "inferiores a",
        "por debajo de",
        "lower than",
        "menos que",
        "menor que",
        "debajo de",
        "menor a",
        "inferior al",
    ),
    "between": patterns("between", "entre"),
    "=": patterns("=", "exactly", "exactamente", "justo", "equal to", "igual a"),
}

DECADES: Final[dict[str, int]] = {
    w: n
    for n, words in {
        20: ("veinteaneros", "veinteaneras", "twentysomethings", "twenties"),
        30: ("treintaneros", "treintaneras", "treintones", "treintonas", "thirtysomethings", "thirties"),
        40: ("cuarentones", "cuarentonas", "cuarentaneros", "cuarentaneras", "fortysomethings", "forties"),
        50: ("cincuentones", "cincuentonas", "cincuentaneros", "cincuentaneras", "fifties"),
        60: ("sesentones", "sesentonas", "sixties"),
    }.items()
    for w in words
}
AGE_UNITS: Final = patterns("anos", "ano", "years old", "years", "year old", "yo", "y o", "de edad")
AGE_WORDS: Final = patterns("edad", "age", "aged", "tienen", "de edad")

# Contact fields named in words.
CONSENT_CHANNEL: Final[dict[str, tuple[Pattern, ...]]] = {
    "email_subscribed": patterns(
        "email",
        "emails",
        "e-mail",
        "mail",
        "correo",
        "correos",
        "newsletter",
        "newsletters",
        "boletin",
        "mailing",
        "mailings",
        "emailing",
    ),
    "sms_subscribed": patterns("sms", "mensajes de texto", "text messages", "texts"),
    "push_subscribed": patterns("push", "notificaciones push", "push notifications", "notificaciones"),
    "ads_consent": patterns(
        "anuncios",
        "publicidad",
        "ads",
        "advertising",
        "adverts",
        "publicitario",
        "ad",
        "audiencias",
        "retargeting",
        "custom audiences",
    ),
}
CONSENT_WORDS: Final = patterns(
    "suscrit*",
    "subscri*",
    "opted in",
    "opted-in",
    "opt-in",
    "opt in",
    "enabled",
    "activad*",
    "activas",
    "activos",
    "consentimiento",
    "consent",
    "consented",
    "acept*",
    "accept*",
    "permiso",
    "permission",
    "allowed",
    "on",
    "dados de alta",
    "dadas de alta",
    "alta",
)
COMPANY: Final = patterns(
    "b2b",
    "empresa",
    "empresas",
    "companies",
    "company",
    "business",
    "businesses",
    "corporate",
    "corporativos",
    "profesionales",
    "negocios",
)
PERSON_NOT_COMPANY: Final = patterns("particulares", "b2c", "individuals", "consumers", "consumidores")

# Order-metric words.
ORDER_WORDS: Final = patterns(
    "pedidos",
    "pedido",
    "orders",
    "order",
    "compras",
    "compra",
    "purchases",
    "purchase",
    "veces",
    "times",
    "transacciones",
    "transactions",
    "tickets",
)
# Per-order amounts (settled reading 14): "un pedido de más de 80 €", "over £200 in a single order".
ORDER_NOUNS: Final = patterns(
    "pedidos", "pedido", "orders", "order", "compras", "compra", "purchases", "purchase", "tickets",
    "ticket", "carritos", "baskets", "basket",
)
ORDER_AMOUNT_LINKS: Final = frozenset(
    "de del of worth por valor con un total a that was were with en".split()
)
SINGLE_ORDER: Final = patterns(
    "en un solo pedido", "en un unico pedido", "en un mismo pedido", "en un pedido", "en una sola compra",
    "en una compra", "en una unica compra", "de una vez", "de una sola vez", "in a single order",
    "in one order", "in a single purchase", "in one purchase", "in one go", "in a single transaction",
    "per order", "por pedido", "each order", "on a single order", "on one order",
)
UNIT_WORDS: Final = patterns(
    "bolsas",
    "bolsa",
    "bags",
    "bag",
    "packs",
    "pack",
    "paquetes",
    "paquete",
    "cajas",
    "caja",
    "boxes",
    "box",
    "botellas",
    "botella",
    "bottles",
    "bottle",
    "latas",
    "lata",
    "cans",
    "tins",
    "sacos",
    "saco",
    "unidades",
    "unidad",
    "units",
    "unit",
    "articulos",
    "items",
    "piezas",
    "pieces",
)
AOV_WORDS: Final = patterns(
    "ticket medio",
    "ticket promedio",
    "valor medio del pedido",
    "valor medio de pedido",
    "pedido medio",
    "gasto medio",
    "average order value",
    "average order",
    "aov",
    "avg order value",
    "average basket",
    "cesta media",
    "average ticket",
    "importe medio",
)
SPENT_WORDS: Final = patterns(
    "gasto total",
    "total gastado",
    "gastado",
    "total spent",
    "total spend",
    "lifetime value",
    "ltv",
    "clv",
    "facturacion",
    "spend",
    "spent",
    "gasto",
)
# Buyer words (settled reading 15): a count of completed orders of their own.
BUYER_WORDS: Final[dict[str, tuple[Pattern, ...]]] = {
    "repeat": patterns(
        "repeat buyers", "repeat customers", "repeat purchasers", "returning customers", "returning buyers",
        "recurring customers", "recurring buyers", "repetidores", "clientes repetidores",
        "compradores repetidores", "clientes recurrentes", "compradores recurrentes", "clientes fieles",
    ),
    "once": patterns(
        "one and done", "one and done customers", "one time buyers", "one time customers",
        "one off buyers", "one off customers", "single purchase customers", "compradores de una sola vez",
        "clientes de una sola compra", "compraron una sola vez", "solo compraron una vez",
    ),
}
# Churn words carry no window of their own: the request's window defines them (settled reading 15).
CHURN_WORDS: Final = patterns(
    "churned", "churn", "en churn", "lapsed", "dormidos", "dormidas", "inactivos", "inactivas", "inactive",
    "perdidos de vista", "lost customers", "clientes perdidos",
)
FIRST_PURCHASE: Final = patterns(
    "first timers",
    "first timer",
    "primerizos",
    "primera compra",
    "primer pedido",
    "first purchase",
    "first order",
    "primer compra",
    "first time buyers",
    "first - time buyers",
    "first time customers",
    "first - time customers",
    "new buyers",
    "compradores nuevos",
    "nuevos compradores",
    "compraron por primera vez",
    "bought for the first time",
    "first purchased",
    "compradores primerizos",
)
LAST_PURCHASE: Final = patterns(
    "ultima compra",
    "ultimo pedido",
    "last purchase",
    "last order",
    "most recent purchase",
    "most recent order",
    "latest order",
    "latest purchase",
)
CANCELLED: Final = patterns(
    "cancelados", "cancelado", "canceladas", "cancelled", "canceled", "anulados", "anuladas"
)
RETURNED_ORDER: Final = patterns("devueltos", "devueltas", "devuelto", "returned")
LATEST: Final = patterns(
    "ultimo",
    "ultima",
    "last",
    "latest",
    "most recent",
    "mas reciente",
    "el ultimo",
    "la ultima",
    "the last",
    "the latest",
    "the most recent",
)
DEVICES: Final[dict[str, tuple[Pattern, ...]]] = {
    "app": patterns("app", "la app", "the app", "aplicacion", "la aplicacion", "our app", "nuestra app"),
    "mobile": patterns("movil", "el movil", "mobile", "smartphone", "celular", "el celular", "phone"),
    "desktop": patterns(
        "desktop", "ordenador", "el ordenador", "pc", "computer", "computadora", "escritorio"
    ),
    "tablet": patterns("tablet", "la tablet", "tableta", "ipad"),
}
DEVICE_PREPS: Final = patterns("desde", "en", "from", "on", "via", "through", "con", "using", "por")
SAME_ORDER: Final = patterns(
    "en el mismo pedido",
    "en un mismo pedido",
    "en la misma compra",
    "en el mismo ticket",
    "in the same order",
    "in one order",
    "in a single order",
    "in the same purchase",
    "juntos",
    "together",
    "a la vez",
    "at the same time",
    "en el mismo carrito",
)
DAYS_AGO: Final = patterns("hace", "ago")

RFM_WORDS: Final = patterns("rfm")
RFM_SCORE_WORDS: Final[dict[str, tuple[Pattern, ...]]] = {
    "r": patterns("recency", "recencia", "r"),
    "f": patterns("frequency", "frecuencia", "f"),
    "m": patterns("monetary", "monetario", "valor monetario", "m"),
}
LEAD_SCORE: Final = patterns(
    "lead score",
    "lead scoring",
    "puntuacion de lead",
    "puntuacion lead",
    "puntuacion",
    "scoring",
    "score",
    "puntos",
    "points",
)

# The 11 named RFM segments (rfm_segments.sql) in both languages.
RFM_SEGMENTS: Final[dict[str, tuple[Pattern, ...]]] = {
    "Champions": patterns("champions", "champion", "campeones", "campeon", "campeonas"),
    "Loyal": patterns("loyal", "loyal customers", "leales", "leal", "fieles", "loyals"),
    "Potential Loyalist": patterns(
        "potential loyalist",
        "potential loyalists",
        "potencialmente leales",
        "potencialmente leal",
        "leales potenciales",
        "potenciales leales",
    ),
    "New Customers": patterns(
        "new customers",
        "nuevos clientes",
        "clientes nuevos",
        "nuevos",
        "recent customers",
    ),
    "Promising": patterns("promising", "prometedores", "prometedor", "prometedoras"),
    "Need Attention": patterns(
        "need attention",
        "needs attention",
        "necesitan atencion",
        "necesita atencion",
        "requieren atencion",
    ),
    "About To Sleep": patterns(
        "about to sleep",
        "a punto de dormirse",
        "a punto de dormir",
        "casi dormidos",
        "sleeping",
    ),
    "At Risk": patterns("at risk", "en riesgo", "at-risk"),
    "Can't Lose Them": patterns(
        "can't lose them",
        "cant lose them",
        "can t lose them",
        "cannot lose them",
        "no podemos perderlos",
        "no podemos perderles",
        "no los podemos perder",
    ),
    "Hibernating": patterns("hibernating", "hibernando", "hibernados", "hibernantes", "hibernate"),
    "Lost": patterns("lost", "perdidos", "perdidas", "lost customers", "clientes perdidos"),
}
SEGMENT_WORDS: Final = patterns("segmento", "segmentos", "segment", "segments", "rfm segment", "grupo")

QUESTION_COUNT: Final = patterns(
    "cuantos",
    "cuantas",
    "how many",
    "numero de",
    "number of",
    "count of",
    "count",
    "cuenta",
    "total de",
)
LIST_WORDS: Final = patterns(
    "dame",
    "muestrame",
    "mostrar",
    "lista",
    "listado",
    "show me",
    "show",
    "list",
    "give me",
    "find",
    "get",
    "busca",
    "encuentra",
    "quiero",
    "i want",
    "segmento de",
    "segment of",
)

CHANNEL_ONLINE: Final = patterns(
    "online",
    "on line",
    "en linea",
    "por internet",
    "en la web",
    "en la tienda online",
    "tienda online",
    "web",
    "website",
    "ecommerce",
    "e-commerce",
    "en la app",
    "app",
)
CHANNEL_STORE: Final = patterns(
    "en tienda",
    "en tiendas",
    "tienda fisica",
    "tiendas fisicas",
    "en la tienda",
    "in store",
    "in-store",
    "in stores",
    "in the store",
    "at the store",
    "physical store",
    "offline",
    "en el local",
    "instore",
)
STORE_WORDS: Final = patterns("tienda", "tiendas", "store", "stores", "shop", "local", "boutique")

MESSAGE_CHANNEL: Final[dict[str, tuple[Pattern, ...]]] = {
    "email": patterns(
        "email",
        "emails",
        "e-mail",
        "e-mails",
        "mail",
        "mails",
        "correo",
        "correos",
        "newsletter",
        "newsletters",
        "boletin",
        "boletines",
        "emailing",
    ),
    "sms": patterns("sms", "mensaje de texto", "mensajes de texto", "text message", "text messages", "texts"),
    "push": patterns(
        "push", "notificacion push", "notificaciones push", "push notification", "push notifications"
    ),
    "whatsapp": patterns("whatsapp", "whatsapps"),
    "web_content": patterns("web content", "contenido web", "banner", "banners", "pop-up", "popup"),
}
WORKFLOW_WORDS: Final = patterns(
    "workflow",
    "workflows",
    "flow",
    "flows",
    "flujo",
    "flujos",
    "automatizacion",
    "automatizaciones",
    "automation",
    "automations",
    "journey",
    "journeys",
    "campana",
    "campanas",
    "campaign",
    "campaigns",
    "serie",
    "series",
)
POSTAL_WORDS: Final = patterns(
    "codigo postal",
    "codigos postales",
    "cod postal",
    "postal code",
    "postal codes",
    "zip code",
    "zip codes",
    "zip",
    "postcode",
    "postcodes",
    "cp",
    "c p",
)
PREFIX_WORDS: Final = patterns(
    "empiece por",
    "empiecen por",
    "empieza por",
    "empiezan por",
    "comience por",
    "comiencen por",
    "comienza por",
    "que empiece con",
    "starting with",
    "starts with",
    "start with",
    "beginning with",
    "begins with",
    "begin with",
    "prefix",
    "prefijo",
    "por",
)
LANGUAGE_WORDS: Final = patterns(
    "idioma",
    "language",
    "lengua",
    "speaking",
    "speakers",
    "speak",
    "hablan",
    "habla",
    "hablantes",
)
REGION_WORDS: Final = patterns(
    "provincia",
    "province",
    "region",
    "state",
    "estado",
    "comunidad",
    "county",
    "departamento",
)
CITY_WORDS: Final = patterns("ciudad", "city", "town", "localidad", "municipio")
COUNTRY_WORDS: Final = patterns("pais", "country")
LOCATION_PREPS: Final = patterns(
    "de",
    "en",
    "in",
    "from",
    "desde",
    "del",
    "at",
    "of",
    "living in",
    "que viven en",
    "who live in",
    "based in",
    "residentes en",
)

SIGNUP_WORDS: Final = patterns(
    "se registraron",
    "registrados",
    "registradas",
    "se dieron de alta",
    "signed up",
    "sign up",
    "signups",
    "registered",
    "joined",
    "created",
    "creados",
    "altas",
    "nuevos contactos",
    "new contacts",
)
BIRTHDAY_WORDS: Final = patterns("cumpleanos", "cumplen anos", "birthday", "birthdays")

# Words that carry no condition in a request (beyond the language's function words).
# Words the grammar skips inside and around a phrase. Operator words (only, also, again, same,
# then, + and -: segmenta.assistant.reading.words) are never here: left unused they are asked about.
FILLER: Final = frozenset(
    """que quien quienes cual cuales los las el la lo le les un una unos unas de del al a en con por
    para y e o u su sus se ha han hay han sido fue fueron es son esta estan este esta estos estas
    ese esa algo alguna algun alguno algunos algunas cualquier todo toda todos todas mi mis nuestro
    nuestra nuestros nuestras tu tus ya just the a an of in on at to for with
    who that which whose whom have has had did do does been be is are was were their our my your any
    some all ever them they those these this it its from by as me dame muestrame show give list
    find get please por favor hola hi hello i we want quiero necesito need segmento segment producto
    productos product products articulo articulos item items cosa cosas thing things something
    anything ningun categoria category categorias categories marca brand marcas brands hay tienen
    tiene tengan whose cuya cuyo cuyos cuyas fue was sea being algun alguno alguna any anything
    ever alguna vez our nuestros we nosotros us hemos han sido but pero sino aunque though although
    and among amongst habia had carrito cart cesta basket ahora now igual
    ellos ellas esos esas estos estas entonces ok vale desde hace ago
    tenemos tengo tienen one ones uno una lo la le les it""".split()
)
