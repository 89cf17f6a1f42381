"""Amounts, dates, currencies and label keywords, in English, French, German (and nl/es/it labels).

Everything here works on plain strings; nothing raises on odd input (``None`` is returned instead).
"""
import datetime as dt
import re
import unicodedata

# --- text normalisation -------------------------------------------------------------------------


def fold(text):
    """Lower case, accents removed, runs of blanks collapsed: the form labels are compared in."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.replace("ß", "ss").lower()
    return re.sub(r"\s+", " ", text).strip()


def fold_keep_length(text):
    """As :func:`fold` but one character out for each character in, so positions still match."""
    out = []
    for ch in text or "":
        base = unicodedata.normalize("NFKD", ch)
        base = "".join(c for c in base if not unicodedata.combining(c)) or ch
        out.append(base[0].lower() if base[0].lower() != "ß" else "s")
    return "".join(out)


# --- amounts ------------------------------------------------------------------------------------

# A number as printed on a bill: 1.234,56 / 1 234,56 / 1,234.56 / 1'234.56 / 1234.5 / -12,00 / 12,00-
_THOUSANDS = r"[ .,'\u00a0\u202f]"
AMOUNT_RE = re.compile(
    r"(?<![\w.,/-])(?P<sign>[-\u2212]\s?)?"
    r"(?P<num>\d{1,3}(?:" + _THOUSANDS + r"\d{3})+(?:[.,]\d{1,4})?|\d+(?:[.,]\d{1,4})?)"
    r"(?P<trail>-)?(?![\w/]|[.,]\d)"
)


def parse_amount(text, decimal=None):
    """The float value of a printed amount (``"1.234,56"`` -> 1234.56), or None.

    ``decimal`` is the document's decimal separator when known ("," or "."): it settles numbers
    such as ``1,234`` that read either way; without it a lone separator followed by exactly three
    digits is taken as a thousands separator.
    """
    if text is None:
        return None
    text = str(text).strip().replace("\u2212", "-")
    negative = text.startswith("-") or text.endswith("-") or (text.startswith("(") and text.endswith(")"))
    digits = re.sub(r"[^\d.,' \u00a0\u202f]", "", text).strip()
    if not digits or not re.search(r"\d", digits):
        return None
    digits = re.sub(r"[' \u00a0\u202f]", "", digits)
    last_dot, last_comma = digits.rfind("."), digits.rfind(",")
    if last_dot >= 0 and last_comma >= 0:
        dec = "." if last_dot > last_comma else ","
    elif last_dot >= 0 or last_comma >= 0:
        sep = "." if last_dot >= 0 else ","
        head, _, tail = digits.rpartition(sep)
        if digits.count(sep) > 1:
            dec = None  # 1.234.567: thousands only
        elif len(tail) == 3 and head and head != "0":
            dec = sep if decimal == sep else None
        else:
            dec = sep
    else:
        dec = None
    if dec is None:
        number = digits.replace(".", "").replace(",", "")
    else:
        other = "," if dec == "." else "."
        whole, _, frac = digits.rpartition(dec)
        number = whole.replace(other, "").replace(dec, "") + "." + frac
    try:
        value = float(number)
    except ValueError:
        return None
    return -value if negative else value


def find_amounts(text, decimal=None):
    """``[(value, start, end, raw)]`` of every amount-looking number in ``text``."""
    found = []
    for match in AMOUNT_RE.finditer(text or ""):
        raw = match.group(0).strip()
        value = parse_amount(raw, decimal)
        if value is not None:
            found.append((value, match.start(), match.end(), raw))
    return found


def decimal_separator(texts):
    """The document's decimal separator, voted from its unambiguous amounts (x,xx and x.xx)."""
    comma = dot = 0
    for text in texts:
        comma += len(re.findall(r"\d,\d{2}(?!\d)", text))
        dot += len(re.findall(r"\d\.\d{2}(?!\d)", text))
    if comma == dot == 0:
        return None
    return "," if comma > dot else "."


# --- dates --------------------------------------------------------------------------------------

