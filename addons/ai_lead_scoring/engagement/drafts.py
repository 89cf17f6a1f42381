"""Follow-up drafts (an email, or a call script) written from what happened before.

Deterministic and offline: the same facts always give the same text. The ORM layer may pass the
result to an optional language-model endpoint for rewriting; nothing here needs it.
"""
import re

TEXTS = {
    "en": {
        "subject_quoted": "Your quotation for {products}",
        "subject": "Following up: {topic}",
        "greeting": "Hello {contact},",
        "greeting_anon": "Hello,",
        "after_reply": "Thank you again for your message of {when} ({last}).",
        "after_silence": "I am coming back to you about {topic}, as we have not been in touch for {days} days.",
        "first_touch": "I am reaching out about {topic}.",
        "need": "You mentioned: \u201c{need}\u201d.",
        "quoted": "The quotation for {products} is ready; I can adjust quantities or delivery dates if needed.",
        "ask_call": "Would a short call on {slot} suit you? Otherwise, tell me a time that works better.",
        "ask": "Could you tell me where things stand on your side and whether a short call would help?",
        "sign": "Best regards,\n{salesperson}\n{company}",
        "script_title": "Call script \u2014 {prospect}",
        "script_open": "Introduce yourself: {salesperson}, {company}. Ask for {contact}.",
        "script_context_reply": "Remind them of their last message ({when}): {last}.",
        "script_context_silence": "Last contact {days} days ago: acknowledge the silence, no pressure.",
        "script_need": "Their stated need: {need}. Ask whether it is still current and what changed.",
        "script_quoted": "Quotation sent for {products}: ask for feedback on price, quantities and timing.",
        "script_next": "Agree on a concrete next step (meeting, trial, revised quote) and a date.",
        "script_best": "Best moment to call: {slot}.",
        "days_ago": "{days} days ago",
        "today": "today",
        "your_project": "your project",
    },
    "fr": {
        "subject_quoted": "Votre devis pour {products}",
        "subject": "Suite à notre échange : {topic}",
        "greeting": "Bonjour {contact},",
        "greeting_anon": "Bonjour,",
        "after_reply": "Merci encore pour votre message d\u2019il y a {when} ({last}).",
        "after_silence": "Je reviens vers vous au sujet de {topic}, nous n\u2019avons pas échangé depuis {days} jours.",
        "first_touch": "Je me permets de vous contacter au sujet de {topic}.",
        "need": "Vous nous aviez indiqué : \u00ab {need} \u00bb.",
        "quoted": "Le devis pour {products} est prêt ; je peux ajuster les quantités ou les délais si besoin.",
        "ask_call": "Un court appel {slot} vous conviendrait-il ? Sinon, indiquez-moi le moment qui vous arrange.",
        "ask": "Pourriez-vous me dire où en est votre réflexion, et si un court appel vous serait utile ?",
        "sign": "Bien cordialement,\n{salesperson}\n{company}",
        "script_title": "Script d\u2019appel \u2014 {prospect}",
        "script_open": "Se présenter : {salesperson}, {company}. Demander {contact}.",
        "script_context_reply": "Rappeler son dernier message (il y a {when}) : {last}.",
        "script_context_silence": "Dernier contact il y a {days} jours : reconnaître le silence, sans pression.",
        "script_need": "Besoin exprimé : {need}. Demander s\u2019il est toujours d\u2019actualité et ce qui a changé.",
        "script_quoted": "Devis envoyé pour {products} : recueillir son avis sur le prix, les quantités et le calendrier.",
        "script_next": "Convenir d\u2019une prochaine étape concrète (rendez-vous, essai, devis révisé) et d\u2019une date.",
        "script_best": "Meilleur moment pour appeler : {slot}.",
        "days_ago": "{days} jours",
        "today": "aujourd\u2019hui",
        "your_project": "votre projet",
    },
}
WEEKDAY_NAMES = {
    "en": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
    "fr": ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"],
}


def language_of(lang_code):
    """'fr_FR', 'fr_BE', 'fr' -> 'fr'; anything unknown -> 'en'."""
    short = (lang_code or "en").split("_")[0].lower()
    return short if short in TEXTS else "en"


