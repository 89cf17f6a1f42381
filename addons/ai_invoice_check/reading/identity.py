"""Supplier identity: VAT numbers, IBANs (checksum validated), registry numbers, e-mail domains, name;
and :func:`match_partner` against existing partners."""
import re

from .parsing import BUYER_LABELS, LEGAL_FORMS, SELLER_LABELS, fold

# --- VAT numbers (EU formats, GB, CH) -----------------------------------------------------------


def _digits(n, sep=r"[ .]?"):
    return r"(?:\d" + sep + r"){%d}\d" % (n - 1)


VAT_FORMATS = {
    "AT": r"U" + _digits(8), "BE": r"[01]?[ .]?" + _digits(9), "BG": _digits(9) + r"\d?", "CY": _digits(8) + r"[A-Z]",
    "CZ": _digits(8) + r"(?:\d{1,2})?", "DE": _digits(9), "DK": _digits(8), "EE": _digits(9), "EL": _digits(9),
    "GR": _digits(9), "ES": r"[A-Z0-9][ .]?" + _digits(7) + r"[ .]?[A-Z0-9]", "FI": _digits(8),
    "FR": r"[A-HJ-NP-Z0-9]{2}[ .]?" + _digits(9), "HR": _digits(11), "HU": _digits(8), "IE": r"\d[A-Z0-9+*]\d{5}[A-Z]{1,2}",
    "IT": _digits(11), "LT": _digits(9) + r"(?:\d{3})?", "LU": _digits(8), "LV": _digits(11), "MT": _digits(8),
    "NL": _digits(9) + r"[ .]?B[ .]?\d{2}", "PL": _digits(10), "PT": _digits(9), "RO": r"\d{2,10}", "SE": _digits(12),
    "SI": _digits(8), "SK": _digits(10), "GB": _digits(9) + r"(?:\d{3})?", "XI": _digits(9),
    "CHE": r"[ -]?\d{3}\.?\d{3}\.?\d{3}(?: ?(?:MWST|TVA|IVA))?",
}
VAT_RE = re.compile(
    r"(?<![A-Z0-9])(?P<cc>" + "|".join(sorted(VAT_FORMATS, key=len, reverse=True)) + r")[ ]?(?P<num>"
    + "|".join(f"(?:{v})" for v in sorted(set(VAT_FORMATS.values()), key=lambda f: (-len(f), f)))
    + r")(?![0-9A-Z])")
# the number of a given country: the shared pattern above only finds where a VAT number may start
COUNTRY_VAT_RE = {cc: re.compile(rf"{cc}[ ]?(?P<num>{fmt})(?![0-9A-Z])") for cc, fmt in VAT_FORMATS.items()}


def normalise_vat(value):
    return re.sub(r"[^A-Z0-9]", "", (value or "").upper())


def find_vats(text):
    """``[(normalised VAT, start, end)]`` in a text."""
    out = []
    text = text or ""
    for match in VAT_RE.finditer(text):
        cc = match["cc"]
        own = COUNTRY_VAT_RE[cc].match(text, match.start())
        if not own:
            continue
        out.append((normalise_vat(cc + own["num"]), own.start(), own.end()))
    return out


# --- IBAN ---------------------------------------------------------------------------------------

IBAN_LENGTHS = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BR": 29,
    "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24,
    "FI": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28, "HR": 21,
    "HU": 28, "IE": 22, "IL": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LI": 21,
    "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MR": 27, "MT": 31, "MU": 30,
    "NL": 18, "NO": 15, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "SA": 24,
    "SE": 24, "SI": 19, "SK": 24, "SM": 27, "TN": 24, "TR": 26, "UA": 29, "VG": 24, "XK": 20,
}
IBAN_RE = re.compile(r"(?<![A-Z0-9])([A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]){10,30})")


def valid_iban(value):
    """True when ``value`` (spaces allowed) is an IBAN of the right length with a valid checksum."""
    iban = re.sub(r"\s", "", value or "").upper()
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{10,30}", iban):
        return False
    if IBAN_LENGTHS.get(iban[:2], len(iban)) != len(iban):
        return False
    number = int("".join(str(int(ch, 36)) for ch in iban[4:] + iban[:4]))
    return number % 97 == 1


