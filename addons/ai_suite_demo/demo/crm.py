"""Opportunities, prospects and every exchange with them.

Two passes: ``plan`` draws every opportunity, its exchanges and outcome in plain Python
(the hidden model of ``patterns``), then the writers create partners, leads and messages in
batches and fix their dates with one SQL UPDATE per batch.
"""

import logging
import math
import time
from datetime import datetime, timedelta

import pytz

from . import names, patterns

_logger = logging.getLogger(__name__)

N_CLOSED = 1800
N_OPEN = 250
N_LEGACY_CUSTOMERS = 60
REPEAT_SHARE = 0.5  # share of opportunities coming from an existing customer
QUIET_SHARE = 0.35  # share of open opportunities without any exchange for 10-40 days
LEAD_BATCH = 500
MESSAGE_BATCH = 4000
PARIS = pytz.timezone("Europe/Paris")

LOST_REASONS = (
    "Too expensive",
    "We don't have people/skills",
    "Not enough stock",
    "Chose a competitor",
    "No budget",
    "No response",
    "Project postponed",
)
LOST_REASONS_FR = {
    "Chose a competitor": "Concurrent retenu",
    "No budget": "Pas de budget",
    "No response": "Pas de réponse",
    "Project postponed": "Projet reporté",
}
SECTOR_INDUSTRY = {
    "Retail": "Retail",
    "Hospitality": "Hospitality",
    "Offices": "Professional services",
    "Industry": "Manufacturing",
    "Healthcare": "Healthcare",
    "Public sector": "Public administration",
}


def generate(gen):
    refs = _reference_data(gen)
    plan = plan_opportunities(gen)
    _create_partners(gen, plan)
    _create_leads(gen, plan, refs)
    _create_messages(gen, plan, refs)
    _create_planned_activities(gen, plan, refs)
    gen.crm_plan = plan


# --------------------------------------------------------------------------------------------
# Reference data


def _find_or_create(model, name, extra=None):
    record = model.search([("name", "=", name)], limit=1)
    return record or model.create(dict(extra or {}, name=name))


def _reference_data(gen):
    env = gen.env
    stages = env["crm.stage"].search([("team_ids", "=", False)], order="sequence, id")
    won = stages.filtered("is_won")[:1]
    open_stages = (stages - stages.filtered("is_won"))[:3]
    if not won or len(open_stages) < 3:
        raise ValueError("the CRM pipeline needs three open stages and a won stage (New, Qualified, Proposition, Won)")
    refs = {
        "stage": {"new": open_stages[0], "qualified": open_stages[1], "proposition": open_stages[2], "won": won},
        "lost_reason": {},
        "source": {},
        "medium": {},
        "tag": {},
    }
    for name in LOST_REASONS:
        reason = _find_or_create(env["crm.lost.reason"], name)
        if name in LOST_REASONS_FR:
            reason.with_context(lang="fr_FR").name = LOST_REASONS_FR[name]
        refs["lost_reason"][name] = reason
    for name in patterns.SOURCES:
        refs["source"][name] = _find_or_create(env["utm.source"], name)
    for name in sorted({spec["medium"] for spec in patterns.SOURCES.values()}):
        refs["medium"][name] = _find_or_create(env["utm.medium"], name)
    for index, name in enumerate(list(patterns.SECTORS) + list(patterns.EXTRA_TAGS)):
        refs["tag"][name] = _find_or_create(env["crm.tag"], name, {"color": index % 11 + 1})
    refs["campaign"] = {}
    refs["activity_type"] = {
        "phone": env.ref("mail.mail_activity_data_call"),
        "meeting": env.ref("mail.mail_activity_data_meeting"),
        "email": env.ref("mail.mail_activity_data_email"),
        "linkedin": env["mail.activity.type"].create(
            {
                "name": "LinkedIn message",
                "category": "default",
                "icon": "fa-linkedin",
                "summary": "LinkedIn message",
                "delay_count": 2,
            }
        ),
    }
    refs["activity_type"]["linkedin"].with_context(lang="fr_FR").name = "Message LinkedIn"
    refs["subtype"] = {
        "comment": env.ref("mail.mt_comment"),
        "activities": env.ref("mail.mt_activities"),
        "note": env.ref("mail.mt_note"),
    }
    refs["industry"] = {}
    for sector, industry in SECTOR_INDUSTRY.items():
        refs["industry"][sector] = _find_or_create(env["res.partner.industry"], industry, {"full_name": industry})
    gen.crm_refs = refs
    return refs