def format_slot(best_time, lang):
    """{'weekday': 1, 'start_hour': 9, 'end_hour': 11} -> 'Tuesday 9–11' / 'mardi entre 9 h et 11 h'."""
    if not best_time:
        return None
    day = WEEKDAY_NAMES[lang][best_time["weekday"]]
    start, end = best_time["start_hour"], best_time["end_hour"]
    if lang == "fr":
        return f"{day} entre {start} h et {end} h"
    return f"{day} {start}\u2013{end}"


def _clean(text, limit=160):
    text = re.sub(r"<[^>]+>", " ", text or "")
    text = re.sub(r"\s+", " ", text).strip()
    if not text:
        return ""
    first = re.split(r"(?<=[.!?])\s", text, maxsplit=1)[0]
    return first if len(first) <= limit else first[: limit - 1].rsplit(" ", 1)[0] + "\u2026"


def _join(items, lang):
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    word = " et " if lang == "fr" else " and "
    return ", ".join(items[:-1]) + word + items[-1]


def draft_followup(facts):
    """Write a follow-up for one prospect.

    :param facts: dict with keys (all optional but ``prospect``):
        lang ('fr_FR', 'en_US'...), channel ('email', 'phone', 'linkedin'), prospect (company or lead
        name), contact (person), salesperson, company (ours), topic (the opportunity's title), need
        (stated need, free text), products (list of quoted product names), days_quiet (int),
        last_incoming (text of the prospect's last message), last_incoming_days (int),
        best_time (dict from :func:`timing.best_time`)
    :return: dict(kind 'email' or 'call_script', lang, subject, body)
    """
    lang = language_of(facts.get("lang"))
    t = TEXTS[lang]
    channel = facts.get("channel") or "email"
    contact = (facts.get("contact") or "").strip()
    topic = _clean(facts.get("topic"), 80) or t["your_project"]
    need = _clean(facts.get("need"))
    products = _join(list(dict.fromkeys(facts.get("products") or []))[:3], lang)
    days = facts.get("days_quiet")
    last = _clean(facts.get("last_incoming"), 120)
    last_days = facts.get("last_incoming_days")
    when = t["today"] if last_days == 0 else t["days_ago"].format(days=last_days)
    slot = format_slot(facts.get("best_time"), lang)
    values = dict(contact=contact or facts.get("prospect") or "", topic=topic, need=need, products=products,
                  days=days, last=last, when=when, slot=slot, salesperson=facts.get("salesperson") or "",
                  company=facts.get("company") or "", prospect=facts.get("prospect") or topic)

    if channel == "phone":
        lines = [t["script_open"].format(**values)]
        if last and last_days is not None:
            lines.append(t["script_context_reply"].format(**values))
        elif days:
            lines.append(t["script_context_silence"].format(**values))
        if need:
            lines.append(t["script_need"].format(**values))
        if products:
            lines.append(t["script_quoted"].format(**values))
        lines.append(t["script_next"].format(**values))
        if slot:
            lines.append(t["script_best"].format(**values))
        body = "\n".join(f"{i}. {line}" for i, line in enumerate(lines, 1))
        return {"kind": "call_script", "lang": lang, "subject": t["script_title"].format(**values), "body": body}

    paragraphs = [t["greeting"].format(**values) if contact else t["greeting_anon"]]
    if last and last_days is not None:
        opening = t["after_reply"].format(**values)
    elif days:
        opening = t["after_silence"].format(**values)
    else:
        opening = t["first_touch"].format(**values)
    middle = [opening]
    if need:
        middle.append(t["need"].format(**values))
    paragraphs.append(" ".join(middle))
    if products:
        paragraphs.append(t["quoted"].format(**values))
    paragraphs.append(t["ask_call"].format(**values) if slot else t["ask"])
    paragraphs.append(t["sign"].format(**values).strip())
    subject = t["subject_quoted"].format(**values) if products else t["subject"].format(**values)
    if channel == "linkedin":  # a LinkedIn message is short: no subject line, no signature block
        paragraphs = paragraphs[:-1]
    return {"kind": "email" if channel != "linkedin" else "message", "lang": lang, "subject": subject,
            "body": "\n\n".join(paragraphs)}
