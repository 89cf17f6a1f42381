"""A small seeded sample of benchmarks/fuzz.py inside ./suite test: every reader of outside input
meets mutated and random inputs and keeps its contract (only its documented error, never longer than
5 s). The full run (10,000 inputs per reader) is ``./suite bench fuzz``."""
import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
pytest.importorskip("hypothesis")
fuzz = pytest.importorskip("fuzz")

SAMPLE = {"intake": 300, "base64": 300, "xml": 200, "lead_rows": 150, "pdf_text": 40, "ocr_image": 8}


@pytest.fixture(scope="module")
def readers():
    return fuzz.readers(fuzz.seed_corpus())


@pytest.mark.parametrize("name", sorted(SAMPLE))
def test_reader_survives_a_fuzz_sample(readers, name):
    if name in ("pdf_text", "ocr_image") and not shutil.which("pdftotext"):
        pytest.skip("Poppler is not installed")
    if name == "ocr_image" and not shutil.which("tesseract"):
        pytest.skip("Tesseract is not installed")
    target, strategy = readers[name]
    # speed is the benchmark's to measure (5 s per input there); here only the contract is checked
    stats = fuzz.run(name, target, strategy, SAMPLE[name], seed=7, max_seconds=float("inf"))
    assert stats["inputs"] == SAMPLE[name]
    assert stats["crashes"] == 0, stats["first"]
