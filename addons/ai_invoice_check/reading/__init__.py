"""Pure-Python core of bill reading: any supplier bill (PDF or image) read without templates.

No Odoo import: bytes in, plain data out. The ORM layer calls :func:`read_document` on the
attachment, :func:`match_partner` with the candidate partners, fills the draft bill, and calls
:func:`learn_correction` when a user corrects a field, keeping the entries per supplier for the next
:func:`read_document` (``memory=``). Tools used (subprocesses with timeouts): Poppler's ``pdfinfo``,
``pdfdetach``, ``pdftotext``, ``pdftoppm`` and ``tesseract`` (eng, fra, deu); :func:`missing_tools`
names those not installed.

Order of trust
--------------
1. an XML e-invoice embedded in the PDF (Factur-X, ZUGFeRD, XRechnung, UBL): reported in
   ``embedded_xml`` (name, size, bytes) and ``source`` is ``"xml"``: hand the attachment to Odoo's own
   importer (``account_edi_ubl_cii``). The visible page is still read (it is cheap) unless it would
   need OCR; ``options["ignore_embedded_xml"]`` reads as if there were none;
2. the PDF text layer (``pdftotext -bbox``), page by page;
3. OCR of the pages without a text layer, rendered by ``pdftoppm`` (``dpi``, 200 by default), and of
   images (PNG, JPEG, TIFF including multi-page ones, GIF, BMP, WebP), with Tesseract's TSV positions.

Result (``read_document``)
--------------------------
::

    {"ok": True,                        # False when a fatal error left nothing to read
     "source": "text",                  # "xml" | "text" | "ocr" | "text+ocr" | None
     "embedded_xml": [{"name": "factur-x.xml", "size": 12345, "data": b"<?xml..."}],
     "pages": 3, "pages_read": 3, "ocr_pages": [], "ocr_confidence": None,   # mean word confidence 0..1
     "fields": {FIELD: {"value": ..., "confidence": 0.93,
                        "source": {"page": 1, "bbox": [x0, y0, x1, y1], "line": 12,
                                   "label": "Invoice date", "position": "right"}}},
     "lines": [{"description", "quantity", "price_unit", "amount", "tax_rate",
                "source": {"page", "line", "bbox"}}],
     "tax_breakdown": [{"rate": 20.0, "base": 100.0, "amount": 20.0, "source": {...}}],
     "identity": {"vats": [...], "ibans": [...], "registries": [...], "emails": [...], "websites": [...]},
     "findings": [{"code": "total_mismatch", "message": "...", "values": {...}}],
     "errors": [{"code": "too_many_pages", "message": "...", "fatal": False}],
     "conventions": {"decimal": ",", "date_order": "dmy"},
     "layout": [{"page": 1, "cells": [[text, x0, y0, x1, y1], ...]}, ...],   # rows, for learning
     "seconds": 0.21}

FIELD is one of ``supplier_name``, ``supplier_vat``, ``supplier_iban``, ``supplier_company_registry``,
``supplier_email``, ``supplier_website``, ``bill_number``, ``bill_date``, ``due_date`` (``datetime.date``),
``currency`` (ISO code), ``amount_untaxed``, ``amount_tax``, ``amount_total`` (floats, as printed:
a credit note's amounts may be positive), ``po_reference``. A field not found is absent. Bounding
boxes are page fractions (origin top left); ``line`` indexes ``layout``. ``bytes`` appear only in
``embedded_xml``; everything else is JSON-serialisable once dates are turned into strings
(:func:`to_json`).

Confidence comes from the label strength, the distance to the label and the agreement of the
amounts (untaxed + tax = total): a low figure means "check this", and a disagreement is a
``findings`` entry, never a silent correction.

Error codes: ``empty``, ``unsupported_format``, ``corrupt``, ``encrypted``, ``too_many_pages`` (not
fatal: the first ``max_pages`` pages are read), ``no_text`` (a scan or picture where OCR found
nothing), ``ocr_unavailable``, ``timeout``, ``tool_missing``, ``unknown_currency`` (not fatal).
``read_document`` never raises on bad input.
"""
import contextlib
import datetime as dt
import os
import tempfile
import time

