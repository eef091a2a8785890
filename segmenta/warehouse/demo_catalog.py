"""The fixed data of the demo shop: catalog, places, names, stores, workflows and campaigns.

The demo shop is a Spanish sports and outdoor retailer that also sells in Mexico. Everything here
is plain data (plus a few pure helpers), kept apart from the generator in ``demo.py`` so the
generator stays about behaviour and this module about what the shop sells and where.
"""

from __future__ import annotations

from dataclasses import dataclass

# category -> subcategory -> (name prefix, "Brand Model:price_eur" lines). Prices are list prices in EUR.
_CATALOG: dict[str, dict[str, tuple[str, str]]] = {
    "Fútbol": {
        "Botas": (
            "Botas de fútbol",
            """
            Nike Mercurial Vapor 16 Elite:279.99; Nike Phantom GX 2 Academy:89.99
            Adidas Predator Elite:249.99
            Adidas Copa Pure 2 League:79.99; Puma Future 7 Pro:139.99; Puma Ultra 5 Match:99.99
            Joma Aguila 2401:49.99; Kelme Feline FG:39.99; Mizuno Morelia Neo IV:219.99""",
        ),
        "Balones": (
            "Balón",
            """
            Adidas UCL Pro:149.99; Nike Flight Premier League:139.99; Puma Orbita LaLiga 1:129.99
            Joma Dali II:24.99; Kipsta F500:14.99; Adidas Tiro League:29.99""",
        ),
        "Camisetas": (
            "Camiseta",
            """
            Adidas Real Madrid 1ª equipación 24/25:99.99; Nike FC Barcelona 1ª equipación 24/25:99.99
            Nike Atlético de Madrid 1ª equipación 24/25:89.99; Adidas Selección España 2024:89.99
            Adidas Selección México 2024:89.99; Nike Club América 24/25:79.99
            Puma Chivas Guadalajara 24/25:79.99
            Kelme Entrenamiento Lince:19.99""",
        ),
        "Guantes de portero": (
            "Guantes de portero",
            """
            Adidas Predator GL Pro:89.99; Puma Future Match:34.99; Joma Premier:29.99
            Uhlsport Supergrip+:59.99""",
        ),
        "Espinilleras": (
            "Espinilleras",
            "Nike Mercurial Lite:19.99; Adidas Tiro Match:14.99; Joma Protec:9.99",
        ),
    },
    "Running": {
        "Zapatillas": (
            "Zapatillas",
            """
            Asics Gel-Nimbus 26:199.99; Asics Gel-Kayano 31:189.99; Asics Novablast 4:149.99
            Brooks Ghost 16:149.99; Brooks Glycerin 21:179.99; Hoka Clifton 9:149.99; Hoka Bondi 8:169.99
            Nike Pegasus 41:139.99; Nike Vaporfly 3:269.99; Adidas Adizero Boston 12:169.99
            Adidas Ultraboost Light:189.99; New Balance Fresh Foam 1080v14:179.99
            Saucony Endorphin Speed 4:179.99; Kalenji Run Active:34.99; Joma R.Hispalis:44.99""",
        ),
        "Relojes GPS": (
            "Reloj GPS",
            """
            Garmin Forerunner 165:249.99; Garmin Forerunner 265:349.99; Garmin Forerunner 965:599.99
            Garmin Fenix 8:999.99; Polar Pacer Pro:299.99; Polar Vantage V3:599.99; Coros Pace 3:229.99
            Suunto Race:449.99""",
        ),
        "Camisetas técnicas": (
            "Camiseta técnica",
            """
            Nike Dri-FIT Miler:34.99; Adidas Own the Run:29.99; Asics Core:24.99; Kalenji Dry+:9.99
            Puma Run Favorite:27.99""",
        ),
        "Mallas": (
            "Mallas",
            "Nike Dri-FIT Fast:44.99; Adidas Own the Run:39.99; Asics Core Tight:34.99; Kalenji Warm:14.99",
        ),
        "Calcetines": (
            "Calcetines",
            "Asics Performance pack 3:16.99; Nike Spark Lightweight:14.99; Kalenji Run500 pack 2:7.99",
        ),
        "Chaquetas cortavientos": (
            "Chaqueta cortavientos",
            "Nike Repel Impossibly Light:99.99; Asics Accelerate:89.99",
        ),
    },
    "Pádel": {
        "Palas": (
            "Pala",
            """
            Bullpadel Vertex 04:279.99; Bullpadel Hack 03:259.99; Nox AT10 Genius:299.99
            Head Delta Pro:229.99
            Adidas Metalbone 3.3:329.99; Babolat Technical Viper:269.99; Siux Diablo Revolution:219.99
            Star Vie Triton Pro:189.99; Head Evo Speed:79.99; Kuikma PR 560:59.99""",
        ),
        "Pelotas": (
            "Pelotas de pádel",
            "Head Padel Pro bote 3:7.99; Bullpadel Premium Pro bote 3:6.99; Wilson Padel Rush:5.99",
        ),
        "Zapatillas de pádel": (
            "Zapatillas de pádel",
            """
            Asics Gel-Padel Pro 5:99.99; Bullpadel Vertex Hybrid:89.99; Babolat Movea:109.99
            Joma Slam Men:49.99""",
        ),
        "Paleteros": ("Paletero", "Bullpadel Vertex:69.99; Nox AT Pro Cup:59.99; Head Tour Team:49.99"),
    },
    "Tenis": {
        "Raquetas": (
            "Raqueta",
            """
            Babolat Pure Aero:249.99; Babolat Pure Drive:239.99; Wilson Blade 98 v9:259.99
            Wilson Pro Staff 97:279.99; Head Speed MP:229.99; Head Radical MP:229.99; Yonex EZONE 100:249.99
            Artengo TR160:29.99""",
        ),
        "Pelotas": (
            "Pelotas de tenis",
            "Wilson US Open bote 4:7.99; Head Tour bote 4:8.99; Babolat Gold bote 4:6.99",
        ),
        "Zapatillas de tenis": (
            "Zapatillas de tenis",
            """
            Asics Gel-Resolution 9:139.99; Nike Vapor Pro 2:119.99; Adidas Barricade 13:149.99""",
        ),
        "Cordajes": ("Cordaje", "Babolat RPM Blast:17.99; Luxilon ALU Power:21.99"),
    },
    "Natación": {
        "Bañadores": (
            "Bañador",
            """
            Speedo Endurance+ Medalist:39.99; Arena Solid Swim Pro:34.99; Speedo Medley:24.99
            Arena Team Swim Short:29.99; Nabaiji Kamiye:12.99; Speedo Fastskin LZR Pure:349.99""",
        ),
        "Gafas": (
            "Gafas de natación",
            """
            Speedo Futura Biofuse:19.99; Arena Cobra Ultra Swipe:44.99; Speedo Fastskin Pure Focus:49.99
            Arena Python:14.99; Nabaiji Xbase:4.99""",
        ),
        "Gorros": (
            "Gorro de natación",
            "Speedo Plain Moulded:9.99; Arena Classic Silicone:8.99; Nabaiji Silicona:3.99",
        ),
        "Aletas": ("Aletas", "Arena Powerfin Pro:44.99; Speedo Fury Training:34.99"),
        "Toallas": ("Toalla de microfibra", "Nabaiji L:12.99; Speedo Microfibre:19.99"),
    },
    "Ciclismo": {
        "Cascos": (
            "Casco",
            """
            Giro Syntax MIPS:129.99; Giro Aries Spherical:299.99; Specialized Align II:59.99
            Abus Aduro 2.1:69.99; Van Rysel RCR:89.99; Giro Register:49.99""",
        ),
        "Culotes": (
            "Culotte",
            "Castelli Entrata:89.99; Gobik Absolute 4.0:139.99; Van Rysel Essential:24.99",
        ),
        "Maillots": ("Maillot", "Gobik CX Pro:99.99; Castelli Competizione:89.99; Van Rysel RC500:29.99"),
        "Zapatillas de ciclismo": (
            "Zapatillas de ciclismo",
            "Shimano RC3:109.99; Shimano RC7:229.99; Giro Cadet:179.99",
        ),
        "Pedales": ("Pedales", "Shimano 105 PD-R7000:109.99; Look Keo Classic 3:54.99"),
        "Ciclocomputadores": (
            "Ciclocomputador",
            """
            Garmin Edge 540:349.99; Garmin Edge 840:449.99; Wahoo ELEMNT Bolt:279.99
            Garmin Varia RTL515:199.99""",
        ),
    },
    "Montaña": {
        "Chaquetas": (
            "Chaqueta",
            """
            The North Face Quest:119.99; The North Face Summit Futurelight:399.99
            Columbia Watertight II:89.99
            Salomon Bonatti Waterproof:169.99; Patagonia Torrentshell 3L:179.99; Quechua MH500:59.99
            Columbia Powder Lite:129.99""",
        ),
        "Botas de montaña": (
            "Botas de montaña",
            """
            Salomon X Ultra 4 GTX:179.99; Merrell Moab 3 Mid GTX:159.99; La Sportiva TX4 Mid:229.99
            Columbia Newton Ridge Plus:99.99; Quechua MH500 Mid:79.99""",
        ),
        "Mochilas": (
            "Mochila",
            """
            Osprey Talon 22:139.99; Deuter Speed Lite 21:79.99; The North Face Borealis:99.99
            Quechua NH Arpenaz 20:14.99; Salomon Trailblazer 20:59.99""",
        ),
        "Zapatillas de trail": (
            "Zapatillas de trail",
            """
            Salomon Speedcross 6:149.99; Hoka Speedgoat 6:159.99; La Sportiva Bushido III:159.99
            Joma Sima:59.99""",
        ),
        "Bastones": (
            "Bastones",
            "Black Diamond Trail:99.99; Leki Makalu FX Carbon:139.99; Quechua MT500:29.99",
        ),
        "Tiendas de campaña": ("Tienda de campaña", "Quechua 2 Seconds Easy:119.99; Coleman Darwin 3:89.99"),
    },
    "Fitness": {
        "Mancuernas": (
            "Mancuernas",
            "Domyos ajustables 20 kg:69.99; Bowflex SelectTech 552:449.99; Domyos hexagonales 10 kg:39.99",
        ),
        "Kettlebells": ("Kettlebell", "Domyos 12 kg:34.99; Domyos 16 kg:44.99; Bulldog Gear 20 kg:89.99"),
        "Bandas elásticas": ("Bandas elásticas", "TheraBand set de 3:24.99; Domyos Training Band:9.99"),
        "Camisetas": (
            "Camiseta de entrenamiento",
            """
            Under Armour Tech 2.0:27.99; Nike Dri-FIT Legend:29.99; Puma Train Fav:24.99; Domyos 500:7.99""",
        ),
        "Sujetadores deportivos": (
            "Sujetador deportivo",
            """
            Nike Swoosh Medium Support:34.99; Adidas Powerreact:39.99; Under Armour Infinity Mid:44.99""",
        ),
        "Guantes": ("Guantes de gimnasio", "Harbinger Pro:29.99; Domyos 500:12.99"),
        "Combas": ("Comba", "Domyos Speed:9.99; Crossrope Get Lean:99.99"),
    },
    "Baloncesto": {
        "Balones": (
            "Balón de baloncesto",
            """
            Spalding TF-1000 Legacy:69.99; Wilson Evolution:79.99; Molten BG4500:69.99
            Wilson NBA Authentic Outdoor:34.99; Tarmak BT500:19.99""",
        ),
        "Zapatillas de baloncesto": (
            "Zapatillas de baloncesto",
            """
            Nike LeBron 21:199.99; Nike Giannis Freak 6:119.99; Adidas Dame 9:119.99
            Under Armour Curry 12:169.99; Puma MB.03:129.99""",
        ),
        "Camisetas": (
            "Camiseta",
            """
            Nike Los Angeles Lakers LeBron James:109.99; Adidas Real Madrid Baloncesto 24/25:69.99
            Nike Boston Celtics Jayson Tatum:109.99""",
        ),
        "Canastas": ("Canasta", "Spalding NBA Highlight:299.99; Tarmak B100 Easy:79.99"),
    },
    "Yoga": {
        "Esterillas": (
            "Esterilla",
            """
            Manduka PRO 6 mm:129.99; Liforme Travel:139.99; Domyos Essential 8 mm:14.99
            Gaiam Premium 6 mm:39.99; Lululemon The Mat 5 mm:98.99""",
        ),
        "Bloques": ("Bloque de yoga", "Manduka corcho:29.99; Gaiam Essentials:12.99; Domyos espuma:5.99"),
        "Leggings": (
            "Leggings",
            "Lululemon Align:98.99; Nike Yoga Luxe:64.99; Adidas Yoga Studio:49.99; Domyos 500:14.99",
        ),
        "Cojines de meditación": ("Cojín de meditación", "Manduka Enlight:69.99; Kimjaly Zafu:24.99"),
    },
}

