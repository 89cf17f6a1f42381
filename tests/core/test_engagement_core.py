"""ai_lead_scoring's engagement core: best time, best channel, follow-up drafts (no Odoo)."""
import random

from cores import load_core

eng = load_core("ai_lead_scoring", "engagement")
Attempt = eng.Attempt


def _attempts(rng, n, best=(1, 9), p_best=0.7, p_other=0.15, channel="phone"):
    out = []
    for _ in range(n):
        weekday, hour = rng.randrange(5), rng.randrange(8, 18)
        hit = (weekday, eng.timing.slot_of(hour)) == (best[0], eng.timing.slot_of(best[1]))
        out.append(Attempt(channel, weekday, hour, rng.random() < (p_best if hit else p_other)))
    return out


def test_best_time_found_from_own_history():
    rng = random.Random(1)
    own = _attempts(rng, 400, best=(1, 9))
    result = eng.best_time(own)
    assert (result["weekday_name"], result["start_hour"], result["end_hour"]) == ("Tuesday", 8, 10)
    assert result["source"] == "prospect" and result["evidence"] > 3


def test_little_own_history_defers_to_similar_prospects():
    rng = random.Random(2)
    group = _attempts(rng, 600, best=(3, 14))
    own = [Attempt("phone", 0, 16, True)]  # one lucky Monday call must not outweigh the group
    result = eng.best_time(own, group)
    assert (result["weekday"], result["start_hour"]) == (3, 14)
    assert result["source"] == "similar prospects"


def test_no_evidence_gives_none():
    assert eng.best_time([]) is None
    assert eng.best_channel([]) is None


def test_best_channel_with_shrinkage():
    rng = random.Random(3)
    group = ([Attempt("email", 1, 10, rng.random() < 0.4) for _ in range(200)]
             + [Attempt("phone", 1, 10, rng.random() < 0.2) for _ in range(200)]
             + [Attempt("linkedin", 1, 10, rng.random() < 0.1) for _ in range(200)])
    assert eng.best_channel([], group)["channel"] == "email"
    own_phone_lover = [Attempt("phone", 1, 10, True) for _ in range(30)] + [Attempt("email", 1, 10, False)] * 10
    assert eng.best_channel(own_phone_lover, group)["channel"] == "phone"


def test_outcome_markers_in_three_languages():
    assert eng.classify_outcome("Call — reached, 12 min: discussed the quote")
    assert not eng.classify_outcome("Call — no answer, left voicemail")
    assert not eng.classify_outcome("Appel : pas de réponse")
    assert not eng.classify_outcome("Anruf: nicht erreicht")


FACTS = {"prospect": "Brasserie Dupont", "contact": "Claire Dupont", "salesperson": "Marc Leroy",
         "company": "Atelier Lumière", "topic": "Lighting for the new bar",
         "need": "We need warm lighting for 40 tables before the summer opening. Budget is tight.",
         "products": ["LED pendant", "Dimmer kit", "LED pendant"], "days_quiet": 12,
         "best_time": {"weekday": 1, "start_hour": 10, "end_hour": 12}}


def test_email_draft_in_english():
    draft = eng.draft_followup(dict(FACTS, lang="en_US", channel="email"))
    assert draft["kind"] == "email" and draft["lang"] == "en"
    assert draft["subject"] == "Your quotation for LED pendant and Dimmer kit"
    body = draft["body"]
    assert body.startswith("Hello Claire Dupont,")
    assert "12 days" in body and "warm lighting for 40 tables before the summer opening." in body
    assert "Tuesday 10\u201312" in body and body.rstrip().endswith("Atelier Lumière")


def test_email_draft_in_french_and_deterministic():
    first = eng.draft_followup(dict(FACTS, lang="fr_FR", channel="email"))
    assert first == eng.draft_followup(dict(FACTS, lang="fr_FR", channel="email"))
    assert first["lang"] == "fr" and first["subject"].startswith("Votre devis pour LED pendant et Dimmer kit")
    assert first["body"].startswith("Bonjour Claire Dupont,")
    assert "depuis 12 jours" in first["body"] and "mardi entre 10 h et 12 h" in first["body"]


def test_call_script_after_a_reply():
    facts = dict(FACTS, lang="fr_BE", channel="phone", last_incoming="<p>Nous attendons le devis révisé.</p>",
                 last_incoming_days=3)
    draft = eng.draft_followup(facts)
    assert draft["kind"] == "call_script" and draft["lang"] == "fr"
    assert "il y a 3 jours" in draft["body"] and "Nous attendons le devis révisé." in draft["body"]
    assert draft["body"].splitlines()[0].startswith("1. Se présenter : Marc Leroy")


def test_draft_with_almost_nothing_known():
    draft = eng.draft_followup({"prospect": "Lead 42", "lang": "xx_XX"})
    assert draft["lang"] == "en" and draft["body"].startswith("Hello,")
    assert "your project" in draft["body"]
