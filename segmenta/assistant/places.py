"""Country and language names in Spanish and English, mapped to the codes the warehouse stores.

Contacts keep ``country`` as ISO 3166-1 alpha-2 (``ES``, ``MX``) and ``language`` as ISO 639-1
(``es``, ``pt``), while marketers write "España", "Mexico", "EEUU", "clientes mexicanos",
"hispanohablantes" or "que hablan inglés". This module turns those words into codes; whether the
shop has any contact there is the catalog's business (``Catalog.link``). Names are matched
folded (case and accents ignored), with the usual lead-ins ("en", "de", "from", "in") dropped.
"""

from __future__ import annotations

from functools import lru_cache

from segmenta.assistant.text import fold

# code: the Spanish name, the English name, other names | demonyms (plural and singular)
_COUNTRIES: dict[str, str] = {
    # Europe
    "ES": "España, Spain, Reino de España | español, española, españoles, españolas, Spaniard, Spaniards",
    "PT": "Portugal | portugués, portuguesa, portugueses, portuguesas, Portuguese",
    "FR": "Francia, France | francés, francesa, franceses, francesas, French, Frenchman",
    "DE": "Alemania, Germany, Deutschland | alemán, alemana, alemanes, alemanas, German, Germans",
    "IT": "Italia, Italy | italiano, italiana, italianos, italianas, Italian, Italians",
    "GB": "Reino Unido, United Kingdom, UK, U.K., Gran Bretaña, Great Britain, Britain, Inglaterra, England, "
    "Escocia, Scotland, Gales, Wales | británico, británica, británicos, británicas, British, Briton, "
    "inglés, inglesa, ingleses, English",
    "IE": "Irlanda, Ireland, Eire, Éire, República de Irlanda, Republic of Ireland, ROI | irlandés, "
    "irlandesa, irlandeses, Irish",
    "NL": "Países Bajos, Netherlands, The Netherlands, Holanda, Holland | neerlandés, holandés, holandesa, "
    "holandeses, Dutch",
    "BE": "Bélgica, Belgium | belga, belgas, Belgian, Belgians",
    "LU": "Luxemburgo, Luxembourg | luxemburgués, luxemburgueses, Luxembourger",
    "CH": "Suiza, Switzerland | suizo, suiza, suizos, Swiss",
    "AT": "Austria | austriaco, austríaco, austriacos, austríacos, Austrian, Austrians",
    "DK": "Dinamarca, Denmark | danés, danesa, daneses, Danish, Danes",
    "NO": "Noruega, Norway | noruego, noruega, noruegos, Norwegian, Norwegians",
    "SE": "Suecia, Sweden | sueco, sueca, suecos, Swedish, Swedes",
    "FI": "Finlandia, Finland | finlandés, finlandesa, finlandeses, Finnish, Finns",
    "IS": "Islandia, Iceland | islandés, islandeses, Icelandic, Icelanders",
    "PL": "Polonia, Poland | polaco, polaca, polacos, Polish, Poles",
    "CZ": "República Checa, Czech Republic, Chequia, Czechia | checo, checa, checos, Czech, Czechs",
    "SK": "Eslovaquia, Slovakia | eslovaco, eslovacos, Slovak, Slovakian",
    "HU": "Hungría, Hungary | húngaro, húngara, húngaros, Hungarian, Hungarians",
    "RO": "Rumanía, Romania, Rumania | rumano, rumana, rumanos, Romanian, Romanians",
    "BG": "Bulgaria | búlgaro, búlgara, búlgaros, Bulgarian, Bulgarians",
    "GR": "Grecia, Greece | griego, griega, griegos, Greek, Greeks",
    "CY": "Chipre, Cyprus | chipriota, chipriotas, Cypriot, Cypriots",
    "MT": "Malta | maltés, malteses, Maltese",
    "HR": "Croacia, Croatia | croata, croatas, Croatian, Croats",
    "SI": "Eslovenia, Slovenia | esloveno, eslovenos, Slovenian, Slovenes",
    "RS": "Serbia | serbio, serbia, serbios, Serbian, Serbs",
    "BA": "Bosnia y Herzegovina, Bosnia and Herzegovina, Bosnia | bosnio, bosnios, Bosnian",
    "ME": "Montenegro | montenegrino, montenegrinos, Montenegrin",
    "MK": "Macedonia del Norte, North Macedonia, Macedonia | macedonio, macedonios, Macedonian",
    "AL": "Albania | albanés, albaneses, Albanian, Albanians",
    "XK": "Kosovo | kosovar, kosovares, Kosovar",
    "EE": "Estonia | estonio, estonia, estonios, Estonian, Estonians",
    "LV": "Letonia, Latvia | letón, letones, Latvian, Latvians",
    "LT": "Lituania, Lithuania | lituano, lituanos, Lithuanian, Lithuanians",
    "UA": "Ucrania, Ukraine | ucraniano, ucraniana, ucranianos, Ukrainian, Ukrainians",
    "BY": "Bielorrusia, Belarus | bielorruso, bielorrusos, Belarusian",
    "MD": "Moldavia, Moldova | moldavo, moldavos, Moldovan",
    "RU": "Rusia, Russia, Russian Federation | ruso, rusa, rusos, rusas, Russian, Russians",
    "AD": "Andorra | andorrano, andorranos, Andorran",
    "MC": "Mónaco, Monaco | monegasco, monegascos, Monegasque",
    "SM": "San Marino | sanmarinense, Sammarinese",
    "VA": "Ciudad del Vaticano, Vatican City, Vaticano, Vatican, Holy See |",
    "LI": "Liechtenstein | Liechtensteiner",
    "GI": "Gibraltar | gibraltareño, gibraltareños, Gibraltarian",
    "TR": "Turquía, Turkey, Türkiye | turco, turca, turcos, Turkish, Turks",
    "GE": "Georgia | georgiano, georgianos, Georgian, Georgians",
    "AM": "Armenia | armenio, armenios, Armenian, Armenians",
    "AZ": "Azerbaiyán, Azerbaijan | azerbaiyano, azerbaiyanos, Azerbaijani",
    # Americas
    "US": "Estados Unidos, United States, EEUU, EE.UU., EE UU, EUA, USA, U.S.A., US, U.S., "
    "United States of America, America | estadounidense, estadounidenses, norteamericano, "
    "norteamericanos, American, Americans",
    "CA": "Canadá, Canada | canadiense, canadienses, Canadian, Canadians",
    "MX": "México, Mexico, Méjico, Estados Unidos Mexicanos | mexicano, mexicana, mexicanos, mexicanas, "
    "Mexican, Mexicans",
    "GT": "Guatemala | guatemalteco, guatemaltecos, Guatemalan",
    "BZ": "Belice, Belize | beliceño, beliceños, Belizean",
    "HN": "Honduras | hondureño, hondureños, Honduran",
    "SV": "El Salvador | salvadoreño, salvadoreña, salvadoreños, Salvadoran",
    "NI": "Nicaragua | nicaragüense, nicaragüenses, Nicaraguan",
    "CR": "Costa Rica | costarricense, costarricenses, tico, ticos, Costa Rican",
    "PA": "Panamá, Panama | panameño, panameña, panameños, Panamanian",
    "CU": "Cuba | cubano, cubana, cubanos, Cuban, Cubans",
    "DO": "República Dominicana, Dominican Republic | dominicano, dominicana, dominicanos, Dominican",
    "PR": "Puerto Rico | puertorriqueño, puertorriqueña, puertorriqueños, boricua, Puerto Rican",
    "HT": "Haití, Haiti | haitiano, haitianos, Haitian",
    "JM": "Jamaica | jamaicano, jamaiquino, jamaicanos, Jamaican",
    "TT": "Trinidad y Tobago, Trinidad and Tobago | trinitense, Trinidadian",
    "BS": "Bahamas, The Bahamas, Las Bahamas | bahameño, Bahamian",
    "BB": "Barbados | barbadense, Barbadian",
    "CO": "Colombia | colombiano, colombiana, colombianos, colombianas, Colombian, Colombians",
    "VE": "Venezuela | venezolano, venezolana, venezolanos, Venezuelan, Venezuelans",
    "EC": "Ecuador | ecuatoriano, ecuatoriana, ecuatorianos, Ecuadorian, Ecuadorians",
    "PE": "Perú, Peru | peruano, peruana, peruanos, peruanas, Peruvian, Peruvians",
    "BO": "Bolivia | boliviano, boliviana, bolivianos, Bolivian, Bolivians",
    "CL": "Chile | chileno, chilena, chilenos, chilenas, Chilean, Chileans",
    "AR": "Argentina | argentino, argentina, argentinos, argentinas, Argentine, Argentinian, Argentines",
    "UY": "Uruguay | uruguayo, uruguaya, uruguayos, Uruguayan, Uruguayans",
    "PY": "Paraguay | paraguayo, paraguaya, paraguayos, Paraguayan, Paraguayans",
    "BR": "Brasil, Brazil | brasileño, brasileña, brasileños, brasileñas, Brazilian, Brazilians",
    "GY": "Guyana | guyanés, guyaneses, Guyanese",
    "SR": "Surinam, Suriname | surinamés, Surinamese",
    "GF": "Guayana Francesa, French Guiana |",
    # Africa, Asia, Oceania: the major markets
    "MA": "Marruecos, Morocco | marroquí, marroquíes, Moroccan, Moroccans",
    "DZ": "Argelia, Algeria | argelino, argelinos, Algerian, Algerians",
    "TN": "Túnez, Tunisia | tunecino, tunecinos, Tunisian",
    "EG": "Egipto, Egypt | egipcio, egipcios, Egyptian, Egyptians",
    "ZA": "Sudáfrica, South Africa | sudafricano, sudafricanos, South African",
    "NG": "Nigeria | nigeriano, nigerianos, Nigerian, Nigerians",
    "KE": "Kenia, Kenya | keniano, kenianos, Kenyan, Kenyans",
    "SN": "Senegal | senegalés, senegaleses, Senegalese",
    "GQ": "Guinea Ecuatorial, Equatorial Guinea | ecuatoguineano, ecuatoguineanos, Equatoguinean",
    "IL": "Israel | israelí, israelíes, Israeli, Israelis",
    "SA": "Arabia Saudí, Saudi Arabia, Arabia Saudita | saudí, saudíes, Saudi, Saudis",
    "AE": "Emiratos Árabes Unidos, United Arab Emirates, Emiratos, UAE | emiratí, emiratíes, Emirati",
    "QA": "Catar, Qatar | catarí, cataríes, Qatari",
    "IN": "India | indio, india, indios, hindú, Indian, Indians",
    "PK": "Pakistán, Pakistan | pakistaní, pakistaníes, Pakistani",
    "CN": "China | chino, china, chinos, Chinese",
    "HK": "Hong Kong |",
    "TW": "Taiwán, Taiwan | taiwanés, taiwaneses, Taiwanese",
    "JP": "Japón, Japan | japonés, japonesa, japoneses, Japanese",
    "KR": "Corea del Sur, South Korea, Corea, Korea | coreano, coreana, coreanos, Korean, Koreans",
    "SG": "Singapur, Singapore | singapurense, Singaporean",
    "TH": "Tailandia, Thailand | tailandés, tailandeses, Thai",
    "VN": "Vietnam | vietnamita, vietnamitas, Vietnamese",
    "PH": "Filipinas, Philippines | filipino, filipina, filipinos, Filipino, Filipinos",
    "ID": "Indonesia | indonesio, indonesios, Indonesian, Indonesians",
    "MY": "Malasia, Malaysia | malasio, malayo, Malaysian",
    "AU": "Australia | australiano, australiana, australianos, Australian, Australians",
    "NZ": "Nueva Zelanda, New Zealand | neozelandés, neozelandeses, New Zealander, Kiwi",
}