from . import extract as _extract
from . import identity as _identity
from . import intake as _intake
from . import layout as _layout
from . import lines as _lines
from . import memory as _memory
from . import sources as _sources
from .identity import find_ibans, find_vats, match_partner, name_similarity, normalise_vat, valid_iban  # noqa: F401
from .memory import apply_memory, learn_correction  # noqa: F401
from .parsing import ISO_CURRENCIES, find_amounts, find_dates, parse_amount, parse_date  # noqa: F401
from .sources import missing_tools  # noqa: F401

DEFAULT_OPTIONS = {
    "max_pages": 30,             # pages read at most (the rest is reported, not read)
    "max_ocr_pages": 10,         # pages OCR'd at most
    "ocr": True,
    "ocr_languages": "eng+fra+deu",
    "dpi": 200,
    "min_text_chars": 25,        # a page with fewer characters in its text layer is OCR'd
    "timeout": 60,               # seconds per tool call
    "max_bytes": 50 * 1024 * 1024,
    "ignore_embedded_xml": False,
    "own_vats": (),              # the company's own VAT numbers and IBANs: never the supplier's
    "own_ibans": (),
    "currencies": None,          # ISO codes known to the database (default: every ISO 4217 code)
}

FIELDS = ("supplier_name", "supplier_vat", "supplier_iban", "supplier_company_registry", "supplier_email",
          "supplier_website", "bill_number", "bill_date", "due_date", "currency", "amount_untaxed", "amount_tax",
          "amount_total", "po_reference")


def _error(result, code, message, fatal=True):
    result["errors"].append({"code": code, "message": message, "fatal": fatal})
    if fatal:
        result["ok"] = False
    return result


def read_document(data, filename=None, mimetype=None, options=None, memory=None):
    """Read a supplier bill (PDF or image bytes) into fields, lines and findings (see module doc).

    ``options`` overrides :data:`DEFAULT_OPTIONS`; ``memory`` is the list of layout memory entries of
    the supplier (:func:`learn_correction`), newest first, applied before the generic reading.
    """
    start = time.perf_counter()
    opts = dict(DEFAULT_OPTIONS, **(options or {}))
    result = {"ok": True, "source": None, "embedded_xml": [], "pages": 0, "pages_read": 0, "ocr_pages": [],
              "ocr_confidence": None, "fields": {}, "lines": [], "tax_breakdown": [], "identity": {},
              "findings": [], "errors": [], "conventions": {}, "layout": [], "seconds": 0.0}
    try:
        _read(data, filename, mimetype, opts, memory, result)
    except _sources.ReadError as exc:
        _error(result, exc.code, exc.message)
    except Exception as exc:  # noqa: BLE001 - a bad file must give a message, not a traceback
        _error(result, "corrupt", f"the document could not be read ({type(exc).__name__}: {exc})")
    result["seconds"] = round(time.perf_counter() - start, 3)
    return result