# Brands whose name has more than one word (the rest are the first word of the model line).
_MULTIWORD_BRANDS = (
    "The North Face",
    "New Balance",
    "Under Armour",
    "La Sportiva",
    "Black Diamond",
    "Star Vie",
    "Van Rysel",
    "Bulldog Gear",
)


@dataclass(frozen=True)
class Product:
    """One catalog product: name in Spanish, category, subcategory, brand and list price in EUR."""

    product_id: str
    name: str
    category: str
    subcategory: str
    brand: str
    price: float


def split_brand(line: str) -> tuple[str, str]:
    """Split "Brand Model" into (brand, model), knowing the brands of more than one word.

    >>> split_brand("The North Face Quest")
    ('The North Face', 'Quest')
    >>> split_brand("Asics Gel-Nimbus 26")
    ('Asics', 'Gel-Nimbus 26')
    """
    for brand in _MULTIWORD_BRANDS:
        if line.startswith(brand + " "):
            return brand, line[len(brand) + 1 :]
    brand, _, model = line.partition(" ")
    return brand, model


def products() -> list[Product]:
    """The demo catalog, in a fixed order with ids P0001, P0002, ..."""
    out: list[Product] = []
    for category, subs in _CATALOG.items():
        for subcategory, (prefix, lines) in subs.items():
            for item in (x.strip() for chunk in lines.split("\n") for x in chunk.split(";")):
                if not item:
                    continue
                label, _, price = item.rpartition(":")
                brand, _model = split_brand(label)
                out.append(
                    Product(
                        f"P{len(out) + 1:04d}",
                        f"{prefix} {label}",
                        category,
                        subcategory,
                        brand,
                        float(price),
                    )
                )
    return out