MONTHS = {
    # en
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12,
    # fr
    "janvier": 1, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6, "juillet": 7,
    "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11, "decembre": 12,
    "janv": 1, "fevr": 2, "fev": 2, "avr": 4, "juil": 7,
    # de
    "januar": 1, "jaenner": 1, "janner": 1, "februar": 2, "marz": 3, "maerz": 3, "juni": 6,
    "juli": 7, "oktober": 10, "dezember": 12, "okt": 10, "dez": 12, "mrz": 3,
    # nl / es / it
    "januari": 1, "februari": 2, "maart": 3, "mei": 5, "augustus": 8, "oktober_": 10,
    "enero": 1, "febrero": 2, "marzo": 3, "abril": 4, "mayo": 5, "junio": 6, "julio": 7,
    "agosto": 8, "septiembre": 9, "setiembre": 9, "octubre": 10, "noviembre": 11, "diciembre": 12,
    "gennaio": 1, "febbraio": 2, "aprile": 4, "maggio": 5, "giugno": 6, "luglio": 7,
    "settembre": 9, "ottobre": 10, "dicembre": 12,
}
_MONTH_ALT = "|".join(sorted((re.escape(m) for m in MONTHS if not m.endswith("_")), key=len, reverse=True))

DATE_PATTERNS = [
    # 2026-11-23
    ("ymd", re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})[-./](?P<m>\d{1,2})[-./](?P<d>\d{1,2})(?!\d)")),
    # 23.11.2026, 23/11/2026, 11/23/2026, 23-11-26
    (
        "num",
        re.compile(
            r"(?<![\d.])(?P<a>\d{1,2})\s?(?P<s>[./-])\s?(?P<b>\d{1,2})\s?(?P=s)\s?(?P<y>(?:19|20)?\d{2})(?![\d])"
        ),
    ),
    # 23 novembre 2026, 23. November 2026, 23-Nov-2026, 1er mars 2026
    (
        "dmy",
        re.compile(
            r"(?<!\d)(?P<d>\d{1,2})(?:er|st|nd|rd|th)?\.?[\s-]*(?P<mon>"
            + _MONTH_ALT
            + r")\.?,?[\s-]*(?P<y>(?:19|20)\d{2})(?!\d)",
            re.I,
        ),
    ),
    # November 23, 2026
    (
        "mdy",
        re.compile(
            r"(?<![a-z])(?P<mon>"
            + _MONTH_ALT
            + r")\.?\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?\s*,?\s+(?P<y>(?:19|20)\d{2})(?!\d)",
            re.I,
        ),
    ),
]


def _make_date(year, month, day):
    if year < 100:
        year += 2000 if year < 70 else 1900
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def find_dates(text, order=None):
    """``[(date, start, end, raw, ambiguous)]`` of the dates in ``text``.

    ``order`` ("dmy" or "mdy") settles numeric dates such as 03/04/2026; without it day first
    is assumed (the European habit) unless the first number cannot be a month... and the second
    can. ``ambiguous`` tells whether both readings were valid dates.
    """
    folded = fold_keep_length(text)
    out = []
    taken = []
    for kind, pattern in DATE_PATTERNS:
        source = text if kind in ("ymd", "num") else folded
        for match in pattern.finditer(source or ""):
            if any(s < match.end() and match.start() < e for s, e in taken):
                continue
            ambiguous = False
            if kind == "ymd":
                value = _make_date(int(match["y"]), int(match["m"]), int(match["d"]))
            elif kind == "num":
                a, b, y = int(match["a"]), int(match["b"]), int(match["y"])
                dmy = _make_date(y, b, a)
                mdy = _make_date(y, a, b)
                ambiguous = bool(dmy and mdy and a != b)
                if order == "mdy":
                    value = mdy or dmy
                else:
                    value = dmy or mdy
            else:
                month = MONTHS.get(fold(match["mon"]).rstrip("."))
                value = _make_date(int(match["y"]), month, int(match["d"])) if month else None
            if value:
                taken.append((match.start(), match.end()))
                out.append((value, match.start(), match.end(), match.group(0), ambiguous))
    out.sort(key=lambda item: item[1])
    return out


