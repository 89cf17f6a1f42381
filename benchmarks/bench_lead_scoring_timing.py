"""Best channel and best weekday, learned on past contacts, checked on later ones (UCI Bank Marketing).

    ./suite bench lead_scoring_timing

The bank's phone campaigns (May 2008 - Nov 2010, rows in date order) give for each contact its channel
(cellular / telephone), its date (day + month; the year is rebuilt from the order) and whether the client
subscribed. The engagement core of ai_lead_scoring learns, on the first 80% of contacts, the best channel and
the best weekday per segment of similar clients (job, education), shrunk towards everybody, exactly as it does
for prospects in Odoo. On the last 20%, it compares the conversion rate of contacts that happened to be made
on the recommended channel and weekday with the rate of the others. Merges {"timing": {...}} into
benchmarks/results/lead_scoring.json.
"""
import csv
import json
import sys
from collections import defaultdict
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
import bench_common  # noqa: E402
from bench_common import load_core  # noqa: E402

RESULTS = REPO / "benchmarks" / "results" / "lead_scoring.json"
MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]


shared_data = bench_common.shared_data_dir


def load_contacts(path):
    """Rows in file order with a rebuilt date: the year increases whenever the month goes back."""
    contacts, year, last_month = [], 2008, None
    with open(path, newline="") as fh:
        for row in csv.DictReader(fh, delimiter=";"):
            month = MONTHS.index(row["month"]) + 1
            if last_month is not None and month < last_month:
                year += 1
            last_month = month
            try:
                when = date(year, month, int(row["day"]))
            except ValueError:
                continue
            contacts.append({"segment": (row["job"], row["education"]), "channel": row["contact"],
                             "weekday": when.weekday(), "success": row["y"] == "yes", "date": when})
    return contacts


def main():
    eng = load_core("ai_lead_scoring", "engagement")
    path = shared_data() / "leads" / "uci_bank_marketing" / "bank-full.csv"
    if not path.exists():
        print(f"no data at {path}: set AI_SUITE_SHARED_DATA")
        return 1
    contacts = [c for c in load_contacts(path) if c["channel"] != "unknown"]
    cut = int(len(contacts) * 0.8)
    train, test = contacts[:cut], contacts[cut:]
    by_segment = defaultdict(list)
    everyone = []
    for c in train:
        attempt = eng.Attempt(c["channel"], c["weekday"], 9, c["success"])
        by_segment[c["segment"]].append(attempt)
        everyone.append(attempt)
    advice = {}
    for segment in {c["segment"] for c in test}:
        group = by_segment.get(segment, [])
        channel = eng.best_channel([], group, everyone)
        when = eng.best_time([], group, everyone, min_evidence=1)
        advice[segment] = (channel and channel["channel"], when and when["weekday"])
    buckets = defaultdict(lambda: [0, 0])
    for c in test:
        best_channel, best_day = advice[c["segment"]]
        key = ("channel " + ("=" if c["channel"] == best_channel else "!="),
               "weekday " + ("=" if c["weekday"] == best_day else "!="))
        buckets[key][0] += c["success"]
        buckets[key][1] += 1

    def rate(keys):
        s = sum(buckets[k][0] for k in keys)
        n = sum(buckets[k][1] for k in keys)
        return (s / n if n else float("nan")), n

    both = [("channel =", "weekday =")]
    others = [k for k in buckets if k not in both]
    rec_rate, rec_n = rate(both)
    other_rate, other_n = rate(others)
    ch_rate, ch_n = rate([k for k in buckets if k[0] == "channel ="])
    noch_rate, noch_n = rate([k for k in buckets if k[0] == "channel !="])
    day_rate, day_n = rate([k for k in buckets if k[1] == "weekday ="])
    noday_rate, noday_n = rate([k for k in buckets if k[1] == "weekday !="])
    base = sum(c["success"] for c in test) / len(test)
    print(f"UCI Bank Marketing: {len(train)} training contacts, {len(test)} later contacts (base rate {base:.3f})")
    print(f"{'test contacts made ...':44s} {'conversion':>10s} {'contacts':>9s}")
    print(f"{'on the recommended channel and weekday':44s} {rec_rate:10.3f} {rec_n:9d}")
    print(f"{'otherwise':44s} {other_rate:10.3f} {other_n:9d}")
    print(f"{'on the recommended channel':44s} {ch_rate:10.3f} {ch_n:9d}")
    print(f"{'on another channel':44s} {noch_rate:10.3f} {noch_n:9d}")
    print(f"{'on the recommended weekday':44s} {day_rate:10.3f} {day_n:9d}")
    print(f"{'on another weekday':44s} {noday_rate:10.3f} {noday_n:9d}")
    data = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    data["timing"] = {"recommended_rate": round(rec_rate, 4), "other_rate": round(other_rate, 4),
                      "recommended_n": rec_n, "other_n": other_n,
                      "channel_rate": round(ch_rate, 4), "other_channel_rate": round(noch_rate, 4),
                      "weekday_rate": round(day_rate, 4), "other_weekday_rate": round(noday_rate, 4),
                      "base_rate": round(base, 4)}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(data, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
