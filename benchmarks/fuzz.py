"""Fuzzing of every reader of outside input: does a bad file or value ever escape as a crash?

Readers (each a pure-Python core, no Odoo) and the one outcome each documents for bad input:

    intake       ai_invoice_check reading/intake.check_document(bytes): the document check before any
                 reading (upload, XML-RPC import); documented error: ``IntakeError`` with a code
    base64       reading/intake.decode_base64(text): the ``datas`` of ai_import_bill_documents;
                 documented error: ``IntakeError``
    pdf_text     reading.read_document(bytes) on PDFs (Poppler's text layer, embedded XML e-invoices);
                 never raises: problems come back in ``result["errors"]``
    ocr_image    reading.read_document(bytes) on PNG/JPEG/TIFF page images (Tesseract); never raises
    xml          intake + reading.read_document on XML e-invoices; ``IntakeError`` or a result
    lead_rows    ai_lead_scoring scoring.Scorer.predict_explain(rows) on rows of odd values (the leads
                 of an import or of XML-RPC writes); never raises, probabilities in [0, 1]

Protocol. The seed corpus is generated here, as the project's demo generator does (a French
supplier bill drawn with reportlab, its page rendered to PNG/JPEG/TIFF by Poppler, a UBL e-invoice,
lead rows like the demo's); nothing is read from ../shared. Hypothesis (``derandomize`` off, seeded
with ``--seed``, no example database) draws each input as a seed document put through 1-6 mutations
(byte flips, truncation, insertion of random bytes, repetition of a chunk, splice of two seeds) or,
one time in ten, as random bytes. A *crash* is any exception other than the documented one, a
result that breaks the reader's contract, or an input that takes more than ``--max-seconds`` (5 s).

    ./suite bench fuzz                                  # 10,000 inputs per reader
    ./suite bench fuzz --inputs 500 --readers intake,xml

It prints one line per reader and merges ``{"readers": {name: {"inputs", "crashes", "max_s"}}}``
into ``benchmarks/results/fuzz.json`` (with the first crashes' descriptions). ``tests/core/
test_fuzz_sample.py`` runs a small seeded sample of every reader inside ``./suite test``.
"""
import argparse
import importlib
import importlib.util
import io
import json
import math
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ADDONS = REPO / "addons"
RESULT = Path(__file__).resolve().parent / "results" / "fuzz.json"
MAX_SECONDS = 5.0


def load_core(addon, package):
    """An addon's pure-Python core package without Odoo (as tests/cores.py does)."""
    name = f"{addon}__{package}"
    if name in sys.modules:
        return sys.modules[name]
    init = ADDONS / addon / package / "__init__.py"
    spec = importlib.util.spec_from_file_location(name, init, submodule_search_locations=[str(init.parent)])
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


reading = load_core("ai_invoice_check", "reading")
intake = importlib.import_module("ai_invoice_check__reading.intake")
scoring = load_core("ai_lead_scoring", "scoring")


# ------------------------------------------------------------------------------------------------
# Seed corpus, generated


def bill_pdf(number="FA-2026-117", total="1 234,50"):
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4)
    lines = ["Dupont Fournitures SARL", "12 rue de la Paix, 69002 Lyon", "TVA FR40303265045",
             f"Facture n° {number}", "Date : 15/03/2026", "Échéance : 14/04/2026",
             "Désignation            Qté   Prix unitaire   Montant",
             "Ramettes papier A4      10        4,50          45,00",
             "Cartouches encre         3       39,90         119,70",
             "Total HT                                     1 028,75",
             "TVA 20 %                                       205,75",
             f"Total TTC                                    {total}",
             "IBAN FR76 3000 6000 0112 3456 7890 189"]
    for i, text in enumerate(lines):
        c.drawString(60, 780 - 22 * i, text)
    c.showPage()
    c.save()
    return out.getvalue()


def page_images(pdf):
    """The bill's page as small PNG, JPEG and TIFF images (Poppler), for the OCR reader."""
    if not shutil.which("pdftoppm"):
        return []
    from PIL import Image

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bill.pdf"
        path.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-r", "60", "-png", "-singlefile", str(path), f"{tmp}/page"], check=True)
        png = (Path(tmp) / "page.png").read_bytes()
    image = Image.open(io.BytesIO(png)).convert("L")
    out = [png]
    for fmt in ("JPEG", "TIFF"):
        buffer = io.BytesIO()
        image.save(buffer, format=fmt)
        out.append(buffer.getvalue())
    return out


UBL = b"""<?xml version="1.0" encoding="UTF-8"?>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
         xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
         xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2">
  <cbc:ID>FA-2026-117</cbc:ID><cbc:IssueDate>2026-03-15</cbc:IssueDate>
  <cbc:DocumentCurrencyCode>CHF</cbc:DocumentCurrencyCode>
  <cac:AccountingSupplierParty><cac:Party><cac:PartyName><cbc:Name>Dupont Fournitures</cbc:Name>
  </cac:PartyName></cac:Party></cac:AccountingSupplierParty>
  <cac:LegalMonetaryTotal><cbc:PayableAmount currencyID="CHF">1234.50</cbc:PayableAmount>
  </cac:LegalMonetaryTotal>
</Invoice>
"""