# code: language names (Spanish and English) | speakers ("hispanohablantes", "Spanish-speaking")
_LANGUAGES: dict[str, str] = {
    "es": "español, castellano, Spanish, Castilian | hispanohablante, hispanohablantes, hispanoparlante, "
    "hispanoparlantes, hispano, hispanos, Spanish speaking, Spanish speaker, Spanish speakers, "
    "Hispanic",
    "en": "inglés, English | angloparlante, angloparlantes, anglohablante, anglohablantes, anglófono, "
    "anglófonos, English speaking, English speaker, English speakers, anglophone",
    "pt": "portugués, Portuguese | lusohablante, lusohablantes, lusófono, lusófonos, Portuguese speaking, "
    "Portuguese speakers, lusophone",
    "fr": "francés, French | francófono, francófonos, francoparlante, francoparlantes, French speaking, "
    "French speakers, francophone",
    "de": "alemán, German | germanohablante, germanohablantes, germanoparlantes, German speaking, "
    "German speakers",
    "it": "italiano, Italian | italoparlante, italoparlantes, italohablantes, Italian speaking, "
    "Italian speakers",
    "ca": "catalán, català, Catalan, valenciano, Valencian | catalanohablante, catalanohablantes, "
    "catalanoparlante, catalanoparlantes, Catalan speaking, Catalan speakers",
    "eu": "euskera, euskara, vasco, Basque | vascohablante, vascoparlantes, euskaldún, euskaldunes, "
    "Basque speaking, Basque speakers",
    "gl": "gallego, galego, Galician | galegofalante, gallegohablantes, gallegoparlantes, Galician speaking",
    "nl": "neerlandés, holandés, Dutch, Flemish, flamenco | neerlandófono, Dutch speaking, Dutch speakers",
    "sv": "sueco, Swedish | Swedish speaking",
    "da": "danés, Danish | Danish speaking",
    "no": "noruego, Norwegian | Norwegian speaking",
    "fi": "finés, finlandés, Finnish | Finnish speaking",
    "pl": "polaco, Polish | Polish speaking",
    "cs": "checo, Czech | Czech speaking",
    "hu": "húngaro, Hungarian | Hungarian speaking",
    "ro": "rumano, Romanian | Romanian speaking, rumanohablantes",
    "el": "griego, Greek | Greek speaking",
    "ru": "ruso, Russian | rusohablante, rusohablantes, rusoparlantes, Russian speaking, Russian speakers",
    "uk": "ucraniano, Ukrainian | Ukrainian speaking",
    "tr": "turco, Turkish | Turkish speaking",
    "ar": "árabe, Arabic | arabófono, arabófonos, arabehablantes, Arabic speaking, Arabic speakers",
    "he": "hebreo, Hebrew | Hebrew speaking",
    "hi": "hindi, Hindi | Hindi speaking",
    "zh": "chino, mandarín, Chinese, Mandarin | sinohablantes, Chinese speaking, Chinese speakers",
    "ja": "japonés, Japanese | Japanese speaking",
    "ko": "coreano, Korean | Korean speaking",
    "vi": "vietnamita, Vietnamese | Vietnamese speaking",
    "id": "indonesio, Indonesian | Indonesian speaking",
    "qu": "quechua, Quechua | quechuahablantes",
    "gn": "guaraní, Guarani | guaranihablantes",
}