CATEGORIES: tuple[str, ...] = tuple(_CATALOG)

# Relative demand per category and calendar month (Jan..Dec): swimming and mountain peak in
# summer, football at the back-to-season (August, September), fitness and running in January.
SEASON: dict[str, tuple[float, ...]] = {
    "Fútbol": (0.8, 0.8, 0.8, 0.8, 0.8, 0.7, 0.9, 1.8, 1.9, 1.1, 1.0, 1.3),
    "Running": (1.6, 1.2, 1.3, 1.3, 1.1, 0.9, 0.8, 0.8, 1.2, 1.3, 1.1, 1.2),
    "Pádel": (0.8, 0.8, 1.0, 1.2, 1.4, 1.4, 1.2, 1.0, 1.1, 1.0, 0.9, 1.1),
    "Tenis": (0.7, 0.8, 1.0, 1.3, 1.4, 1.4, 1.2, 0.9, 1.0, 0.9, 0.8, 1.0),
    "Natación": (0.4, 0.4, 0.6, 0.9, 1.6, 2.6, 2.8, 2.0, 0.8, 0.5, 0.4, 0.6),
    "Ciclismo": (0.7, 0.8, 1.1, 1.4, 1.5, 1.4, 1.2, 1.0, 1.0, 0.9, 0.8, 1.1),
    "Montaña": (0.8, 0.8, 0.9, 1.0, 1.2, 1.5, 1.6, 1.4, 1.0, 1.2, 1.3, 1.4),
    "Fitness": (2.0, 1.5, 1.1, 1.0, 1.0, 0.8, 0.7, 0.7, 1.3, 1.1, 1.0, 1.1),
    "Baloncesto": (1.0, 0.9, 0.9, 0.9, 0.9, 0.8, 0.7, 0.8, 1.0, 1.2, 1.2, 1.4),
    "Yoga": (1.6, 1.2, 1.0, 1.0, 1.0, 0.9, 0.8, 0.8, 1.3, 1.0, 0.9, 1.0),
}