def seed_corpus():
    pdf = bill_pdf()
    images = page_images(pdf)
    return {
        "pdf": [pdf, bill_pdf("R-77", "99,00")],
        "image": images,
        "xml": [UBL, UBL.replace(b"1234.50", b"12.5e3")],
        "any": [pdf, UBL, *images[:1]],
    }


def scorer():
    """A lead-scoring model trained on generated leads (as the demo's history)."""
    import random

    rng = random.Random(3)
    rows, won = [], []
    for _i in range(400):
        source = rng.choice(["Referral", "Website", "Cold call"])
        rows.append({"source": source, "country": rng.choice(["CH", "FR", None]),
                     "expected_revenue": rng.lognormvariate(8, 1), "n_calls": rng.randrange(6),
                     "tags": rng.sample(["urgent", "vip", "export", "retail"], rng.randrange(3)),
                     "description": "besoin " * rng.randrange(8)})
        won.append(rng.random() < {"Referral": 0.8, "Website": 0.4, "Cold call": 0.1}[source])
    spec = scoring.FeatureSpec(categorical=["source", "country"], numeric=["expected_revenue", "n_calls"],
                               multi=["tags"], text=["description"])
    payload, _metrics = scoring.train(rows, won, list(range(len(rows))), spec)
    return scoring.Scorer(payload)


# ------------------------------------------------------------------------------------------------
# Targets: one call each, returning normally when the reader kept its contract


class Stuck(BaseException):
    """An input the reader is still busy with after four times the time allowed."""


def _stuck(signum, frame):
    raise Stuck()


class Broken(AssertionError):
    """The reader returned, but not what it documents."""


def _check_result(result):
    if not isinstance(result, dict) or "ok" not in result or not isinstance(result.get("errors"), list):
        raise Broken(f"not a reading result: {type(result).__name__}")
    if not result["ok"] and not result["errors"]:
        raise Broken("failed without saying why")


def target_intake(data):
    try:
        intake.check_document(data, max_pages=20)
    except intake.IntakeError:
        pass


def target_base64(data):
    text = data.decode("latin-1")
    try:
        intake.decode_base64(text, max_bytes=1_000_000)
    except intake.IntakeError:
        pass


READ_OPTIONS = {"timeout": 10, "max_pages": 3, "max_ocr_pages": 1, "dpi": 100}


def target_read(data):
    _check_result(reading.read_document(data, "bill", options=READ_OPTIONS))


def target_xml(data):
    try:
        intake.check_document(data)
    except intake.IntakeError:
        return
    _check_result(reading.read_document(data, "bill.xml", options=READ_OPTIONS))


_SCORER = []


def target_lead_rows(rows):
    if not _SCORER:
        _SCORER.append(scorer())
    probabilities, reasons = _SCORER[0].predict_explain(rows, top=3)
    if len(probabilities) != len(rows) or len(reasons) != len(rows):
        raise Broken("one probability and one list of reasons per row")
    for p in probabilities:
        if not (math.isfinite(p) and 0.0 <= p <= 1.0):
            raise Broken(f"probability {p!r}")


# ------------------------------------------------------------------------------------------------
# Inputs


def byte_inputs(seeds):
    from hypothesis import strategies as st

    if not seeds:
        return st.binary(max_size=4096)
    seed = st.sampled_from(seeds)

    @st.composite
    def mutated(draw):
        data = bytearray(draw(seed))
        for _i in range(draw(st.integers(1, 6))):
            op = draw(st.sampled_from(["flip", "truncate", "insert", "repeat", "splice", "delete"]))
            n = len(data)
            if op == "flip" and n:
                at = draw(st.integers(0, n - 1))
                data[at] ^= 1 << draw(st.integers(0, 7))
            elif op == "truncate" and n:
                data = data[: draw(st.integers(0, n))]
            elif op == "insert":
                at = draw(st.integers(0, n))
                data[at:at] = draw(st.binary(min_size=1, max_size=64))
            elif op == "repeat" and n:
                start = draw(st.integers(0, n - 1))
                chunk = data[start:start + draw(st.integers(1, 256))]
                data[start:start] = chunk * draw(st.integers(1, 8))
            elif op == "splice" and n:
                other = draw(seed)
                data = data[: draw(st.integers(0, n))] + other[draw(st.integers(0, len(other))):]
            elif op == "delete" and n:
                start = draw(st.integers(0, n - 1))
                del data[start:start + draw(st.integers(1, 512))]
        return bytes(data)

    return st.one_of(mutated(), mutated(), mutated(), mutated(), mutated(), mutated(), mutated(), mutated(),
                     mutated(), st.binary(max_size=2048))