_LEAD_INS = (
    "en el ",
    "en la ",
    "en los ",
    "en ",
    "de la ",
    "del ",
    "de los ",
    "de ",
    "desde ",
    "from the ",
    "from ",
    "in the ",
    "in ",
    "the ",
    "la ",
    "el ",
    "los ",
    "las ",
    "que hablan ",
    "hablan ",
    "who speak ",
    "speak ",
    "speaking ",
    "speakers of ",
    "hablantes de ",
    "idioma ",
    "lengua ",
    "language ",
)
_TAILS = (" speaking", " speakers", " speaker", " hablantes", " language", " idioma")


def _entries(table: dict[str, str]) -> list[tuple[str, list[str], list[str]]]:
    out = []
    for code, text in table.items():
        names, _, demonyms = text.partition("|")
        out.append(
            (
                code,
                [n.strip() for n in names.split(",") if n.strip()],
                [d.strip() for d in demonyms.split(",") if d.strip()],
            )
        )
    return out


def strip_lead_ins(phrase: str) -> str:
    """The phrase without the lead-in words of a place ("en", "de", "from", "in")."""
    return _key(phrase)


def _key(phrase: str) -> str:
    """The folded phrase without its lead-in words, dots joined (``EE.UU.`` -> ``eeuu``)."""
    s = " ".join(fold(phrase.replace(".", "")).split())
    changed = True
    while changed:
        changed = False
        for lead in _LEAD_INS:
            if s.startswith(lead) and len(s) > len(lead):
                s = s[len(lead) :]
                changed = True
    return s


