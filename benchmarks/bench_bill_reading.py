#!/usr/bin/env python3
"""Bill reading benchmark: our template-free reader (text layer, then OCR) against invoice2data.

    ./suite bench bill_reading                  text layer, OCR and invoice2data (OCR about 1 s a page)
    ./suite bench bill_reading --no-ocr         text layer and invoice2data only
    ./suite bench bill_reading --files 3,12     some documents (indexes in MANIFEST.json), --no-write

Data: ``invoices/sample_pdfs/`` of the shared data directory (``MANIFEST.json``): the invoice2data test
invoices with their ground-truth JSON, and Factur-X / ZUGFeRD / XRechnung PDFs whose embedded XML
gives the truth. Every PDF is read WITHOUT its embedded XML (``ignore_embedded_xml``); for OCR its
pages are rendered at 200 dpi to grey PNGs, packed into one multi-page TIFF and read as an image (no
text layer left). invoice2data runs with its bundled templates on the PDFs (its own text extraction).

What counts as right (a field missing from the truth is skipped; n is reported per field):

- ``supplier``: our VAT number equals the seller's VAT of the truth, or the seller's name and ours
  share every significant word of the shorter one (legal forms and case ignored);
- ``number``: equal once upper-cased with blanks and a leading ``#`` removed;
- ``date``: the issue date, equal;
- ``total`` / ``tax``: equal to the cent, in absolute value (a credit note may print its amounts
  positive). Truth tax: the XML's tax total, invoice2data's ``amount_tax``, else ``amount`` -
  ``amount_untaxed`` when it gives both;
- ``iban``: equal without blanks; truth IBANs that fail the IBAN checksum (placeholders such as
  ``US1234567890``) are skipped, since a reader that validates IBANs can never return them.

Results are printed and merged into ``benchmarks/results/bill_reading.json``.
"""
import argparse
import datetime as dt
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import bench_common  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))
RESULTS_PATH = REPO / "benchmarks" / "results" / "bill_reading.json"
FIELDS = ("supplier", "number", "date", "total", "tax", "iban")


shared_dir = bench_common.shared_data_dir


def load_core():
    return bench_common.load_core("ai_invoice_check", "reading")


# --- truth ------------------------------------------------------------------------------------------

def _local(tag):
    return tag.rsplit("}", 1)[-1]


def _find_path(root, path):
    """Elements under ``root`` following local names (namespaces ignored)."""
    nodes = [root]
    for name in path.split("/"):
        nodes = [child for node in nodes for child in node.iter() if _local(child.tag) == name and child is not node]
        if not nodes:
            return []
    return nodes


def _text(root, path):
    nodes = _find_path(root, path)
    return nodes[0].text.strip() if nodes and nodes[0].text else None


def truth_from_xml(data):
    """number, date, total, tax, seller name / VAT, IBAN of a CII (Factur-X, ZUGFeRD 1/2) or UBL XML."""
    root = ET.fromstring(data)
    truth = {}
    if _local(root.tag) in ("Invoice", "CreditNote") and "oasis" in root.tag:  # UBL
        truth["number"] = next((c.text for c in root if _local(c.tag) == "ID"), None)
        truth["date"] = next((c.text for c in root if _local(c.tag) == "IssueDate"), None)
        truth["total"] = _text(root, "LegalMonetaryTotal/TaxInclusiveAmount")
        truth["tax"] = _text(root, "TaxTotal/TaxAmount")
        truth["seller_name"] = (_text(root, "AccountingSupplierParty/PartyName/Name")
                                or _text(root, "AccountingSupplierParty/RegistrationName"))
        truth["seller_vat"] = _text(root, "AccountingSupplierParty/PartyTaxScheme/CompanyID")
        truth["iban"] = _text(root, "PaymentMeans/PayeeFinancialAccount/ID")
    else:  # CII
        doc = (_find_path(root, "ExchangedDocument") or _find_path(root, "HeaderExchangedDocument") or [root])[0]
        truth["number"] = next((c.text for c in doc if _local(c.tag) == "ID"), None)
        raw = _text(doc, "IssueDateTime/DateTimeString")
        truth["date"] = f"{raw[:4]}-{raw[4:6]}-{raw[6:8]}" if raw and re.fullmatch(r"\d{8}", raw) else raw
        truth["total"] = _text(root, "GrandTotalAmount")
        truth["tax"] = _text(root, "SpecifiedTradeSettlementMonetarySummation/TaxTotalAmount") or _text(
            root, "SpecifiedTradeSettlementHeaderMonetarySummation/TaxTotalAmount")
        seller = (_find_path(root, "SellerTradeParty") or [None])[0]
        if seller is not None:
            truth["seller_name"] = next((c.text for c in seller if _local(c.tag) == "Name"), None)
            for reg in _find_path(seller, "SpecifiedTaxRegistration/ID"):
                if reg.get("schemeID") == "VA":
                    truth["seller_vat"] = reg.text
        truth["iban"] = _text(root, "PayeePartyCreditorFinancialAccount/IBANID")
    for key in ("total", "tax"):
        try:
            truth[key] = float(truth[key]) if truth.get(key) is not None else None
        except ValueError:
            truth[key] = None
    return {k: (v.strip() if isinstance(v, str) else v) for k, v in truth.items() if v not in (None, "")}