def find_ibans(text):
    """``[(IBAN without spaces, start, end)]`` of the checksum-valid IBANs in a text."""
    out = []
    upper = (text or "").upper()
    for match in IBAN_RE.finditer(upper):
        raw = match.group(1)
        compact_ = re.sub(r"\s", "", raw)
        expected = IBAN_LENGTHS.get(compact_[:2])
        lengths = [expected] if expected else range(len(compact_), 14, -1)
        for length in lengths:
            if length and len(compact_) >= length and valid_iban(compact_[:length]):
                out.append((compact_[:length], match.start(), match.end()))
                break
    return out


# --- registries, e-mails, websites --------------------------------------------------------------

REGISTRY_PATTERNS = [
    ("siret", re.compile(r"\bsiret\b\s*(?:n[°o]\.?)?\s*:?\s*((?:\d\s?){13}\d)", re.I)),
    ("siren", re.compile(r"\b(?:siren|rcs(?: [a-z\- ]+?)?)\b\s*(?:n[°o]\.?)?\s*:?\s*((?:\d\s?){8}\d)(?!\s?\d)", re.I)),
    ("kvk", re.compile(r"\b(?:kvk|kamer van koophandel|coc|chamber of commerce)\b[^\d]{0,30}(\d{8})\b", re.I)),
    ("hr", re.compile(r"\b(HR[AB]\s?\d{2,7}(?:\s?[A-Z]{1,2})?)\b")),
    ("cin", re.compile(r"\b([LU]\d{5}[A-Z]{2}\d{4}[A-Z]{3}\d{6})\b")),
    (
        "company_no",
        re.compile(
            r"\b(?:company (?:no|number|reg(?:istration)?(?: no)?)|registered (?:no|number)|registration number"
            r"|handelsregister(?:nummer)?|registre du commerce)\b\.?\s*:?\s*([A-Z]{0,2}\s?\d[\d ]{4,10}\d)",
            re.I,
        ),
    ),
]
EMAIL_RE = re.compile(r"[\w.+-]+@([\w-]+(?:\.[\w-]+)+)", re.U)
WEB_RE = re.compile(r"(?:https?://|www\.)([\w-]+(?:\.[\w-]+)+)", re.I)
GENERIC_DOMAINS = {"gmail.com", "googlemail.com", "yahoo.com", "yahoo.fr", "hotmail.com", "hotmail.fr", "outlook.com",
                   "live.com", "gmx.de", "gmx.net", "web.de", "orange.fr", "free.fr", "wanadoo.fr", "icloud.com",
                   "aol.com", "t-online.de", "protonmail.com", "example.com", "localhost.local"}

_LABEL_BUYER = re.compile(r"(?<![a-z])(?:" + BUYER_LABELS + r")(?![a-z])")
_LABEL_SELLER = re.compile(r"(?<![a-z])(?:" + SELLER_LABELS + r")(?![a-z])")
_LEGAL_ANY = re.compile(r"(?<![\w])(?:" + LEGAL_FORMS + r")(?![\w])", re.I)


class _Legal:
    """Legal forms; two-letter ones (SA, AG, BV...) only in capitals, so "Sa 8.00" or "as" are not."""

    @staticmethod
    def search(text):
        for match in _LEGAL_ANY.finditer(text or ""):
            letters = re.sub(r"[^A-Za-z]", "", match.group(0))
            if len(letters) <= 2 and not letters.isupper():
                continue
            return match
        return None

    @staticmethod
    def sub(repl, text):
        return _LEGAL_ANY.sub(repl, text or "")


_LEGAL = _Legal
_LEGAL_END = re.compile(r"(?:^|\s|,)(?:" + LEGAL_FORMS + r")\s*$", re.I)


def registrable_domain(domain):
    parts = (domain or "").lower().strip(".").split(".")
    if len(parts) >= 3 and parts[-2] in ("co", "com", "org", "net", "gov", "ac"):
        return ".".join(parts[-3:])
    return ".".join(parts[-2:])