# How many contacts favour each category (relative).
CATEGORY_POPULARITY: dict[str, float] = {
    "Fútbol": 1.6,
    "Running": 1.7,
    "Pádel": 1.1,
    "Tenis": 0.6,
    "Natación": 0.8,
    "Ciclismo": 0.8,
    "Montaña": 1.1,
    "Fitness": 1.0,
    "Baloncesto": 0.5,
    "Yoga": 0.5,
}


@dataclass(frozen=True)
class City:
    """A city where contacts live: region, country, postal-code prefix and relative population."""

    name: str
    region: str
    country: str
    postal_prefix: str
    weight: float
    catalan: bool = False


CITIES: tuple[City, ...] = (
    City("Madrid", "Madrid", "ES", "28", 12.0),
    City("Barcelona", "Barcelona", "ES", "08", 9.0, True),
    City("Valencia", "Valencia", "ES", "46", 4.5),
    City("Sevilla", "Sevilla", "ES", "41", 3.5),
    City("Zaragoza", "Zaragoza", "ES", "50", 2.5),
    City("Málaga", "Málaga", "ES", "29", 2.5),
    City("Bilbao", "Bizkaia", "ES", "48", 2.0),
    City("Alicante", "Alicante", "ES", "03", 1.8),
    City("Murcia", "Murcia", "ES", "30", 1.8),
    City("Palma", "Illes Balears", "ES", "07", 1.5),
    City("Las Palmas de Gran Canaria", "Las Palmas", "ES", "35", 1.3),
    City("Valladolid", "Valladolid", "ES", "47", 1.1),
    City("Vigo", "Pontevedra", "ES", "36", 1.1),
    City("Gijón", "Asturias", "ES", "33", 1.0),
    City("A Coruña", "A Coruña", "ES", "15", 1.0),
    City("Granada", "Granada", "ES", "18", 1.0),
    City("Vitoria-Gasteiz", "Araba", "ES", "01", 0.9),
    City("Pamplona", "Navarra", "ES", "31", 0.8),
    City("Donostia-San Sebastián", "Gipuzkoa", "ES", "20", 0.8),
    City("Girona", "Girona", "ES", "17", 0.6, True),
    City("Sabadell", "Barcelona", "ES", "08", 0.8, True),
    City("Albacete", "Albacete", "ES", "02", 0.5),
    City("Santander", "Cantabria", "ES", "39", 0.6),
    City("Córdoba", "Córdoba", "ES", "14", 1.0),
    City("Ciudad de México", "Ciudad de México", "MX", "0", 9.0),
    City("Guadalajara", "Jalisco", "MX", "44", 3.5),
    City("Monterrey", "Nuevo León", "MX", "64", 3.0),
    City("Puebla", "Puebla", "MX", "72", 1.5),
    City("Querétaro", "Querétaro", "MX", "76", 1.0),
    City("Mérida", "Yucatán", "MX", "97", 0.9),
    City("Tijuana", "Baja California", "MX", "22", 1.0),
    City("León", "Guanajuato", "MX", "37", 0.9),
    City("Cancún", "Quintana Roo", "MX", "77", 0.7),
    City("Lisboa", "Lisboa", "PT", "1", 0.5),
    City("Porto", "Porto", "PT", "4", 0.3),
    City("Paris", "Île-de-France", "FR", "75", 0.3),
    City("Toulouse", "Occitanie", "FR", "31", 0.2),
    City("Miami", "Florida", "US", "331", 0.2),
    City("Houston", "Texas", "US", "770", 0.2),
)