def date_order(texts):
    """"mdy" when the document writes numeric dates month first (some second number > 12 while
    no first number is), else "dmy"."""
    first_big = second_big = 0
    for text in texts:
        for match in DATE_PATTERNS[1][1].finditer(text or ""):
            a, b = int(match["a"]), int(match["b"])
            first_big += a > 12
            second_big += b > 12
    return "mdy" if second_big > first_big else "dmy"


def parse_date(text, order=None):
    """The first date in ``text`` (``datetime.date``) or None."""
    found = find_dates(text, order)
    return found[0][0] if found else None


# --- currencies ---------------------------------------------------------------------------------

ISO_CURRENCIES = set("""
AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD
CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD
GNF GTQ GYD HKD HNL HRK HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD
KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK
NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS
SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VES VND VUV WST XAF
XCD XOF XPF YER ZAR ZMW ZWL
""".split())

CURRENCY_SYMBOLS = {
    "€": "EUR", "$": "USD", "£": "GBP", "₹": "INR", "¥": "JPY", "₣": "CHF", "zł": "PLN", "kr": None,
    "rs.": "INR", "rs": "INR", "us$": "USD", "fr.": "CHF", "sfr": "CHF",
}

# --- label keywords -----------------------------------------------------------------------------
# Folded (lower case, no accents). Each field lists (pattern, strength); patterns are matched at a
# word boundary in a cell's folded text.

LABELS = {
    "amount_total": [
        (
            r"grand total|total (?:amount )?due|amount due|balance due|total to pay|invoice total|total amount"
            r"|total incl(?:uding|\.)?(?: vat| tax)?|total \(incl|total ttc|montant ttc|net a payer|total a payer"
            r"|montant total|total facture|gesamtbetrag|rechnungsbetrag|bruttosumme|bruttobetrag|endbetrag"
            r"|zahlbetrag|zu zahlen|somme a payer|montant a payer|a payer|amount payable|gesamtsumme"
            r"|rechnungssumme(?! ohne)|summe brutto|totaal(?: incl)?|te betalen"
            r"|totaalbedrag|importe total|total a pagar|totale (?:fattura|documento|da pagare)|importo totale"
            r"|(?:summe|total|totaal|betrag|gesamt|montant) (?:inkl|incl|ttc|brutto)",
            3,
        ),
        (r"total|summe|totale|totaal|montant|betrag|amount", 1),
    ],
    "amount_untaxed": [
        (
            r"sub ?total|total (?:excl|excluding|before|net|w/o|without|ht)|net total|net amount|total net"
            r"|montant ht|total ht|hors taxes?|base ht|netto(?:betrag|summe)?|nettobetrag|summe netto"
            r"|rechnungssumme ohne|gesamt netto|warenwert|positionssumme|zwischensumme|exclusief btw|excl\.? btw"
            r"|subtotaal|totaal excl|base imponible|imponibile|amount before tax|taxable (?:value|amount)",
            3,
        ),
    ],
    "amount_tax": [
        (
            r"total (?:vat|tax|tva)|vat amount|tax amount|tax total|montant (?:de la )?tva|total tva|mwst\.?-?betrag"
            r"|ust\.?-?(?:betrag| gesamt)|steuerbetrag|btw-?bedrag|totale iva|importe iva",
            3,
        ),
        (r"tva|mwst\.?|ust\.?|umsatzsteuer|mehrwertsteuer|btw|iva|vat|tax|sales tax|gst|igst|cgst|sgst", 2),
    ],
    "bill_number": [
        (
            r"invoice (?:no|number|num|nr|#|id)|invoice#|inv\.? ?(?:no|#)|bill (?:no|number)|document (?:no|number)"
            r"|numero de (?:la )?facture|facture (?:n|no|numero|#)|n° de facture|no de facture|facture"
            r"|rechnungs?-?(?:nummer|nr)|rechnung (?:nr|nummer|#)|beleg-?(?:nr|nummer)|factuurnummer|factuur(?:nr| nr| nummer)"
            r"|numero de factura|n\.? ?factura|factura (?:n|no|num)|numero fattura|fattura (?:n|nr|no)|invoice"
            r"|[a-z]*rechnung|factuur"
            r"|[a-z]*rechnungskorrektur|gutschrift|avoir|credit note",
            3,
        ),
        (r"reference|ref\.?|referenz|nummer|numero|number|no\.?|nr\.?", 1),
    ],
    "bill_date": [
        (
            r"invoice date|date of invoice|bill date|date de (?:la )?facture|date facture|date d'emission|date d.emission"
            r"|rechnungs-?datum|beleg-?datum|ausstellungsdatum|factuurdatum|fecha de (?:la )?factura|fecha de emision"
            r"|data (?:della )?fattura|data emissione|issue date|date of issue|invoice issued|dated?",
            3,
        ),
        (r"datum|date|fecha|data|vom|du|le", 1),
    ],
    "due_date": [
        (
            r"due date|payment due|due on|due by|pay(?:able)? (?:by|before|until)|date d'echeance|echeance"
            r"|date limite de paiement|a payer avant|faellig(?:keit)?|fallig(?:keit)?|zahlbar (?:bis|am)|zahlungsziel"
            r"|vervaldatum|te betalen voor|fecha de vencimiento|vencimiento|scadenza|data di scadenza",
            3,
        ),
    ],
    "po_reference": [
        (
            r"purchase order|p\.?o\.? (?:no|number|#|ref)|order (?:no|number|#|ref)|your order|bestellnummer|bestellung"
            r"|ihre bestellung|auftragsnummer|bon de commande|commande (?:n|no)|n° de commande|votre commande"
            r"|ordernummer|bestelnummer|uw order|numero de pedido|pedido|ordine|your reference|votre reference|ihr zeichen",
            2,
        ),
    ],
    "currency": [
        (r"currency|devise|wahrung|waehrung|valuta|moneda", 3),
    ],
}