@lru_cache(maxsize=1)
def _country_index() -> tuple[dict[str, str], dict[str, str]]:
    names: dict[str, str] = {}
    demonyms: dict[str, str] = {}
    for code, ns, ds in _entries(_COUNTRIES):
        for n in ns:
            names.setdefault(_key(n), code)
        for d in ds:
            demonyms.setdefault(_key(d), code)
    return names, demonyms


@lru_cache(maxsize=1)
def _language_index() -> dict[str, str]:
    out: dict[str, str] = {}
    for code, ns, ds in _entries(_LANGUAGES):
        for n in (*ns, *ds):
            out.setdefault(_key(n), code)
    return out


def country_code(phrase: str, demonyms: bool = True) -> str | None:
    """The ISO 3166-1 alpha-2 code a country name (or, with ``demonyms``, a nationality) names.

    >>> country_code("España"), country_code("EE.UU."), country_code("en México"), country_code("UK")
    ('ES', 'US', 'MX', 'GB')
    >>> country_code("clientes"), country_code("mexicanos"), country_code("mexicanos", demonyms=False)
    (None, 'MX', None)
    """
    names, dems = _country_index()
    key = _key(phrase)
    if key in names:
        return names[key]
    return dems.get(key) if demonyms else None


def is_country_name(phrase: str) -> bool:
    """Whether the phrase is a country's name (not a nationality): "México" yes, "mexicanos" no."""
    return country_code(phrase, demonyms=False) is not None