def truth_from_json(path):
    item = json.loads(path.read_text())[0]
    truth = {"number": item.get("invoice_number"), "date": item.get("date"), "total": item.get("amount"),
             "seller_name": item.get("partner_name") or item.get("issuer"),
             "seller_vat": item.get("vat") or item.get("static_vat"), "iban": item.get("iban")}
    if item.get("amount_tax") is not None:
        truth["tax"] = item["amount_tax"]
    elif item.get("amount") is not None and item.get("amount_untaxed") is not None:
        truth["tax"] = round(item["amount"] - item["amount_untaxed"], 2)
    if isinstance(truth["seller_vat"], (int, float)):
        truth["seller_vat"] = None  # a bare number (a national tax id), not a VAT number
    return {k: v for k, v in truth.items() if v not in (None, "")}


def load_documents(base, core, only=None):
    manifest = json.loads((base / "MANIFEST.json").read_text())
    docs = []
    for index, entry in enumerate(manifest):
        if only is not None and index not in only:
            continue
        path = base / entry["file"]
        truth = {}
        json_path = path.with_suffix(".json")
        if json_path.exists():
            truth = truth_from_json(json_path)
        elif entry.get("embedded_xml"):
            for item in core.sources.pdf_attachments(str(path), 30):
                try:
                    truth = truth_from_xml(item["data"])
                    break
                except ET.ParseError:
                    continue
        if truth.get("iban") and not core.valid_iban(truth["iban"]):
            truth["iban_invalid"] = truth.pop("iban")
        if not truth:
            continue
        docs.append({"index": index, "file": entry["file"], "path": path, "pages": entry.get("pages") or 1, "truth": truth})
    return docs


# --- judging ----------------------------------------------------------------------------------------

def _norm_ref(value):
    return re.sub(r"\s", "", str(value or "")).lstrip("#").upper()


def judge(core, truth, got):
    """{field: True/False} for the fields the truth has; ``got`` holds plain values."""
    out = {}
    if truth.get("seller_name") or truth.get("seller_vat"):
        vat_ok = bool(truth.get("seller_vat") and got.get("vat")
                      and core.normalise_vat(truth["seller_vat"]) == core.normalise_vat(got["vat"]))
        a, b = set(core.identity.name_tokens(truth.get("seller_name"))), set(core.identity.name_tokens(got.get("name")))
        name_ok = bool(a and b and (a <= b or b <= a))
        out["supplier"] = vat_ok or name_ok
    if truth.get("number"):
        out["number"] = _norm_ref(truth["number"]) == _norm_ref(got.get("number"))
    if truth.get("date"):
        out["date"] = str(truth["date"])[:10] == (got.get("date").isoformat()[:10] if got.get("date") else None)
    for key in ("total", "tax"):
        if truth.get(key) is not None:
            value = got.get(key)
            out[key] = value is not None and abs(abs(float(value)) - abs(float(truth[key]))) < 0.006
    if truth.get("iban"):
        out["iban"] = re.sub(r"\s", "", truth["iban"]).upper() == re.sub(r"\s", "", got.get("iban") or "").upper()
    return out


MONTHS = {
    "en": "january february march april may june july august september october november december",
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    "de": "januar februar märz april mai juni juli august september oktober november dezember",
    "nl": "januari februari maart april mei juni juli augustus september oktober november december",
    "es": "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
    "it": "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre",
}