def row_inputs():
    from hypothesis import strategies as st

    odd = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True),
                    st.text(max_size=30), st.binary(max_size=10), st.lists(st.text(max_size=8), max_size=4),
                    st.dictionaries(st.text(max_size=4), st.integers(), max_size=2))
    columns = ["source", "country", "expected_revenue", "n_calls", "tags", "description", "unknown"]
    row = st.dictionaries(st.sampled_from(columns), odd, max_size=len(columns))
    return st.lists(row, min_size=0, max_size=5)


def readers(corpus):
    return {
        "intake": (target_intake, byte_inputs(corpus["any"])),
        "base64": (target_base64, byte_inputs([b"JVBERi0xLjQK" * 8, b"not base64 !!", b""])),
        "pdf_text": (target_read, byte_inputs(corpus["pdf"])),
        "ocr_image": (target_read, byte_inputs(corpus["image"])),
        "xml": (target_xml, byte_inputs(corpus["xml"])),
        "lead_rows": (target_lead_rows, row_inputs()),
    }


def run(name, target, strategy, inputs, seed, max_seconds=MAX_SECONDS, keep=5):
    """Feed ``inputs`` examples of ``strategy`` to ``target``: {"inputs", "crashes", "max_s", "first"}."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import seed as hypothesis_seed

    stats = {"inputs": 0, "crashes": 0, "max_s": 0.0, "first": []}

    @hypothesis_seed(seed)
    @settings(max_examples=inputs, deadline=None, database=None, derandomize=False, phases=["generate"],
              suppress_health_check=list(HealthCheck), report_multiple_bugs=False)
    @given(strategy)
    def fuzz(value):
        stats["inputs"] += 1
        started = time.perf_counter()
        problem = None
        hang = math.isfinite(max_seconds) and hasattr(signal, "setitimer")
        if hang:   # an input that never ends must be reported, not hang the run
            signal.signal(signal.SIGALRM, _stuck)
            signal.setitimer(signal.ITIMER_REAL, 4 * max_seconds)
        try:
            target(value)
        except Stuck:
            problem = f"still running after {4 * max_seconds:.0f} s (stopped)"
        except Exception as exc:  # noqa: BLE001 - any escape is what we count
            problem = f"{type(exc).__name__}: {str(exc)[:200]}"
        finally:
            if hang:
                signal.setitimer(signal.ITIMER_REAL, 0)
        seconds = time.perf_counter() - started
        stats["max_s"] = max(stats["max_s"], seconds)
        if problem is None and seconds > max_seconds:
            problem = f"took {seconds:.1f} s"
        if problem:
            stats["crashes"] += 1
            if len(stats["first"]) < keep:
                size = len(value) if isinstance(value, (bytes, list)) else None
                stats["first"].append({"error": problem, "input_size": size,
                                       "input_head": repr(value[:120]) if isinstance(value, bytes) else None})

    fuzz()
    stats["max_s"] = round(stats["max_s"], 3)
    return stats


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--inputs", type=int, default=10_000, help="inputs per reader (10,000)")
    parser.add_argument("--readers", help="comma-separated subset of: intake, base64, pdf_text, ocr_image, xml, "
                                          "lead_rows")
    parser.add_argument("--seed", type=int, default=20261207)
    parser.add_argument("--max-seconds", type=float, default=MAX_SECONDS)
    args = parser.parse_args(argv)
    corpus = seed_corpus()
    chosen = readers(corpus)
    if args.readers:
        wanted = [r.strip() for r in args.readers.split(",") if r.strip()]
        unknown = sorted(set(wanted) - set(chosen))
        if unknown:
            parser.error(f"unknown reader(s) {', '.join(unknown)}; choose among {', '.join(chosen)}")
        chosen = {name: chosen[name] for name in wanted}
    try:
        results = json.loads(RESULT.read_text())
    except (OSError, ValueError):
        results = {}
    results.setdefault("readers", {})
    print(f"{'reader':<12} {'inputs':>7} {'crashes':>8} {'max s':>7} {'wall s':>8}")
    for name, (target, strategy) in chosen.items():
        started = time.perf_counter()
        stats = run(name, target, strategy, args.inputs, args.seed, args.max_seconds)
        wall = time.perf_counter() - started
        print(f"{name:<12} {stats['inputs']:>7} {stats['crashes']:>8} {stats['max_s']:>7.3f} {wall:>8.1f}", flush=True)
        for crash in stats["first"]:
            print(f"    {crash['error']} (input of {crash['input_size']})")
        results["readers"][name] = {"inputs": stats["inputs"], "crashes": stats["crashes"], "max_s": stats["max_s"],
                                    "wall_s": round(wall, 1), "first_crashes": stats["first"],
                                    "seed": args.seed, "date": time.strftime("%Y-%m-%d")}
        RESULT.parent.mkdir(exist_ok=True)
        RESULT.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    return 1 if any(r["crashes"] for r in results["readers"].values()) else 0


if __name__ == "__main__":
    sys.exit(main())