def _buyer_context(rows, row_index, cell):
    """True when the cell sits under or next to a buyer label (bill to, Kunde, client...)."""
    row = rows[row_index]
    for other in row["cells"]:
        if other["bbox"][2] <= cell["bbox"][0] + 0.01 and _LABEL_BUYER.search(other["folded"]):
            return True
    if _LABEL_BUYER.search(cell["folded"][:40]):
        return True
    # a buyer heading above, in the same column, within a few rows, with no seller heading between
    for back in range(1, 7):
        i = row_index - back
        if i < 0 or rows[i]["page"] != row["page"]:
            break
        for other in rows[i]["cells"]:
            over = min(other["bbox"][2], cell["bbox"][2]) - max(other["bbox"][0], cell["bbox"][0])
            if over <= 0:
                continue
            if _LABEL_SELLER.search(other["folded"][:30]):
                return False
            if _LABEL_BUYER.search(other["folded"][:40]) and len(other["folded"]) < 60:
                return True
    return False


def extract_identity(rows, own_vats=(), own_ibans=()):
    """Identity facts of the document, each ``{"value", "confidence", "page", "bbox", "line", "label"}``,
    and the lists of everything found (``vats``, ``ibans``, ``registries``, ``emails``, ``websites``)."""
    own_vats = {normalise_vat(v) for v in own_vats or ()}
    own_ibans = {re.sub(r"\s", "", i or "").upper() for i in own_ibans or ()}
    vats, ibans, registries, emails, webs, names = [], [], [], [], [], []
    n_rows = max(len(rows), 1)
    for row in rows:
        for cell in row["cells"]:
            text = cell["text"]
            where = {"page": cell["page"], "bbox": cell["bbox"], "line": cell["row"], "label": text[:60]}
            buyer = None
            for vat, start, _end in find_vats(text):
                if vat in own_vats:
                    continue
                buyer = _buyer_context(rows, row["index"], cell) if buyer is None else buyer
                label = fold(text[:start])
                customer = bool(re.search(r"customer|client|kunde|klant|buyer|acheteur|cliente|your|votre|ihre", label))
                vats.append(dict(where, value=vat, buyer=buyer or customer))
            for iban, _s, _e in find_ibans(text):
                if iban in own_ibans:
                    continue
                ibans.append(dict(where, value=iban))
            for scheme, pattern in REGISTRY_PATTERNS:
                for match in pattern.finditer(text):
                    registries.append(dict(where, value=re.sub(r"\s+", " ", match.group(1)).strip(), scheme=scheme))
            for match in EMAIL_RE.finditer(text):
                buyer = _buyer_context(rows, row["index"], cell) if buyer is None else buyer
                emails.append(dict(where, value=match.group(0), domain=registrable_domain(match.group(1)), buyer=buyer))
            for match in WEB_RE.finditer(text):
                webs.append(dict(where, value=match.group(1).lower(), domain=registrable_domain(match.group(1))))
            if _LEGAL.search(text) and len(text) <= 100:
                names.append((row, cell))
    result = {"vats": vats, "ibans": ibans, "registries": registries, "emails": emails, "websites": webs}
    fields = {}

    def pick(items, field, confidence):
        if items:
            best = items[0]
            fields[field] = {"value": best["value"], "confidence": confidence,
                             "source": {k: best[k] for k in ("page", "bbox", "line", "label")}}

    seller_mails = [e for e in emails if not e["buyer"] and e["domain"] not in GENERIC_DOMAINS]
    seller_vats = [v for v in vats if not v["buyer"]] or []
    # the seller's number tends to repeat (header and footer); the buyer's is usually labelled
    counts = {}
    for v in seller_vats:
        counts[v["value"]] = counts.get(v["value"], 0) + 1
    seller_vats.sort(key=lambda v: (-counts[v["value"]], v["line"]))
    pick(seller_vats, "supplier_vat", 0.9 if len({v["value"] for v in seller_vats}) == 1 else 0.6)
    pick(ibans, "supplier_iban", 0.95 if len({i["value"] for i in ibans}) == 1 else 0.7)
    pick(registries, "supplier_company_registry", 0.7)
    pick(seller_mails, "supplier_email", 0.6)
    pick([w for w in webs if w["domain"] not in GENERIC_DOMAINS], "supplier_website", 0.5)

    # name: a cell ending with a legal form, not in a buyer block, near the seller's numbers, early
    anchors = {item["line"] for item in seller_vats[:1] + ibans[:1] + registries[:1]}
    scored = []
    by_text = {}
    for _row, cell in names:
        key = fold(cell["text"])
        by_text.setdefault(key, []).append(cell)
    for row, cell in names:
        text = cell["text"].strip(" ,;-•●|")
        folded = fold(text)
        if len(re.findall(r"[a-z]", folded)) < 2:
            continue
        m = _LEGAL.search(text)
        if m is None or re.search(r"\d{4,}", text[: m.end()]):
            continue
        labelled_seller = False
        if ":" in text[: m.start()]:
            # "Sold by: Acme Ltd" - the label goes, and says whose name it is
            head, _, text = text[: m.start()].rpartition(":")
            text = text + cell["text"].strip(" ,;-•●|")[m.start():]
            labelled_seller = bool(_LABEL_SELLER.search(fold(head)) or re.search(r"sold by|verkauft|vendu par", fold(head)))
            if _LABEL_BUYER.search(fold(head)):
                continue
            m = _LEGAL.search(text)
            if not m:
                continue
        # keep the name part: up to the legal form, dropping what follows a separator
        name = re.split(r"\s[-–|•●·]\s|,\s(?=\d)|\s{2,}", text)[0].strip(" ,")
        if not _LEGAL.search(name):
            name = text[: m.end()].strip(" ,") if m else text
        if len(re.findall(r"[A-Za-zÀ-ÿ]", _LEGAL.sub("", name))) < 3 or not re.match(r"[^\W\d]", name):
            continue
        score = 1.0 + (1.0 if labelled_seller else 0.0)
        tokens = set(name_tokens(name))
        if tokens and any(t in d["domain"].replace("-", "") or d["domain"].split(".")[0] in "".join(tokens)
                          for d in seller_mails + webs for t in tokens if len(t) > 3):
            score += 1.5
        if re.search(r"\s[-–|•●·]\s.*\d{4,5}", cell["text"]):
            score += 0.5  # the sender line above a window envelope's address
        if _LEGAL_END.search(name):
            score += 1.0
        if _buyer_context(rows, row["index"], cell) or _LABEL_BUYER.search(fold(text)):
            continue
        if re.search(r"(?<![a-z])(?:" + SELLER_LABELS + r")(?![a-z])", " ".join(c["folded"] for c in row["cells"])):
            score += 1.0
        score += 0.5 * min(len(by_text[fold(cell["text"])]) - 1, 2)
        score += 1.0 * (1.0 - row["index"] / n_rows)
        if cell["page"] > 1:
            score -= 0.5
        if anchors and min(abs(row["index"] - a) for a in anchors) <= 3:
            score += 0.7
        if len(name) > 60 or re.search(
            r"(?<![a-z])(?:" + BUYER_LABELS + r"|bank|banque|iban|register|amtsgericht)(?![a-z])", fold(name)
        ):
            score -= 1.0
        scored.append((score, row["index"], name, cell))
    if scored:
        scored.sort(key=lambda s: (-s[0], s[1]))
        score, _i, name, cell = scored[0]
        fields["supplier_name"] = {"value": name, "confidence": round(min(0.9, 0.3 + 0.15 * score), 2),
                                   "source": {"page": cell["page"], "bbox": cell["bbox"], "line": cell["row"], "label": None}}
    elif rows:
        # no legal form anywhere: the first words at the top of the first page, if not a title
        for row in rows[:4]:
            cell = row["cells"][0]
            text = cell["text"].strip()
            if (len(re.findall(r"[A-Za-zÀ-ÿ]", text)) >= 4 and not re.search(r"\d{3,}|@|:", text)
                    and not re.search(r"(?<![a-z])(?:invoice|rechnung|facture|factuur|factura|fattura|bill|receipt|quittung"
                                      r"|credit|gutschrift|avoir|tax|page|seite)(?![a-z])", cell["folded"])
                    and not _buyer_context(rows, row["index"], cell)):
                fields["supplier_name"] = {"value": text[:60], "confidence": 0.3,
                                           "source": {"page": cell["page"], "bbox": cell["bbox"], "line": cell["row"],
                                                      "label": None}}
                break
    if "supplier_name" not in fields and ("supplier_email" in fields or "supplier_website" in fields):
        domain = (seller_mails[0]["domain"] if seller_mails else registrable_domain(fields["supplier_website"]["value"]))
        fields["supplier_name"] = {"value": domain.split(".")[0].capitalize(), "confidence": 0.3,
                                   "source": {"page": None, "bbox": None, "line": None, "label": "e-mail/website domain"}}
    return fields, result