# Physical stores: (store name, city name).
STORES: tuple[tuple[str, str], ...] = (
    ("Madrid Castellana", "Madrid"),
    ("Madrid Plenilunio", "Madrid"),
    ("Barcelona Diagonal", "Barcelona"),
    ("Valencia Aragón", "Valencia"),
    ("Sevilla Nervión", "Sevilla"),
    ("Bilbao Zubiarte", "Bilbao"),
    ("Málaga Larios", "Málaga"),
    ("CDMX Polanco", "Ciudad de México"),
    ("CDMX Santa Fe", "Ciudad de México"),
    ("Guadalajara Andares", "Guadalajara"),
    ("Monterrey Valle Oriente", "Monterrey"),
)

MALE_ES = (
    "Antonio",
    "Manuel",
    "José",
    "Francisco",
    "David",
    "Juan",
    "Javier",
    "Daniel",
    "Carlos",
    "Jesús",
    "Alejandro",
    "Miguel",
    "Rafael",
    "Pablo",
    "Sergio",
    "Fernando",
    "Jorge",
    "Álvaro",
    "Adrián",
    "Diego",
    "Iván",
    "Rubén",
    "Óscar",
    "Hugo",
    "Marc",
    "Jordi",
    "Iñaki",
    "Raúl",
    "Víctor",
    "Mario",
)
FEMALE_ES = (
    "María",
    "Carmen",
    "Ana",
    "Laura",
    "Isabel",
    "Lucía",
    "Marta",
    "Cristina",
    "Paula",
    "Elena",
    "Sara",
    "Raquel",
    "Patricia",
    "Irene",
    "Andrea",
    "Sofía",
    "Alba",
    "Nuria",
    "Silvia",
    "Beatriz",
    "Claudia",
    "Marina",
    "Noelia",
    "Inés",
    "Rocío",
    "Montserrat",
    "Núria",
    "Ainhoa",
    "Julia",
    "Eva",
)
MALE_MX = (
    "José Luis",
    "Juan Carlos",
    "Luis",
    "Eduardo",
    "Ricardo",
    "Arturo",
    "Alejandro",
    "Jesús",
    "Roberto",
    "Fernando",
    "Emiliano",
    "Santiago",
    "Mateo",
    "Diego",
    "Héctor",
    "Gerardo",
    "Iker",
    "Rodrigo",
    "Leonardo",
    "Jorge",
)
FEMALE_MX = (
    "Guadalupe",
    "María José",
    "Mariana",
    "Ximena",
    "Fernanda",
    "Valeria",
    "Daniela",
    "Gabriela",
    "Alejandra",
    "Verónica",
    "Sofía",
    "Regina",
    "Camila",
    "Itzel",
    "Andrea",
    "Lupita",
    "Paola",
    "Renata",
    "Karla",
    "Adriana",
)
SURNAMES = (
    "García",
    "Rodríguez",
    "González",
    "Fernández",
    "López",
    "Martínez",
    "Sánchez",
    "Pérez",
    "Gómez",
    "Martín",
    "Jiménez",
    "Ruiz",
    "Hernández",
    "Díaz",
    "Moreno",
    "Muñoz",
    "Álvarez",
    "Romero",
    "Alonso",
    "Gutiérrez",
    "Navarro",
    "Torres",
    "Domínguez",
    "Vázquez",
    "Ramos",
    "Gil",
    "Ramírez",
    "Serrano",
    "Blanco",
    "Molina",
    "Morales",
    "Suárez",
    "Ortega",
    "Delgado",
    "Castro",
    "Ortiz",
    "Rubio",
    "Marín",
    "Sanz",
    "Núñez",
    "Iglesias",
    "Medina",
    "Garrido",
    "Cortés",
    "Castillo",
    "Santos",
    "Lozano",
    "Guerrero",
    "Cano",
    "Prieto",
    "Méndez",
    "Cruz",
    "Flores",
    "Reyes",
    "Aguilar",
    "Vargas",
    "Mendoza",
    "Chávez",
    "Rojas",
    "Ibáñez",
    "Peña",
    "Soto",
    "Vega",
    "Campos",
    "Fuentes",
)
EMAIL_DOMAINS_ES = (
    "gmail.com",
    "hotmail.com",
    "yahoo.es",
    "outlook.es",
    "hotmail.es",
    "icloud.com",
    "telefonica.net",
)
EMAIL_DOMAINS_MX = (
    "gmail.com",
    "hotmail.com",
    "yahoo.com.mx",
    "outlook.com",
    "prodigy.net.mx",
    "live.com.mx",
)