def _campaign_name(rng, source, day):
    if source == "Trade show":
        return (
            f"Light & Building Lyon {day.year}" if day.month >= 9 or day.month <= 2 else f"Salon BePOSITIVE {day.year}"
        )
    if source == "LinkedIn" and rng.random() < 0.6:
        return f"LinkedIn Ads — LED retrofit {day.year}"
    if source == "Website" and rng.random() < 0.35:
        return f"Google Ads — Éclairage LED {day.year}"
    return None


def _campaign(gen, refs, name):
    if not name:
        return gen.env["utm.campaign"]
    if name not in refs["campaign"]:
        refs["campaign"][name] = _find_or_create(gen.env["utm.campaign"], name)
    return refs["campaign"][name]


# --------------------------------------------------------------------------------------------
# Planning (pure Python)


def _weighted(rng, pairs):
    values, weights = zip(*pairs)
    return rng.choices(values, weights=weights, k=1)[0]


def _to_utc(local_dt, tz):
    return tz.localize(local_dt).astimezone(pytz.utc).replace(tzinfo=None)


def _to_local(utc_dt, tz):
    return pytz.utc.localize(utc_dt).astimezone(tz).replace(tzinfo=None)


def _new_partner(gen, rng, country, tz_name, lang, sector, legacy=False):
    phone_prefix, tld, forms, cities = names.COUNTRY_DATA[country]
    if country == "US":
        central = tz_name == "America/Chicago"
        cities = [c for c in cities if (c[0] in names.US_CENTRAL_CITIES) == central]
    city, zip_code, area = rng.choice(cities)
    surname = rng.choice(names.SURNAMES[country])
    pattern = rng.choice(names.BUSINESS_PATTERNS[sector][lang])
    base_name = pattern.format(s=surname, c=city)
    legal = rng.choice(forms) if sector != "Public sector" else ""
    name = f"{base_name} {legal}".strip()
    domain = f"{names.slugify(base_name)}.{tld}"
    first = rng.choice(names.FIRST_NAMES[lang])
    last = rng.choice(names.SURNAMES[country])
    digits = "".join(str(rng.randrange(10)) for _i in range(8 - len(area.replace(" ", "")) + 1))
    phone = f"{phone_prefix} {area} {digits[:2]} {digits[2:4]} {digits[4:]}".strip()
    street_number = rng.randint(1, 180)
    street = rng.choice(names.STREETS[lang])
    return {
        "name": name,
        "country": country,
        "tz": tz_name,
        "lang": lang,
        "sector": sector,
        "city": city,
        "zip": zip_code,
        "street": f"{street_number} {street}"
        if lang == "fr_FR"
        else f"{street} {street_number}"
        if lang == "de_DE"
        else f"{street_number} {street}",
        "email": f"{names.slugify(first)}.{names.slugify(last)}@{domain}",
        "phone": phone,
        "website": f"https://www.{domain}" if rng.random() < 0.6 else False,
        "contact": f"{first} {last}",
        "legacy": legacy,
        "customer_since": None,
    }


def _pick_user(gen, rng, team, created):
    people = [p for p in patterns.SALESPEOPLE if p["team"] == team]
    hired = {
        p["key"]: (p["hired_months"] is None or created.date() >= gen.anchor - timedelta(days=30.4 * p["hired_months"]))
        for p in people
    }
    people = [p for p in people if hired[p["key"]]]
    return _weighted(rng, [(p, p["share"]) for p in people])


def _create_dates(gen, rng, n, first_day, last_day):
    days = [first_day + timedelta(days=i) for i in range((last_day - first_day).days + 1)]
    weights = [patterns.lead_volume_factor(day, gen.start) for day in days]
    picked = sorted(rng.choices(days, weights=weights, k=n))
    result = []
    for day in picked:
        local = datetime(day.year, day.month, day.day, 8) + timedelta(minutes=rng.randint(0, 600))
        result.append(_to_utc(local, PARIS))
    return result


