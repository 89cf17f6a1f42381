"""Best time and best channel to reach a prospect, learned from past attempts.

An attempt is one outgoing contact (a call, an email, a LinkedIn message, a meeting request) at a
local weekday and hour, that either reached the prospect or not. Rates per weekday x 2-hour slot
(and per channel) are estimated with beta-binomial shrinkage: the prospect's own rate is pulled
towards the rate of similar prospects (same country, industry, source), which is itself pulled
towards the rate of everybody. With little evidence the group speaks; with much, the prospect does.
"""
from collections import defaultdict
from dataclasses import dataclass

WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
# 2-hour slots of the working day, local time of the prospect; hours outside fall in the nearest slot
SLOTS = [(8, 10), (10, 12), (12, 14), (14, 16), (16, 18)]
NEGATIVE_MARKERS = ("no answer", "not reached", "unreachable", "voicemail", "voice mail", "no reply",
                    "pas de réponse", "injoignable", "messagerie", "non joint", "keine antwort",
                    "nicht erreicht", "mailbox", "busy")


@dataclass(frozen=True)
class Attempt:
    channel: str        # "phone", "email", "linkedin", or any activity-type key
    weekday: int        # 0 = Monday, local time of the prospect
    hour: int           # 0-23, local time of the prospect
    success: bool       # the prospect was reached / replied


def slot_of(hour):
    for index, (start, end) in enumerate(SLOTS):
        if start <= hour < end:
            return index
    return 0 if hour < SLOTS[0][0] else len(SLOTS) - 1


def classify_outcome(text):
    """True when a logged call/meeting note says the prospect was reached (no negative marker)."""
    lowered = (text or "").lower()
    return not any(marker in lowered for marker in NEGATIVE_MARKERS)


def _rates(attempts, key):
    counts = defaultdict(lambda: [0, 0])  # key -> [successes, trials]
    for attempt in attempts:
        cell = counts[key(attempt)]
        cell[0] += bool(attempt.success)
        cell[1] += 1
    return counts


def _shrunk(successes, trials, prior_rate, strength):
    return (successes + strength * prior_rate) / (trials + strength)


def _global_rate(attempts, default=0.3):
    trials = len(attempts)
    return (sum(a.success for a in attempts) + 2 * default) / (trials + 2)


def best_time(own, group=(), everyone=(), *, strength=8.0, min_evidence=3, channels=None):
    """Best weekday and 2-hour slot to reach a prospect.

    :param own: the prospect's own past attempts
    :param group: attempts on similar prospects (same country, industry, source)
    :param everyone: all attempts of the company (the last-resort prior)
    :param channels: restrict to these channels (default: all live channels, i.e. not email batches)
    :return: None without any evidence, else dict(weekday, weekday_name, start_hour, end_hour, rate,
             evidence (own attempts), group_evidence, source ("prospect" or "similar prospects"))
    """
    def keep(items):
        return [a for a in items if channels is None or a.channel in channels]

    own, group, everyone = keep(own), keep(group), keep(everyone)
    if not (own or group or everyone):
        return None
    base = _global_rate(everyone or group or own)
    key = lambda a: (a.weekday, slot_of(a.hour))  # noqa: E731
    all_counts, group_counts, own_counts = _rates(everyone, key), _rates(group, key), _rates(own, key)
    cells = set(all_counts) | set(group_counts) | set(own_counts)
    best = None
    for cell in cells:
        s_all, n_all = all_counts.get(cell, (0, 0))
        prior_all = _shrunk(s_all, n_all, base, strength)
        s_grp, n_grp = group_counts.get(cell, (0, 0))
        prior_grp = _shrunk(s_grp, n_grp, prior_all, strength)
        s_own, n_own = own_counts.get(cell, (0, 0))
        rate = _shrunk(s_own, n_own, prior_grp, strength)
        evidence = n_own + n_grp
        if evidence < min_evidence and n_all < min_evidence:
            continue
        candidate = (rate, evidence, cell, n_own, n_grp)
        if best is None or candidate[:2] > best[:2]:
            best = candidate
    if best is None:
        return None
    rate, _evidence, (weekday, slot), n_own, n_grp = best
    start, end = SLOTS[slot]
    return {"weekday": weekday, "weekday_name": WEEKDAYS[weekday], "start_hour": start, "end_hour": end,
            "rate": rate, "evidence": n_own, "group_evidence": n_grp,
            "source": "prospect" if n_own >= min_evidence else "similar prospects"}


def best_channel(own, group=(), everyone=(), *, strength=8.0, channels=None):
    """Channel with the highest shrunk response rate.

    :return: None without evidence, else dict(channel, rate, evidence, group_evidence, rates {channel: rate})
    """
    pool = list(everyone) or list(group) or list(own)
    if not pool:
        return None
    base = _global_rate(pool)
    key = lambda a: a.channel  # noqa: E731
    all_counts, group_counts, own_counts = _rates(everyone, key), _rates(group, key), _rates(own, key)
    names = set(channels or []) | set(all_counts) | set(group_counts) | set(own_counts)
    rates = {}
    for name in names:
        prior_all = _shrunk(*all_counts.get(name, (0, 0)), base, strength)
        prior_grp = _shrunk(*group_counts.get(name, (0, 0)), prior_all, strength)
        rates[name] = _shrunk(*own_counts.get(name, (0, 0)), prior_grp, strength)
    channel = max(sorted(rates), key=lambda c: (rates[c], own_counts.get(c, (0, 0))[1]))
    return {"channel": channel, "rate": rates[channel], "evidence": own_counts.get(channel, (0, 0))[1],
            "group_evidence": group_counts.get(channel, (0, 0))[1], "rates": rates}