# Dates and amounts next to these labels belong to something else than the bill itself.
NOT_BILL_DATE = (r"order date|orderdatum|date de commande|bestelldatum|delivery date|date de livraison|lieferdatum"
                 r"|leistungsdatum|liefer- und leistungsdatum|service date|period|periode|zeitraum|leveringsdatum"
                 r"|due|echeance|faellig|fallig|zahlbar|vervaldatum|payable|paid on|payment date|birth|geburt|valid"
                 r"|check.?in|check.?out")
NOT_TOTAL = (r"sub ?total|zwischensumme|subtotaal|excl|ohne|netto|net total|hors|\bht\b|before tax|w/o"
             r"|paid|payment|bezahlt|erhalten|anzahlung|acompte|already|deja|residual|restant|credit|discount"
             r"|rabatt|remise|skonto|abschl|zuschl|shipping|versand|frais de port|per unit|unit price|stuk"
             r"|tva|vat|tax|mwst|ust|btw|steuer|iva")
BUYER_LABELS = (r"bill to|billed to|invoice to|sold to|ship to|shipped to|deliver(?:y|ed)? to|delivery address|customer|client"
                r"|kunde|kaufer|kaeufer|rechnungsempfanger|rechnungsempfaenger|leistungsempfanger|lieferanschrift|empfanger"
                r"|facture a|facturer a|adresse de (?:livraison|facturation)|livre a|destinataire|klant|afleveradres"
                r"|factuuradres|cliente|destinatario|buyer|acheteur")
SELLER_LABELS = (r"seller|vendor|supplier|from|verkaufer|verkaeufer|lieferant|leistungserbringer|vendeur|fournisseur"
                 r"|emetteur|leverancier|proveedor|fornitore|rechnungssteller")

LEGAL_FORMS = (r"gmbh(?: & co\.? kg)?|ag|kg|ohg|ug|e\.? ?k\.?|gbr|sarl|s\.a\.r\.l\.?|sas|sasu|sa|s\.a\.|eurl|sci|scop"
               r"|b\.? ?v\.?|n\.? ?v\.?|bvba|vof|ltd\.?|limited|llc|l\.l\.c\.|inc\.?|corp\.?|corporation|plc|llp|lp"
               r"|co\.,? ltd\.?|pvt\.? ltd\.?|private limited|s\.?r\.?l\.?|s\.?p\.?a\.?|s\.?l\.?|s\.?a\.?s\.?|oy|ab|a/s|aps|as"
               r"|sp\. z ?o\.? ?o\.?|kft|s\.?r\.?o\.?|spol|nv|bv")