def plan_opportunities(gen):
    """Draw every opportunity with its exchanges and outcome; no database access."""
    rng = gen.rng("crm")
    n_closed = gen.count(N_CLOSED, 20)
    n_open = gen.count(N_OPEN, 8)
    anchor_dt = datetime(gen.anchor.year, gen.anchor.month, gen.anchor.day, 7)
    leads = []
    closed_dates = _create_dates(gen, rng, n_closed, gen.start + timedelta(days=7), gen.anchor - timedelta(days=25))
    open_ages = []
    for _i in range(n_open):
        quiet = rng.random() < QUIET_SHARE
        last_age = rng.uniform(10, 40) if quiet else rng.uniform(0.2, 9)
        open_ages.append((quiet, last_age, last_age + rng.uniform(6, 110)))
    for kind, created, extra in [("closed", d, None) for d in closed_dates] + [
        ("open", (anchor_dt - timedelta(days=age)).replace(microsecond=0), (quiet, last))
        for quiet, last, age in open_ages
    ]:
        lead = _draw_lead(gen, rng, kind, created)
        if kind == "closed":
            cycle = 8 + rng.gammavariate(2.0, 17.0) * (lead["revenue"] / 15000.0) ** 0.15
            lead["close_dt"] = min(
                created + timedelta(days=cycle), anchor_dt - timedelta(days=1, hours=rng.uniform(0, 48))
            )
            lead["close_dt"] = max(lead["close_dt"], created + timedelta(days=2)).replace(microsecond=0)
            end = lead["close_dt"]
        else:
            lead["quiet"], last_age = extra
            end = (anchor_dt - timedelta(days=last_age)).replace(microsecond=0)
            lead["last_activity_dt"] = end
        _plan_exchanges(gen, rng, lead, created, end, final_touch=kind == "open")
        leads.append(lead)
    _decide_outcomes(gen, rng, leads)
    _assign_partners(gen, rng, leads)
    for lead in leads:
        _finish_lead(gen, rng, lead)
    gen.stats["opportunities"] = len(leads)
    return {"leads": leads, "partners": gen.crm_partners}


def _draw_lead(gen, rng, kind, created):
    country = _weighted(rng, [(c, spec["weight"]) for c, spec in patterns.COUNTRIES.items()])
    spec = patterns.COUNTRIES[country]
    tz_name = _weighted(rng, spec["tzs"])
    lang = _weighted(rng, spec["langs"])
    source = _weighted(rng, [(s, v["weight"]) for s, v in patterns.SOURCES.items()])
    sector = _weighted(rng, [(s, v["weight"]) for s, v in patterns.SECTORS.items()])
    tags = [sector]
    for tag, tag_spec in patterns.EXTRA_TAGS.items():
        share = (
            patterns.PUBLIC_TENDER_SHARE if tag == "Public tender" and sector == "Public sector" else tag_spec["prob"]
        )
        if rng.random() < share:
            tags.append(tag)
    team = "channel" if source == "Partner" or (country != "FR" and rng.random() < 0.45) else "direct"
    person = _pick_user(gen, rng, team, created)
    sector_spec = patterns.SECTORS[sector]
    revenue = sector_spec["median"] * math.exp(rng.gauss(0, sector_spec["sigma"]))
    revenue = max(800.0, round(revenue / 100.0) * 100.0)
    engagement = rng.gauss(0, 1)
    return {
        "kind": kind,
        "created": created,
        "country": country,
        "tz": tz_name,
        "lang": lang,
        "source": source,
        "sector": sector,
        "tags": tags,
        "team": team,
        "user": person["key"],
        "skill": person["skill"],
        "revenue": revenue,
        "engagement": engagement,
        # prospect's typical reply delay (hours): fast responders are engaged ones
        "reply_hours": math.exp(math.log(12.0) - 0.9 * engagement + rng.gauss(0, 0.35)),
        "existing": rng.random() < REPEAT_SHARE,
        "campaign": _campaign_name(rng, source, created.date()),
        "outcome_draw": rng.random(),
        "messages": [],
        "won": None,
    }