def _read(data, filename, mimetype, opts, memory, result):
    if not data:
        return _error(result, "empty", "the file is empty")
    if len(data) > opts["max_bytes"]:
        return _error(result, "too_large", f"the file is larger than {opts['max_bytes'] // (1024 * 1024)} MB")
    kind = _sources.sniff(data, filename or "", mimetype or "")
    if kind == "xml":
        result["source"] = "xml"
        result["embedded_xml"] = [{"name": filename or "invoice.xml", "size": len(data), "data": data}]
        return result
    if kind is None:
        return _error(result, "unsupported_format", "the file is neither a PDF nor an image")
    timeout = opts["timeout"]
    pages = []
    with tempfile.TemporaryDirectory(prefix="ai_bill_") as tmp:
        path = os.path.join(tmp, "document.pdf" if kind == "pdf" else "document.img")
        with open(path, "wb") as handle:
            handle.write(data)
        if kind == "pdf":
            info = _sources.pdf_info(path, timeout)
            if info["encrypted"]:
                # opened without a password (owner restrictions only): readable, but say so
                result["errors"].append({"code": "encrypted", "message": "the PDF is encrypted (read anyway: no password needed)",
                                         "fatal": False})
            if info["pages"] <= 0:
                return _error(result, "empty", "the PDF has no page")
            result["pages"] = info["pages"]
            n_read = min(info["pages"], opts["max_pages"])
            if info["pages"] > n_read:
                _error(result, "too_many_pages",
                       f"the PDF has {info['pages']} pages; only the first {n_read} were read", fatal=False)
            result["pages_read"] = n_read
            xmls = _sources.pdf_attachments(path, timeout)
            result["embedded_xml"] = [{"name": x["name"], "size": len(x["data"]), "data": x["data"]} for x in xmls]
            has_xml = bool(xmls) and not opts["ignore_embedded_xml"]
            pages = _sources.pdf_words(path, 1, n_read, timeout)
            if len(pages) < n_read:
                pages += [{"words": []}] * (n_read - len(pages))
            need_ocr = [i for i, p in enumerate(pages, start=1)
                        if sum(len(w[0]) for w in p["words"]) < opts["min_text_chars"]]
            text_pages = n_read - len(need_ocr)
            if need_ocr and has_xml:
                need_ocr = []  # the XML is the bill; no need to OCR its picture
            if need_ocr and opts["ocr"]:
                if _sources.missing_tools(("tesseract", "pdftoppm")):
                    _error(result, "ocr_unavailable", "Tesseract or pdftoppm is not installed: scanned pages cannot be read",
                           fatal=not text_pages)
                else:
                    todo = need_ocr[: opts["max_ocr_pages"]]
                    if len(need_ocr) > len(todo):
                        _error(result, "too_many_pages", f"only the first {len(todo)} scanned pages were read by OCR",
                               fatal=False)
                    images = _sources.render_pages(path, todo, opts["dpi"], tmp, timeout)
                    confs = []
                    for number, image in zip(todo, images):
                        ocr = _sources.ocr_words(image, opts["ocr_languages"], timeout, opts["dpi"])
                        if ocr:
                            pages[number - 1] = ocr[0]
                            confs.append(ocr[0]["confidence"])
                    result["ocr_pages"] = todo
                    result["ocr_confidence"] = round(sum(confs) / len(confs), 3) if confs else None
            if has_xml:
                result["source"] = "xml"
            elif result["ocr_pages"]:
                result["source"] = "ocr" if not text_pages else "text+ocr"
            else:
                result["source"] = "text"
        else:
            if _sources.missing_tools(("tesseract",)):
                return _error(result, "ocr_unavailable", "Tesseract is not installed: images cannot be read")
            try:   # a decompression bomb is refused from its header, before Tesseract decodes it
                _intake.check_document(data, max_bytes=None, max_pages=None)
            except _intake.IntakeError as exc:
                if exc.code == "image_too_large":
                    return _error(result, "too_large", "the image has too many pixels to be read safely")
                if exc.code == "corrupt_image":
                    return _error(result, "corrupt", "the image cannot be opened")
            try:
                ocr = _sources.ocr_words(path, opts["ocr_languages"], timeout)
            except _sources.ReadError as exc:
                if exc.code == "tool_failed":
                    return _error(result, "corrupt", f"the image cannot be opened ({exc.message})")
                raise
            result["pages"] = len(ocr)
            if len(ocr) > opts["max_ocr_pages"]:
                _error(result, "too_many_pages", f"the image has {len(ocr)} pages; only the first "
                       f"{opts['max_ocr_pages']} were read", fatal=False)
            pages = ocr[: opts["max_ocr_pages"]]
            result["pages_read"] = len(pages)
            result["ocr_pages"] = list(range(1, len(pages) + 1))
            confs = [p["confidence"] for p in pages if p["words"]]
            result["ocr_confidence"] = round(sum(confs) / len(confs), 3) if confs else None
            result["source"] = "ocr"
    rows = _layout.build_rows(pages)
    if not rows or sum(len(c["text"]) for r in rows for c in r["cells"]) < 10:
        if result["source"] == "xml":
            return result
        if result["ocr_pages"] or kind == "image":
            return _error(result, "no_text", "no text could be read on the document (blank page or picture)")
        return _error(result, "no_text", "the PDF has no text layer and OCR is disabled")
    _fill(rows, opts, memory, result)
    return result


