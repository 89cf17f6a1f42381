"""Positioned words grouped into rows and cells (a cell: words of a row separated by small gaps).

A row is what a reader sees as one printed line; a wide gap splits it into cells, which is how
"label      value" pairs and table columns are told apart, whatever produced the words.
"""
import statistics

from .parsing import fold_keep_length as fold


def build_rows(pages):
    """``[{"page", "index", "y0", "y1", "cells": [{"text", "folded", "bbox", "page", "row", "col"}]}]``
    from ``[{"words": [(text, x0, y0, x1, y1)]}]`` (page fractions), in reading order."""
    rows = []
    for page_no, page in enumerate(pages, start=1):
        words = sorted(page.get("words") or (), key=lambda w: ((w[2] + w[4]) / 2, w[1]))
        if not words:
            continue
        heights = [w[4] - w[2] for w in words if w[4] > w[2]]
        typical = statistics.median(heights) if heights else 0.01
        current = []
        page_rows = []
        for word in words:
            center = (word[2] + word[4]) / 2
            if current:
                top = min(w[2] for w in current)
                bottom = max(w[4] for w in current)
                row_center = (top + bottom) / 2
                if abs(center - row_center) <= max(0.45 * typical, 0.25 * (bottom - top)):
                    current.append(word)
                    continue
                page_rows.append(current)
            current = [word]
        if current:
            page_rows.append(current)
        for row_words in page_rows:
            row_words.sort(key=lambda w: w[1])
            height = max(typical, statistics.median([w[4] - w[2] for w in row_words]))
            cells = []
            cell = [row_words[0]]
            for prev, word in zip(row_words, row_words[1:]):
                gap = word[1] - prev[3]
                if gap > 0.9 * height or (prev[0].endswith(":") and gap > 0.5 * height):
                    cells.append(cell)
                    cell = [word]
                else:
                    cell.append(word)
            cells.append(cell)
            index = len(rows)
            row = {"page": page_no, "index": index, "y0": min(w[2] for w in row_words),
                   "y1": max(w[4] for w in row_words), "cells": []}
            for col, words_ in enumerate(cells):
                text = " ".join(w[0] for w in words_)
                row["cells"].append({
                    "text": text, "folded": fold(text), "page": page_no, "row": index, "col": col,
                    "bbox": [round(min(w[1] for w in words_), 4), round(min(w[2] for w in words_), 4),
                             round(max(w[3] for w in words_), 4), round(max(w[4] for w in words_), 4)],
                })
            rows.append(row)
    return rows


def row_text(row):
    return "   ".join(cell["text"] for cell in row["cells"])


def overlap_x(a, b):
    """Horizontal overlap of two bboxes, as a fraction of the narrower one."""
    inter = min(a[2], b[2]) - max(a[0], b[0])
    width = max(min(a[2] - a[0], b[2] - b[0]), 1e-6)
    return max(0.0, inter / width)


def compact(rows):
    """The rows as plain JSON data kept in the result (for learning from a correction)."""
    return [{"page": r["page"], "cells": [[c["text"]] + list(c["bbox"]) for c in r["cells"]]} for r in rows]


def expand(compact_rows):
    """Inverse of :func:`compact`."""
    rows = []
    for index, row in enumerate(compact_rows or ()):
        cells = []
        for col, item in enumerate(row.get("cells") or ()):
            text, bbox = item[0], list(item[1:5])
            cells.append({"text": text, "folded": fold(text), "page": row.get("page", 1), "row": index,
                          "col": col, "bbox": bbox})
        if cells:
            rows.append({"page": row.get("page", 1), "index": index, "cells": cells,
                         "y0": min(c["bbox"][1] for c in cells), "y1": max(c["bbox"][3] for c in cells)})
    return rows