# Workflows: (workflow_id, name, status, days after the data start when it was created).
WORKFLOWS: tuple[tuple[str, str, str, int], ...] = (
    ("W01", "Bienvenida", "active", 0),
    ("W02", "Carrito abandonado", "active", 0),
    ("W03", "Recuperación de clientes", "active", 60),
    ("W04", "Cumpleaños", "active", 90),
    ("W05", "Encuesta post-compra", "active", 120),
    ("W06", "Reposición", "paused", 200),
    ("W07", "Navegación abandonada", "active", 400),
    ("W08", "Lanzamiento colección pádel", "draft", 1050),
)

# Online traffic and order attribution: (utm_source, utm_medium, relative weight).
UTM_SOURCES: tuple[tuple[str, str, float], ...] = (
    ("google", "cpc", 4.0),
    ("facebook", "paid_social", 2.0),
    ("instagram", "paid_social", 2.0),
    ("newsletter", "email", 2.5),
    ("tiktok", "paid_social", 0.8),
    ("google", "organic", 1.5),
    ("awin", "affiliate", 0.6),
)
UTM_CAMPAIGNS = (
    "rebajas_invierno",
    "running_primavera",
    "verano",
    "vuelta_al_cole",
    "black_friday",
    "navidad",
    "siempre_activo",
)