def date_spellings(day):
    """Ways a bill prints ``day``, numeric (day or month first, 2- or 4-digit year) and in words."""
    d, m, y = day.day, day.month, day.year
    out = {day.isoformat(), f"{y}/{m:02d}/{d:02d}", f"{y}.{m:02d}.{d:02d}"}
    suffix = "th" if 11 <= d % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(d % 10, "th")
    ordinals = {f"{d}{suffix}", f"{d}er" if d == 1 else f"{d}"}
    for dd in {f"{d:02d}", str(d)}:
        for mm in {f"{m:02d}", str(m)}:
            for yy in (str(y), f"{y % 100:02d}"):
                for sep in ".-/":
                    out |= {f"{dd}{sep}{mm}{sep}{yy}", f"{mm}{sep}{dd}{sep}{yy}"}
        for names in MONTHS.values():
            name = names.split()[m - 1]
            for month in {name, name[:3], name[:3] + ".", name[:4] + "."}:
                out |= {f"{dd} {month} {y}", f"{dd}. {month} {y}", f"{month} {dd}, {y}", f"{month} {dd} {y}",
                        f"{dd}-{month}-{y}", f"{dd} {month}, {y}"}
                for nth in ordinals:
                    out |= {f"{nth} {month} {y}", f"{month} {nth}, {y}", f"{month} {nth} {y}", f"{nth} of {month} {y}"}
    return out


def amount_spellings(value):
    """Ways a bill prints the amount ``value`` (any thousands and decimal separators)."""
    plain = f"{abs(value):.2f}"
    grouped = f"{abs(value):,.2f}"
    out = {plain, plain.replace(".", ",")}
    for thousands in (",", ".", " ", "'", "\u202f", "\xa0"):
        for decimal in ".,":
            if thousands != decimal:
                out.add(grouped.replace(",", "\0").replace(".", decimal).replace("\0", thousands))
    if float(value).is_integer():
        out.add(str(int(abs(value))))
    return out


def printed_on_page(path, truth):
    """Which truth values of date and total are printed on the document's pages at all, in any
    usual spelling, found in Poppler's text (not through our reader): a document whose page shows
    another invoice than its XML cannot be read right by anyone."""
    # Poppler is required here (the reader needs it too): a failure stops the benchmark, never
    # silently empties the "printed" row
    text = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, timeout=120,
                          check=True).stdout
    folded = re.sub(r" ,", ",", re.sub(r"[ \t]+", " ", text.lower()))

    def present(spellings):
        return any(re.search(r"(?<![\d.,])" + re.escape(s.lower()) + r"(?![\d]|[.,]\d)", folded) for s in spellings)

    out = {}
    if truth.get("date"):
        out["date"] = present(date_spellings(dt.date.fromisoformat(str(truth["date"])[:10])))
    if truth.get("total") is not None:
        out["total"] = present(amount_spellings(float(truth["total"])))
    return out


def ours_values(result):
    f = result.get("fields", {})
    val = lambda k: (f.get(k) or {}).get("value")  # noqa: E731
    return {"name": val("supplier_name"), "vat": val("supplier_vat"), "number": val("bill_number"),
            "date": val("bill_date"), "total": val("amount_total"), "tax": val("amount_tax"), "iban": val("supplier_iban")}


def i2d_values(data):
    if not data:
        return {}
    date = data.get("date")
    if isinstance(date, dt.datetime):
        date = date.date()
    tax = data.get("amount_tax")
    if tax is None and data.get("amount") is not None and data.get("amount_untaxed") is not None:
        tax = round(float(data["amount"]) - float(data["amount_untaxed"]), 2)
    return {"name": data.get("partner_name") or data.get("issuer"), "vat": data.get("vat") or data.get("static_vat"),
            "number": data.get("invoice_number"), "date": date if isinstance(date, dt.date) else None,
            "total": data.get("amount"), "tax": tax, "iban": data.get("iban")}


def accuracy(verdicts):
    table = {}
    for field in FIELDS:
        marks = [v[field] for v in verdicts if field in v]
        table[field] = {"accuracy": round(sum(marks) / len(marks), 3) if marks else None, "n": len(marks)}
    return table


def to_tiff(pdf_path, dpi, tmp):
    """The PDF's pages rendered to grey images, packed in one multi-page TIFF (a scan, no text layer)."""
    from PIL import Image
    prefix = os.path.join(tmp, "page")
    subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", str(pdf_path), prefix], check=True, timeout=300)
    files = sorted(Path(tmp).glob("page*.png"))
    images = [Image.open(f) for f in files]
    buffer = io.BytesIO()
    images[0].save(buffer, format="TIFF", save_all=True, append_images=images[1:], compression="tiff_deflate",
                   dpi=(dpi, dpi))
    for f in files:
        f.unlink()
    return buffer.getvalue()