# --- partner matching ---------------------------------------------------------------------------

_NAME_NOISE = re.compile(r"(?<![\w])(?:" + LEGAL_FORMS + r"|the|company|group|groupe|societe|firma)(?![\w])", re.I)


def name_tokens(name):
    text = _NAME_NOISE.sub(" ", fold(name or ""))
    return [t for t in re.split(r"[^a-z0-9]+", text) if len(t) > 1]


def name_similarity(a, b):
    """Token overlap of two company names, legal forms left out (0..1)."""
    ta, tb = set(name_tokens(a)), set(name_tokens(b))
    if not ta or not tb:
        return 0.0
    return len(ta & tb) / min(len(ta), len(tb)) * (0.5 + 0.5 * len(ta & tb) / max(len(ta), len(tb)))


def match_partner(extracted, partners):
    """The existing partner a read document comes from.

    ``extracted``: a :func:`read_document` result (or its ``fields``); ``partners``: ``[{"id", "name",
    "vat", "ibans" (or "iban"), "email_domains" (or "email"), "company_registry"}]``.
    Returns ``{"partner_id", "confidence", "reason"}``; when nothing matches, ``partner_id`` is None and
    ``proposal`` holds the values to create a new partner with.
    """
    fields = extracted.get("fields", extracted) if isinstance(extracted, dict) else {}

    def val(name):
        item = fields.get(name)
        return item.get("value") if isinstance(item, dict) else item

    vat = normalise_vat(val("supplier_vat"))
    iban = re.sub(r"\s", "", val("supplier_iban") or "").upper()
    registry = re.sub(r"\W", "", (val("supplier_company_registry") or "")).upper()
    email = val("supplier_email") or ""
    domain = registrable_domain(email.split("@")[-1]) if email else ""
    if not domain and val("supplier_website"):
        domain = registrable_domain(val("supplier_website"))
    name = val("supplier_name") or ""
    best = (None, 0.0, "no match")
    for partner in partners or ():
        pid = partner.get("id")
        p_ibans = partner.get("ibans") or ([partner["iban"]] if partner.get("iban") else [])
        p_ibans = {re.sub(r"\s", "", i or "").upper() for i in p_ibans}
        p_domains = set(partner.get("email_domains") or ())
        if partner.get("email"):
            p_domains.add(registrable_domain(partner["email"].split("@")[-1]))
        p_domains = {registrable_domain(d) for d in p_domains if d}
        candidates = []
        if vat and normalise_vat(partner.get("vat")) == vat:
            candidates.append((0.99, "same VAT number"))
        if iban and iban in p_ibans:
            candidates.append((0.95, "same IBAN"))
        p_reg = re.sub(r"\W", "", partner.get("company_registry") or "").upper()
        if registry and p_reg and (p_reg == registry or (len(p_reg) >= 9 and (p_reg in registry or registry in p_reg))):
            candidates.append((0.9, "same company registry number"))
        if domain and domain not in GENERIC_DOMAINS and domain in p_domains:
            candidates.append((0.75, "same e-mail domain"))
        sim = name_similarity(name, partner.get("name"))
        if sim >= 0.5:
            candidates.append((round(0.7 * sim, 3), "similar name"))
        for conf, reason in candidates:
            if conf > best[1]:
                best = (pid, conf, reason)
    if best[0] is not None and best[1] >= 0.5:
        return {"partner_id": best[0], "confidence": best[1], "reason": best[2]}
    proposal = {"name": name or None, "vat": vat or None, "iban": iban or None, "email": email or None,
                "company_registry": val("supplier_company_registry"), "website": val("supplier_website")}
    return {"partner_id": None, "confidence": 0.0, "reason": "no existing partner matches", "proposal": proposal}