SEARCH_EXTRA = (
    "zapatillas running",
    "botas futbol",
    "pala padel",
    "reloj gps",
    "bañador",
    "gafas natacion",
    "casco bici",
    "chaqueta montaña",
    "esterilla yoga",
    "camiseta real madrid",
    "mochila",
    "balon",
    "regalo",
    "ofertas",
    "black friday",
    "tallas grandes",
    "mujer",
    "niño",
)


def typo(word: str, k: int) -> str:
    """A deterministic misspelling of ``word`` (kind ``k`` mod 3: drop, swap or double a letter).

    >>> typo("garmin", 0), typo("garmin", 1), typo("garmin", 2)
    ('garin', 'gamrin', 'garmmin')
    """
    if len(word) < 4:
        return word
    i = len(word) // 2
    kind = k % 3
    if kind == 0:
        return word[:i] + word[i + 1 :]
    if kind == 1:
        return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]
    return word[:i] + word[i] + word[i:]


def search_terms(catalog: list[Product]) -> list[str]:
    """What visitors type in the search box: brands, models, subcategories, in mixed case, some misspelt."""
    base: list[str] = []
    for p in catalog:
        brand, model = split_brand(_label(p))
        base += [brand.lower(), f"{p.subcategory.lower()} {brand.lower()}", model.lower()]
    base += list(SEARCH_EXTRA)
    unique = list(dict.fromkeys(base))
    out = list(unique)
    out += [t.title() for t in unique[::3]] + [t.upper() for t in unique[::11]]
    out += [typo(t, i) for i, t in enumerate(unique[::4])]
    return list(dict.fromkeys(out))


def _label(p: Product) -> str:
    """The "Brand Model" part of a product name."""
    i = p.name.find(p.brand + " ")
    return p.name[i:] if i >= 0 else p.name