def merge_results(updates, path=RESULTS_PATH):
    data = {}
    if path.exists():
        try:
            data = json.loads(path.read_text())
        except ValueError:
            data = {}
    data.update(updates)
    data["measured"] = dt.date.today().isoformat()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(data, indent=2) + "\n")
    tmp.replace(path)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--files", help="comma-separated MANIFEST indexes")
    parser.add_argument("--no-ocr", action="store_true")
    parser.add_argument("--no-i2d", action="store_true")
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--dpi", type=int, default=200)
    parser.add_argument("--verbose", "-v", action="store_true")
    args = parser.parse_args(argv)
    core = load_core()
    base = shared_dir() / "invoices" / "sample_pdfs"
    only = {int(x) for x in args.files.split(",")} if args.files else None
    docs = load_documents(base, core, only)
    print(f"{len(docs)} documents with a truth ({sum(d['pages'] for d in docs)} pages) in {base}")

    runs = {"text": [], "text, value printed on the page": [], "ocr": [], "invoice2data": []}
    text_time = text_pages = ocr_time = ocr_pages = 0.0
    not_printed = []
    templates = None
    if not args.no_i2d:
        try:
            from invoice2data import extract_data
            from invoice2data.extract.loader import read_templates
            import logging
            logging.getLogger("invoice2data").setLevel(logging.CRITICAL)
            templates = read_templates()
        except ImportError:
            print("invoice2data is not installed (pip install -r benchmarks/requirements.txt): skipped")
    for doc in docs:
        data = doc["path"].read_bytes()
        start = time.perf_counter()
        result = core.read_document(data, doc["path"].name, options={"ignore_embedded_xml": True})
        text_time += time.perf_counter() - start
        text_pages += result.get("pages_read") or doc["pages"]
        verdict = judge(core, doc["truth"], ours_values(result))
        runs["text"].append(verdict)
        printed = printed_on_page(doc["path"], doc["truth"])
        runs["text, value printed on the page"].append({k: v for k, v in verdict.items() if printed.get(k)})
        missing = [k for k, v in printed.items() if not v]
        if missing:
            truth_of = ", ".join(f"{k} {doc['truth'][k]}" for k in missing)
            not_printed.append(f"{doc['index']} {doc['file']}: {truth_of}")
        line = f"{doc['index']:>3} {doc['file'][-48:]:<48} text " + " ".join(
            f"{k}={'ok' if v else 'NO'}" for k, v in verdict.items())
        if templates is not None:
            try:
                got = extract_data(str(doc["path"]), templates=templates)
            except Exception:  # noqa: BLE001 - the baseline failing on a file is a miss
                got = None
            runs["invoice2data"].append(judge(core, doc["truth"], i2d_values(got or {})))
        if not args.no_ocr:
            with tempfile.TemporaryDirectory(prefix="bench_bill_") as tmp:
                image = to_tiff(doc["path"], args.dpi, tmp)
            start = time.perf_counter()
            result_ocr = core.read_document(image, "scan.tiff", options={"dpi": args.dpi})
            ocr_time += time.perf_counter() - start
            ocr_pages += result_ocr.get("pages_read") or doc["pages"]
            verdict_ocr = judge(core, doc["truth"], ours_values(result_ocr))
            runs["ocr"].append(verdict_ocr)
            line += " | ocr " + " ".join(f"{k}={'ok' if v else 'NO'}" for k, v in verdict_ocr.items())
        if args.verbose:
            print(line, flush=True)

    tables = {name: accuracy(v) for name, v in runs.items() if v}
    if not_printed:
        print(f"\nTruth values printed nowhere on their page (the embedded XML describes another invoice), "
              f"left out of the 'printed' row: {len(not_printed)} documents")
        for line in not_printed:
            print("  " + line)
    print()
    print("| reader | " + " | ".join(FIELDS) + " |")
    print("| --- |" + " --- |" * len(FIELDS))
    for name, table in tables.items():
        cells = [f"{table[f]['accuracy']:.3f} (n={table[f]['n']})" if table[f]["accuracy"] is not None else "-"
                 for f in FIELDS]
        print(f"| {name} | " + " | ".join(cells) + " |")
    s_text = round(text_time / max(text_pages, 1), 3)
    print(f"\ntext layer: {s_text} s per page ({int(text_pages)} pages)")
    s_ocr = None
    if runs["ocr"]:
        s_ocr = round(ocr_time / max(ocr_pages, 1), 2)
        print(f"OCR: {s_ocr} s per page ({int(ocr_pages)} pages)")
    if not args.no_write and only is None:
        updates = {name: {f: t[f]["accuracy"] for f in FIELDS} for name, t in tables.items() if "," not in name}
        updates["text_printed"] = {f: tables["text, value printed on the page"][f]["accuracy"] for f in ("date", "total")}
        updates["n"] = {name: {f: t[f]["n"] for f in FIELDS} for name, t in tables.items()}
        updates.update({"s_per_text_page": s_text, "s_per_ocr_page": s_ocr, "n_docs": len(docs)})
        merge_results(updates)
        print(f"written to {RESULTS_PATH.relative_to(REPO)}")


if __name__ == "__main__":
    main()