def _fill(rows, opts, memory, result):
    ctx = _extract.Context(rows, opts)
    known = set(opts["currencies"] or ISO_CURRENCIES)
    result["conventions"] = {"decimal": ctx.decimal, "date_order": ctx.order}
    remembered = _memory.apply_memory(rows, memory, ctx.decimal, ctx.order)
    fields = {}
    id_fields, identity = _identity.extract_identity(rows, opts["own_vats"], opts["own_ibans"])
    fields.update(id_fields)
    breakdown = _extract.tax_breakdown(ctx)
    amount_memory = {k: v for k, v in remembered.items() if k in _extract.AMOUNT_FIELDS}
    fields.update(_extract.choose_amounts(ctx, _extract.amount_candidates(ctx), breakdown, amount_memory))
    fields.update(_extract.date_fields(ctx, remembered))
    fields.update(_extract.reference_fields(ctx, remembered))
    currency, unknown = _extract.currency_field(ctx, known | ISO_CURRENCIES)
    if currency:
        fields["currency"] = currency
    for field, value in remembered.items():
        if field not in _extract.AMOUNT_FIELDS:
            fields[field] = value
    if unknown and (not currency or currency["confidence"] < 0.6 or any(
            s.get("label") for s in unknown.values())):
        codes = ", ".join(sorted(unknown))
        _error(result, "unknown_currency", f"unknown currency {codes}: set the bill's currency by hand", fatal=False)
        if currency and currency["confidence"] < 0.6:
            fields.pop("currency", None)
    elif opts["currencies"] and currency and currency["value"] not in known:
        _error(result, "unknown_currency", f"the currency {currency['value']} is not active in this database", fatal=False)
    breakdown = _extract.rate_of_tax_label(fields, breakdown)
    lines = _lines.read_lines(ctx)
    result["fields"] = {k: fields[k] for k in FIELDS if k in fields}
    result["lines"] = lines
    result["tax_breakdown"] = breakdown
    result["identity"] = identity
    result["findings"] = _lines.findings(result["fields"], lines, breakdown)
    result["layout"] = _layout.compact(rows)


def reread(result, memory, options=None):
    """The fields of an already read document read again with a supplier's layout memory, without
    reading the file again (the result keeps its ``layout`` rows). Returns a new result."""
    opts = dict(DEFAULT_OPTIONS, **(options or {}))
    rows = _layout.expand(result.get("layout") or [])
    if not rows or not memory:
        return result
    new = dict(result, errors=[e for e in result.get("errors", []) if e.get("code") != "unknown_currency"])
    try:
        _fill(rows, opts, memory, new)
    except Exception as exc:  # noqa: BLE001 - keep the first reading
        new = dict(result)
        new["errors"] = list(result.get("errors", [])) + [
            {"code": "memory", "message": f"the supplier's remembered layout could not be applied ({exc})",
             "fatal": False}]
    return new


def from_json(result):
    """Inverse of :func:`to_json` for what learning needs: ISO dates of the fields back to dates."""
    out = dict(result)
    fields = {}
    for name, field in (result.get("fields") or {}).items():
        field = dict(field)
        if name in ("bill_date", "due_date") and isinstance(field.get("value"), str):
            with contextlib.suppress(ValueError):   # not a date: kept as read
                field["value"] = dt.date.fromisoformat(field["value"][:10])
        fields[name] = field
    out["fields"] = fields
    return out


def to_json(result):
    """A copy of a result that ``json.dumps`` accepts: dates as ISO strings, XML bytes left out."""
    def convert(value):
        if isinstance(value, (dt.date, dt.datetime)):
            return value.isoformat()
        if isinstance(value, bytes):
            return None
        if isinstance(value, dict):
            return {k: convert(v) for k, v in value.items() if not isinstance(v, bytes)}
        if isinstance(value, (list, tuple)):
            return [convert(v) for v in value]
        return value
    return convert(result)