def language_code(phrase: str) -> str | None:
    """The ISO 639-1 code a language name or its speakers name.

    >>> language_code("hispanohablantes"), language_code("Spanish-speaking"), language_code("en español")
    ('es', 'es', 'es')
    >>> language_code("inglés"), language_code("portugués"), language_code("catalán"), language_code("Madrid")
    ('en', 'pt', 'ca', None)
    """
    index = _language_index()
    key = _key(phrase)
    if key in index:
        return index[key]
    for tail in _TAILS:
        if key.endswith(tail) and key[: -len(tail)] in index:
            return index[key[: -len(tail)]]
    return None


def country_name(code: str, lang: str = "es") -> str:
    """The usual name of a country code in the language (the code itself when unknown)."""
    for c, ns, _ in _entries(_COUNTRIES):
        if c == code.upper():
            return ns[0] if lang == "es" or len(ns) < 2 else ns[1]
    return code


def language_name(code: str, lang: str = "es") -> str:
    """The usual name of a language code in the language (the code itself when unknown)."""
    for c, ns, _ in _entries(_LANGUAGES):
        if c == code.lower():
            return ns[0] if lang == "es" else next((n for n in ns if n[:1].isupper()), ns[0])
    return code


# Regions (and constituent countries) named differently in Spanish and English. A shop stores one
# name; the request may use another, and a region inside a country beats the country it is in.
_REGIONS = [
    "Escocia, Scotland",
    "Inglaterra, England",
    "Gales, Wales",
    "Irlanda del Norte, Northern Ireland",
    "Cataluña, Catalunya, Catalonia",
    "Andalucía, Andalusia",
    "País Vasco, Euskadi, Basque Country",
    "Comunidad de Madrid, Community of Madrid",
    "Comunidad Valenciana, Comunitat Valenciana, Valencian Community",
    "Islas Baleares, Illes Balears, Balearic Islands",
    "Islas Canarias, Canarias, Canary Islands",
    "Castilla y León, Castile and León",
    "Castilla-La Mancha, Castile-La Mancha",
    "Navarra, Navarre",
    "Aragón, Aragon",
    "Asturias",
    "Galicia",
    "Cantabria",
    "Murcia, Región de Murcia",
    "Baviera, Bavaria, Bayern",
    "Renania del Norte-Westfalia, North Rhine-Westphalia",
    "Sajonia, Saxony",
    "Toscana, Tuscany",
    "Lombardía, Lombardy",
    "Piamonte, Piedmont",
    "Cerdeña, Sardinia",
    "Sicilia, Sicily",
    "Normandía, Normandy",
    "Bretaña, Brittany",
    "Provenza, Provence",
    "Flandes, Flanders",
    "Valonia, Wallonia",
    "Nueva York, New York",
    "California",
    "Texas",
    "Florida",
    "Luisiana, Louisiana",
    "Carolina del Norte, North Carolina",
    "Carolina del Sur, South Carolina",
    "Nuevo México, New Mexico",
    "Pensilvania, Pennsylvania",
    "Hawái, Hawaii",
    "Quebec, Québec",
    "Ontario",
    "Columbia Británica, British Columbia",
    "Ciudad de México, CDMX, Mexico City",
    "Nuevo León, Nuevo Leon",
    "Baja California",
    "Yucatán, Yucatan",
    "Michoacán, Michoacan",
    "Querétaro, Queretaro",
]


@lru_cache(maxsize=1)
def _region_index() -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    for line in _REGIONS:
        names = tuple(n.strip() for n in line.split(","))
        for n in names:
            out[_key(n)] = names
    return out


def region_names(phrase: str) -> tuple[str, ...]:
    """Every name of the region a phrase names, in Spanish and English ("Escocia" -> Scotland too).

    >>> region_names("Escocia"), region_names("Madrid")
    (('Escocia', 'Scotland'), ())
    """
    return _region_index().get(_key(phrase), ())