def _plan_exchanges(gen, rng, lead, start, end, final_touch=False):
    """Touches by the salesperson and the prospect's answers between ``start`` and ``end`` (UTC)."""
    tz = pytz.timezone(lead["tz"])
    span = max((end - start).total_seconds(), 3600.0)
    lam = (3.5 + 2.0 * max(0.0, lead["engagement"] + 1.0)) * math.sqrt(span / 86400.0 / 45.0)
    n_touch = 1 + min(24, _poisson(rng, lam))
    offsets = sorted(rng.random() for _i in range(n_touch))
    offsets[0] = min(offsets[0], rng.uniform(0, 0.08))
    if final_touch:
        offsets[-1] = 1.0
    linkedin_share = 0.35 if lead["source"] == "LinkedIn" else 0.10
    for k, offset in enumerate(offsets):
        when = start + timedelta(seconds=span * offset)
        channel = (
            "email"
            if k == 0 and lead["source"] in ("Website", "Referral")
            else _weighted(
                rng,
                [
                    ("email", 0.45 - linkedin_share / 2),
                    ("phone", 0.55 - linkedin_share / 2),
                    ("linkedin", linkedin_share),
                ],
            )
        )
        if channel == "phone":
            _plan_call(gen, rng, lead, tz, when, start, end, final=final_touch and k == n_touch - 1)
        elif channel == "email":
            _plan_email(gen, rng, lead, tz, when, start, end, final=final_touch and k == n_touch - 1)
        else:
            _plan_linkedin(gen, rng, lead, tz, when, start, end)
    for message in lead["messages"]:
        message["date"] = message["date"].replace(microsecond=0)
    lead["messages"].sort(key=lambda m: m["date"])
    lead["n_exchanges"] = len(lead["messages"])
    delays = sorted(m["reply_delay"] for m in lead["messages"] if m.get("reply_delay") is not None)
    lead["median_reply_hours"] = delays[len(delays) // 2] if delays else None


def _poisson(rng, lam):
    # Knuth; lam stays small here
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def _clamp(when, start, end):
    return min(max(when, start + timedelta(minutes=5)), end)


def _plan_call(gen, rng, lead, tz, when, start, end, final=False):
    local = _to_local(when, tz)
    weekday = rng.randrange(5)
    day = local.date() - timedelta(days=local.weekday()) + timedelta(days=weekday)
    slot = rng.choice(patterns.call_slots(lead["country"]))
    local_call = datetime(day.year, day.month, day.day, slot) + timedelta(minutes=rng.randint(0, 119))
    call = _to_utc(local_call, tz)
    if final or not (start < call <= end):
        call = _clamp(when, start, end)
        local_call = _to_local(call, tz)
    reach = patterns.call_reach_probability(lead["country"], lead["source"], local_call.weekday(), local_call.hour)
    reached = rng.random() < reach
    lead["messages"].append(
        {
            "kind": "call",
            "date": call,
            "reached": reached,
            "minutes": rng.randint(4, 25),
            "note": rng.choice(names.CALL_NOTES),
        }
    )
    if reached and rng.random() < 0.30:
        meeting_day = (call + timedelta(days=rng.randint(2, 9))).date()
        while meeting_day.weekday() >= 5:
            meeting_day += timedelta(days=1)
        meeting = _to_utc(
            datetime(meeting_day.year, meeting_day.month, meeting_day.day, rng.choice((9, 10, 11, 14, 15, 16))), tz
        )
        if meeting < end:
            lead["messages"].append(
                {
                    "kind": "meeting",
                    "date": meeting,
                    "minutes": rng.choice((30, 45, 60, 90)),
                    "note": rng.choice(names.MEETING_NOTES),
                }
            )


def _working_time_paris(rng, when):
    local = _to_local(when, PARIS)
    day = local.date()
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return _to_utc(datetime(day.year, day.month, day.day, 8, 30) + timedelta(minutes=rng.randint(0, 570)), PARIS)


def _plan_email(gen, rng, lead, tz, when, start, end, final=False):
    sent = _working_time_paris(rng, when)
    if final or not (start < sent <= end):
        sent = _clamp(when, start, end)
    local_sent = _to_local(sent, tz)
    message = {"kind": "email_out", "date": sent, "template": rng.randrange(4)}
    lead["messages"].append(message)
    reply_p = patterns.email_reply_probability(
        lead["country"], lead["source"], local_sent.weekday(), lead["engagement"]
    )
    if rng.random() >= reply_p:
        return
    delay = lead["reply_hours"] * math.exp(rng.gauss(0, 0.6))
    reply = sent + timedelta(hours=delay)
    local_reply = _to_local(reply, tz)
    if local_reply.hour < 7 or local_reply.hour >= 21:
        next_day = local_reply.date() + timedelta(days=1 if local_reply.hour >= 21 else 0)
        reply = _to_utc(
            datetime(next_day.year, next_day.month, next_day.day, 7, 30) + timedelta(minutes=rng.randint(0, 120)), tz
        )
    if reply >= end:
        return
    message["reply_delay"] = round((reply - sent).total_seconds() / 3600.0, 2)
    lead["messages"].append(
        {"kind": "email_in", "date": reply, "answer": rng.randrange(5), "template": message["template"]}
    )


def _plan_linkedin(gen, rng, lead, tz, when, start, end):
    sent = _working_time_paris(rng, when)
    if not (start < sent <= end):
        sent = _clamp(when, start, end)
    replied = rng.random() < patterns.linkedin_reply_probability(lead["country"], lead["source"], lead["engagement"])
    delay = lead["reply_hours"] * 1.5 * math.exp(rng.gauss(0, 0.6)) if replied else None
    if delay is not None and sent + timedelta(hours=delay) >= end:
        delay = None
    lead["messages"].append(
        {"kind": "linkedin", "date": sent, "replied_after": delay, "note": rng.choice(names.LINKEDIN_NOTES)}
    )


def _decide_outcomes(gen, rng, leads):
    closed = [lead for lead in leads if lead["kind"] == "closed"]
    for lead in leads:
        lead["logit"] = patterns.win_logit(
            country=lead["country"],
            source=lead["source"],
            sector=lead["sector"],
            tags=lead["tags"],
            skill=lead["skill"],
            expected_revenue=lead["revenue"],
            n_exchanges=lead["n_exchanges"],
            median_reply_hours=lead["median_reply_hours"],
            existing_customer=lead["existing"],
        )
    intercept = patterns.calibrate_intercept([lead["logit"] for lead in closed])
    gen.crm_intercept = intercept
    for lead in leads:
        lead["p_won"] = patterns.sigmoid(intercept + lead["logit"])
        if lead["kind"] == "closed":
            lead["won"] = lead["outcome_draw"] < lead["p_won"]


def _assign_partners(gen, rng, leads):
    """Give each opportunity its company: a new prospect, or an existing customer of the same
    country, time zone and sector (legacy customers are added when none exists yet)."""
    partners = []
    pool = {}

    def add_customer(partner_index, since):
        partner = partners[partner_index]
        if partner["customer_since"] is None or since < partner["customer_since"]:
            partner["customer_since"] = since
        pool.setdefault((partner["country"], partner["tz"], partner["sector"]), []).append(partner_index)

    def new_legacy(country, tz_name, lang, sector):
        partners.append(_new_partner(gen, rng, country, tz_name, lang, sector, legacy=True))
        add_customer(
            len(partners) - 1,
            datetime(gen.start.year, gen.start.month, gen.start.day) - timedelta(days=rng.randint(30, 900)),
        )
        return len(partners) - 1

    for _i in range(gen.count(N_LEGACY_CUSTOMERS, 5)):
        country = _weighted(rng, [(c, spec["weight"]) for c, spec in patterns.COUNTRIES.items()])
        spec = patterns.COUNTRIES[country]
        new_legacy(
            country,
            _weighted(rng, spec["tzs"]),
            _weighted(rng, spec["langs"]),
            _weighted(rng, [(s, v["weight"]) for s, v in patterns.SECTORS.items()]),
        )
    # customers appear when their first opportunity is won: walk events in time order
    events = sorted(
        [(lead["created"], 1, i) for i, lead in enumerate(leads)]
        + [(lead["close_dt"], 0, i) for i, lead in enumerate(leads) if lead["won"]]
    )
    for _when, kind, index in events:
        lead = leads[index]
        if kind == 0:
            add_customer(lead["partner"], lead["close_dt"])
            continue
        if lead["existing"]:
            key = (lead["country"], lead["tz"], lead["sector"])
            candidates = sorted(set(pool.get(key, ())))
            lead["partner"] = (
                rng.choice(candidates)
                if candidates
                else new_legacy(lead["country"], lead["tz"], lead["lang"], lead["sector"])
            )
        else:
            partners.append(_new_partner(gen, rng, lead["country"], lead["tz"], lead["lang"], lead["sector"]))
            lead["partner"] = len(partners) - 1
        lead["lang"] = partners[lead["partner"]]["lang"]
    gen.crm_partners = partners


def _finish_lead(gen, rng, lead):
    partner = gen.crm_partners[lead["partner"]]
    lang = lead["lang"]
    n = lead["n_exchanges"]
    if lead["kind"] == "closed":
        if lead["won"]:
            lead["stage"] = "won"
        else:
            lead["stage"] = "proposition" if n >= 10 else "qualified" if n >= 5 else "new"
            lead["lost_reason"] = _lost_reason(rng, lead)
    else:
        lead["stage"] = "proposition" if n >= 8 else "qualified" if n >= 4 else "new"
    title = rng.choice(names.LEAD_TITLES[lang])
    lead["name"] = f"{title} — {partner['name']}"
    space = rng.choice(names.NEEDS[lang][lead["sector"]])
    description = names.NEED_TEMPLATES[lang].format(
        n=max(6, int(lead["revenue"] / 140)),
        space=space,
        budget=f"{int(lead['revenue']):,}".replace(",", " "),
        weeks=rng.choice((2, 3, 4, 6, 8, 12)),
    )
    description += "".join(names.EXTRA_NEED[tag][lang] for tag in lead["tags"] if tag in names.EXTRA_NEED)
    lead["description"] = description
    lead["space"] = space
    lead["priority"] = "2" if "Urgent" in lead["tags"] else "1" if lead["revenue"] > 30000 else rng.choice("0001")
    expected_days = 30 + int(rng.gammavariate(2.0, 12.0))
    lead["deadline"] = (lead["created"] + timedelta(days=expected_days)).date()


def _lost_reason(rng, lead):
    if lead["median_reply_hours"] is None and rng.random() < 0.7:
        return "No response"
    if lead["revenue"] > 35000:
        return _weighted(
            rng, [("Too expensive", 45), ("Chose a competitor", 25), ("Project postponed", 15), ("No budget", 15)]
        )
    return _weighted(
        rng,
        [
            ("Chose a competitor", 30),
            ("Too expensive", 20),
            ("No budget", 20),
            ("Project postponed", 20),
            ("We don't have people/skills", 5),
            ("Not enough stock", 5),
        ],
    )


# --------------------------------------------------------------------------------------------
# Writers


def _create_partners(gen, plan):
    env = gen.env
    refs = gen.crm_refs
    countries = {
        country.code: country for country in env["res.country"].search([("code", "in", list(patterns.COUNTRIES))])
    }
    installed = set(env["res.lang"].search([]).mapped("code"))
    started = time.monotonic()
    partners = plan["partners"]
    records = env["res.partner"].create(
        [
            {
                "name": p["name"],
                "is_company": True,
                "street": p["street"],
                "zip": p["zip"],
                "city": p["city"],
                "country_id": countries[p["country"]].id,
                "tz": p["tz"],
                "lang": p["lang"] if p["lang"] in installed else "en_US",
                "email": p["email"],
                "phone": p["phone"],
                "website": p["website"],
                "industry_id": refs["industry"][p["sector"]].id,
                "company_id": False,
            }
            for p in partners
        ]
    )
    for partner, record in zip(partners, records):
        partner["id"] = record.id
    gen.log_progress("prospect companies", len(records), len(records), started)
    gen.stats["prospect companies"] = len(records)


def _create_leads(gen, plan, refs):
    env = gen.env
    leads = plan["leads"]
    partners = plan["partners"]
    langs = {code: lang.id for code, lang in gen.langs.items()}
    started = time.monotonic()
    for offset in range(0, len(leads), LEAD_BATCH):
        batch = leads[offset : offset + LEAD_BATCH]
        vals_list = []
        for lead in batch:
            partner = partners[lead["partner"]]
            campaign = _campaign(gen, refs, lead["campaign"])
            vals_list.append(
                {
                    "type": "opportunity",
                    "name": lead["name"],
                    "partner_id": partner["id"],
                    "contact_name": partner["contact"],
                    "email_from": partner["email"],
                    "phone": partner["phone"],
                    "user_id": gen.users[lead["user"]].id,
                    "team_id": gen.teams[lead["team"]].id,
                    "company_id": gen.company.id,
                    "stage_id": refs["stage"]["proposition" if lead["stage"] == "won" else lead["stage"]].id,
                    "source_id": refs["source"][lead["source"]].id,
                    "medium_id": refs["medium"][patterns.SOURCES[lead["source"]]["medium"]].id,
                    "campaign_id": campaign.id if campaign else False,
                    "tag_ids": [(6, 0, [refs["tag"][tag].id for tag in lead["tags"]])],
                    "lang_id": langs.get(lead["lang"], langs["en_US"]),
                    "expected_revenue": lead["revenue"],
                    "description": lead["description"],
                    "priority": lead["priority"],
                    "date_deadline": lead["deadline"],
                }
            )
        records = env["crm.lead"].create(vals_list)
        for lead, record in zip(batch, records):
            lead["id"] = record.id
        won_ids = [lead["id"] for lead in batch if lead["won"]]
        env["crm.lead"].browse(won_ids).action_set_won()
        by_reason = {}
        for lead in batch:
            if lead["kind"] == "closed" and not lead["won"]:
                by_reason.setdefault(lead["lost_reason"], []).append(lead["id"])
        for reason, ids in by_reason.items():
            env["crm.lead"].browse(ids).action_set_lost(lost_reason_id=refs["lost_reason"][reason].id)
        _fix_lead_dates(gen, batch)
        gen.log_progress("opportunities", offset + len(batch), len(leads), started)
    gen.stats["won"] = sum(1 for lead in leads if lead["won"])
    gen.stats["lost"] = sum(1 for lead in leads if lead["kind"] == "closed" and not lead["won"])
    gen.stats["open opportunities"] = sum(1 for lead in leads if lead["kind"] == "open")


def _fix_lead_dates(gen, batch):
    ids, created, closed, stage_update, day_close = [], [], [], [], []
    for lead in batch:
        ids.append(lead["id"])
        created.append(lead["created"])
        if lead["kind"] == "closed":
            closed.append(lead["close_dt"])
            stage_update.append(lead["close_dt"])
            day_close.append(float((lead["close_dt"] - lead["created"]).days))
        else:
            closed.append(None)
            last = lead["last_activity_dt"]
            stage_update.append(lead["created"] + (last - lead["created"]) * 0.6)
            day_close.append(None)
    gen.sql_update(
        "crm.lead",
        ids,
        {
            "create_date": ("timestamp", created),
            "write_date": ("timestamp", [c or s for c, s in zip(closed, stage_update)]),
            "date_open": ("timestamp", created),
            "date_conversion": ("timestamp", created),
            "date_closed": ("timestamp", closed),
            "date_last_stage_update": ("timestamp", stage_update),
            "day_open": ("float", [0.0] * len(ids)),
            "day_close": ("float", day_close),
        },
    )


def _message_vals(gen, lead, partner, message, refs, index):
    lang = lead["lang"]
    user = gen.users[lead["user"]]
    kind = message["kind"]
    common = {
        "model": "crm.lead",
        "res_id": lead["id"],
        "date": message["date"],
        "message_id": f"<ai-suite-demo-{lead['id']}-{index}@atelier-lumiere.fr>",
        "reply_to": user.email,
        "record_company_id": gen.company.id,
    }
    contact = partner["contact"].split(" ")[0]
    if kind == "email_out":
        subject, body = names.EMAILS_OUT[lang][message["template"]]
        return dict(
            common,
            message_type="comment",
            subtype_id=refs["subtype"]["comment"].id,
            author_id=user.partner_id.id,
            email_from=f'"{user.name}" <{user.email}>',
            subject=subject,
            body=body.format(contact=contact, user=user.name, space=lead["space"]),
            partner_ids=[(6, 0, [partner["id"]])],
        )
    if kind == "email_in":
        subject = names.EMAILS_OUT[lang][message["template"]][0]
        body, answers = names.EMAILS_IN[lang]
        return dict(
            common,
            message_type="email",
            subtype_id=refs["subtype"]["comment"].id,
            author_id=partner["id"],
            email_from=f'"{partner["contact"]}" <{partner["email"]}>',
            subject=f"Re: {subject}",
            body=body.format(answer=answers[message["answer"]], contact=partner["contact"]),
            partner_ids=[(6, 0, [user.partner_id.id])],
        )
    if kind == "call":
        text = (
            f"Call — reached, {message['minutes']} min: {message['note']}" if message["reached"] else "Call — no answer"
        )
        activity = "phone"
    elif kind == "meeting":
        text = f"Meeting — held, {message['minutes']} min: {message['note']}"
        activity = "meeting"
    else:
        reply = (
            f"replied after {message['replied_after']:.0f} h" if message["replied_after"] is not None else "no reply"
        )
        text = f"LinkedIn — {message['note']}: {reply}"
        activity = "linkedin"
    activity_type = refs["activity_type"][activity]
    return dict(
        common,
        message_type="notification",
        subtype_id=refs["subtype"]["activities"].id,
        author_id=user.partner_id.id,
        email_from=f'"{user.name}" <{user.email}>',
        mail_activity_type_id=activity_type.id,
        is_internal=True,
        body=f"<p>{text}</p>",
    )


def _create_messages(gen, plan, refs):
    env = gen.env
    partners = plan["partners"]
    all_vals = []
    for lead in plan["leads"]:
        partner = partners[lead["partner"]]
        for index, message in enumerate(lead["messages"]):
            all_vals.append(_message_vals(gen, lead, partner, message, refs, index))
    started = time.monotonic()
    Message = env["mail.message"]
    for offset in range(0, len(all_vals), MESSAGE_BATCH):
        batch = all_vals[offset : offset + MESSAGE_BATCH]
        records = Message.create(batch)
        env.flush_all()
        gen.sql_update(
            "mail.message",
            records.ids,
            {
                "create_date": ("timestamp", [vals["date"] for vals in batch]),
                "write_date": ("timestamp", [vals["date"] for vals in batch]),
            },
        )
        gen.log_progress("messages", offset + len(batch), len(all_vals), started)
    gen.stats["messages"] = len(all_vals)


def _create_planned_activities(gen, plan, refs):
    """Active open opportunities have their next step planned; quiet ones have none."""
    env = gen.env
    rng = gen.rng("planned activities")
    model_id = env["ir.model"]._get_id("crm.lead")
    vals_list = []
    for lead in plan["leads"]:
        if lead["kind"] != "open" or lead["quiet"] or rng.random() < 0.25:
            continue
        kind = _weighted(rng, [("phone", 0.5), ("email", 0.3), ("meeting", 0.2)])
        vals_list.append(
            {
                "res_model_id": model_id,
                "res_id": lead["id"],
                "activity_type_id": refs["activity_type"][kind].id,
                "user_id": gen.users[lead["user"]].id,
                "date_deadline": gen.anchor + timedelta(days=rng.randint(0, 8)),
                "summary": {"phone": "Follow-up call", "email": "Send the revised quotation", "meeting": "Site visit"}[
                    kind
                ],
            }
        )
    env["mail.activity"].create(vals_list)
    gen.stats["planned activities"] = len(vals_list)
