"""The hidden patterns the demo history is drawn from.

Pure Python (no ``import odoo``): the generator draws its records from these tables and
functions, the tests measure them back, and ``readme/USAGE.md`` documents them. Feature
engineers may import this module to check what their models should find, e.g.
``from odoo.addons.ai_suite_demo.demo import patterns``.

Everything here is a deterministic function of its arguments: no global random state.
"""

import hashlib
import math
from datetime import date, timedelta

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

# --------------------------------------------------------------------------------------------
# Helpers


def stable_hash(text):
    """A non-negative integer that depends on ``text`` only (not on PYTHONHASHSEED)."""
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")


def unit_hash(text):
    """A float in [0, 1) that depends on ``text`` only."""
    return stable_hash(text) / 2.0**64


def sigmoid(x):
    return 1.0 / (1.0 + math.exp(-x))


# --------------------------------------------------------------------------------------------
# CRM: prospects, sources, segments

# weight: share of prospects; tzs/langs: (value, weight); win: additive logit effect;
# email_reply / linkedin_reply: base response rates of the channel in that country;
# email_day: local weekday (0 = Monday) on which e-mails get answered most (rate x 1.6).
COUNTRIES = {
    "FR": {
        "weight": 0.55,
        "tzs": (("Europe/Paris", 1.0),),
        "langs": (("fr_FR", 1.0),),
        "win": 0.15,
        "email_reply": 0.42,
        "linkedin_reply": 0.18,
        "email_day": 1,
    },
    "BE": {
        "weight": 0.12,
        "tzs": (("Europe/Brussels", 1.0),),
        "langs": (("fr_FR", 0.7), ("en_US", 0.3)),
        "win": 0.10,
        "email_reply": 0.40,
        "linkedin_reply": 0.24,
        "email_day": 2,
    },
    "CH": {
        "weight": 0.08,
        "tzs": (("Europe/Zurich", 1.0),),
        "langs": (("fr_FR", 0.5), ("de_DE", 0.5)),
        "win": 0.0,
        "email_reply": 0.46,
        "linkedin_reply": 0.20,
        "email_day": 0,
    },
    "DE": {
        "weight": 0.08,
        "tzs": (("Europe/Berlin", 1.0),),
        "langs": (("de_DE", 1.0),),
        "win": -0.10,
        "email_reply": 0.52,
        "linkedin_reply": 0.16,
        "email_day": 0,
    },
    "ES": {
        "weight": 0.07,
        "tzs": (("Europe/Madrid", 1.0),),
        "langs": (("en_US", 1.0),),
        "win": -0.10,
        "email_reply": 0.30,
        "linkedin_reply": 0.22,
        "email_day": 3,
    },
    "GB": {
        "weight": 0.06,
        "tzs": (("Europe/London", 1.0),),
        "langs": (("en_US", 1.0),),
        "win": -0.20,
        "email_reply": 0.36,
        "linkedin_reply": 0.36,
        "email_day": 1,
    },
    "US": {
        "weight": 0.04,
        "tzs": (("America/New_York", 0.7), ("America/Chicago", 0.3)),
        "langs": (("en_US", 1.0),),
        "win": -0.30,
        "email_reply": 0.30,
        "linkedin_reply": 0.42,
        "email_day": 2,
    },
}

# win: additive logit effect (Referral >> Website > Partner > Trade show > LinkedIn > Cold call);
# email_mult / linkedin_mult: multiply the country's response rate of that channel;
# slot: local start hour of the 2-hour window in which prospects of that source pick up the phone.
SOURCES = {
    "Referral": {"weight": 0.13, "win": 1.40, "medium": "Direct", "email_mult": 1.30, "linkedin_mult": 1.0, "slot": 10},
    "Website": {"weight": 0.24, "win": 0.50, "medium": "Website", "email_mult": 1.10, "linkedin_mult": 0.8, "slot": 14},
    "Partner": {"weight": 0.12, "win": 0.30, "medium": "Direct", "email_mult": 1.00, "linkedin_mult": 0.9, "slot": 8},
    "Trade show": {
        "weight": 0.15,
        "win": 0.0,
        "medium": "Trade show",
        "email_mult": 1.00,
        "linkedin_mult": 1.2,
        "slot": 16,
    },
    "LinkedIn": {
        "weight": 0.17,
        "win": -0.45,
        "medium": "LinkedIn",
        "email_mult": 0.80,
        "linkedin_mult": 1.8,
        "slot": 12,
    },
    "Cold call": {"weight": 0.19, "win": -1.10, "medium": "Phone", "email_mult": 0.70, "linkedin_mult": 0.7, "slot": 8},
}

# Best call weekday per country (0 = Monday): with the source's slot it gives each segment
# (country, source) its best weekday and 2-hour window, in the prospect's local time.
COUNTRY_CALL_DAY = {"FR": 1, "BE": 3, "CH": 2, "DE": 0, "ES": 3, "GB": 4, "US": 2}
# Windows the salespeople (Europe/Paris, 8:00-19:00) can call in, as local start hours.
CALL_SLOTS = (8, 10, 12, 14, 16)
US_CALL_SLOTS = (8, 10)
CALL_REACH_BEST = 0.65
CALL_REACH_ELSEWHERE = 0.20
EMAIL_BEST_DAY_FACTOR = 1.6
EMAIL_OTHER_DAY_FACTOR = 0.85

# Sectors: one tag each; expected revenue is log-normal (median EUR, sigma of the log).
SECTORS = {
    "Retail": {"weight": 0.24, "median": 6000, "sigma": 0.75},
    "Hospitality": {"weight": 0.18, "median": 9000, "sigma": 0.75},
    "Offices": {"weight": 0.22, "median": 12000, "sigma": 0.8},
    "Industry": {"weight": 0.16, "median": 24000, "sigma": 0.9},
    "Healthcare": {"weight": 0.10, "median": 16000, "sigma": 0.7},
    "Public sector": {"weight": 0.10, "median": 30000, "sigma": 0.7},
}
# Extra tags: probability to carry it and additive logit effect.
EXTRA_TAGS = {
    "Energy retrofit": {"prob": 0.30, "win": 0.50},
    "Public tender": {"prob": 0.0, "win": -0.70},  # 65% of the Public sector leads, only them
    "Urgent": {"prob": 0.12, "win": 0.40},
    "Design-led": {"prob": 0.18, "win": 0.0},
}
PUBLIC_TENDER_SHARE = 0.65

# Salespeople: login stem, name, team, skill (additive logit effect), months since hiring
# (None: there for the whole history), share of the team's leads.
SALESPEOPLE = (
    {
        "key": "camille.durand",
        "name": "Camille Durand",
        "team": "direct",
        "skill": 0.60,
        "hired_months": None,
        "share": 0.36,
    },
    {
        "key": "julien.moreau",
        "name": "Julien Moreau",
        "team": "direct",
        "skill": 0.25,
        "hired_months": None,
        "share": 0.34,
    },
    {
        "key": "sophie.lambert",
        "name": "Sophie Lambert",
        "team": "direct",
        "skill": 0.0,
        "hired_months": None,
        "share": 0.30,
    },
    {
        "key": "thomas.girard",
        "name": "Thomas Girard",
        "team": "channel",
        "skill": -0.20,
        "hired_months": None,
        "share": 0.55,
    },
    {
        "key": "lea.fontaine",
        "name": "Léa Fontaine",
        "team": "channel",
        "skill": -0.55,
        "hired_months": 18,
        "share": 0.45,
    },
)

# Logit effects of the engagement features (see win_logit()).
WIN_EXCHANGES_PER_UNIT = 0.12  # per logged exchange above 8, capped at +-1.2
WIN_REPLY_SPEED_PER_DOUBLING = -0.45  # per doubling of the median reply delay above 12 h
WIN_REVENUE_PER_LOG = -0.55  # per unit of ln(expected_revenue / 15,000)
WIN_EXISTING_CUSTOMER = 0.90  # the prospect company already bought from us
NO_REPLY_HOURS = 96.0  # median reply delay used when the prospect never replied
TARGET_WIN_RATE = 0.38


def best_call_slot(country, source):
    """Best (weekday, start hour) to reach prospects of that segment by phone, local time."""
    return COUNTRY_CALL_DAY[country], _feasible_slot(country, SOURCES[source]["slot"])


def _feasible_slot(country, hour):
    slots = US_CALL_SLOTS if country == "US" else CALL_SLOTS
    return hour if hour in slots else slots[-1] if hour > slots[-1] else slots[0]


def call_slots(country):
    """The 2-hour windows (local start hours) in which the salespeople call prospects of a country."""
    return US_CALL_SLOTS if country == "US" else CALL_SLOTS


def call_reach_probability(country, source, local_weekday, local_hour):
    """Probability that a call placed at that local weekday/hour reaches the prospect."""
    day, start = best_call_slot(country, source)
    if local_weekday == day and start <= local_hour < start + 2:
        return CALL_REACH_BEST
    return CALL_REACH_ELSEWHERE


def email_reply_probability(country, source, local_weekday, engagement):
    """Probability that the prospect answers an e-mail sent on that local weekday."""
    base = COUNTRIES[country]["email_reply"] * SOURCES[source]["email_mult"]
    day = EMAIL_BEST_DAY_FACTOR if local_weekday == COUNTRIES[country]["email_day"] else EMAIL_OTHER_DAY_FACTOR
    return min(0.95, base * day * (0.55 + 0.9 * sigmoid(1.2 * engagement)))


def linkedin_reply_probability(country, source, engagement):
    base = COUNTRIES[country]["linkedin_reply"] * SOURCES[source]["linkedin_mult"]
    return min(0.95, base * (0.55 + 0.9 * sigmoid(1.2 * engagement)))


def win_logit(
    *, country, source, sector, tags, skill, expected_revenue, n_exchanges, median_reply_hours, existing_customer
):
    """Logit of the won probability, without the intercept (see calibrate_intercept())."""
    logit = COUNTRIES[country]["win"] + SOURCES[source]["win"] + skill
    logit += sum(EXTRA_TAGS[tag]["win"] for tag in tags if tag in EXTRA_TAGS)
    logit += max(-1.2, min(1.2, WIN_EXCHANGES_PER_UNIT * (n_exchanges - 8)))
    hours = median_reply_hours if median_reply_hours is not None else NO_REPLY_HOURS
    logit += WIN_REPLY_SPEED_PER_DOUBLING * math.log2(max(hours, 0.25) / 12.0)
    logit += WIN_REVENUE_PER_LOG * math.log(expected_revenue / 15000.0)
    if existing_customer:
        logit += WIN_EXISTING_CUSTOMER
    return logit


def calibrate_intercept(logits, target=TARGET_WIN_RATE):
    """Intercept that makes the mean won probability of ``logits`` equal ``target`` (bisection)."""
    low, high = -10.0, 10.0
    for _i in range(60):
        mid = (low + high) / 2
        mean = sum(sigmoid(mid + x) for x in logits) / max(len(logits), 1)
        low, high = (mid, high) if mean < target else (low, mid)
    return (low + high) / 2


def lead_volume_factor(day, start):
    """Relative number of new opportunities created on ``day`` (growth 10%/year, quiet August)."""
    years = (day - start).days / 365.25
    month_factor = {
        1: 1.10,
        2: 1.05,
        3: 1.10,
        4: 1.0,
        5: 0.95,
        6: 1.0,
        7: 0.85,
        8: 0.45,
        9: 1.20,
        10: 1.15,
        11: 1.05,
        12: 0.70,
    }[day.month]
    weekday_factor = (1.0, 1.05, 1.05, 1.0, 0.9, 0.15, 0.05)[day.weekday()]
    return (1.10**years) * month_factor * weekday_factor


# --------------------------------------------------------------------------------------------
# Weather and demand


def daily_temperature(day):
    """Mean air temperature (deg C) of the demo's Lyon weather on ``day``: a pure function of the date.

    Seasonal cosine (coldest about 18 January: 3.0 C, warmest mid-July: 22.6 C) plus three
    "weather" sinusoids of incommensurate periods (4.3, 9.7 and 23.3 days), a summer
    heat-wave bump and a +-1 C jitter hashed from the date.
    """
    doy = day.timetuple().tm_yday
    n = day.toordinal()
    seasonal = 12.8 - 9.8 * math.cos(2 * math.pi * (doy - 18) / 365.25)
    weather = (
        2.6 * math.sin(2 * math.pi * n / 9.7 + 0.4)
        + 1.9 * math.sin(2 * math.pi * n / 23.3 + 1.7)
        + 1.2 * math.sin(2 * math.pi * n / 4.3 + 2.9)
    )
    wave = math.sin(2 * math.pi * n / 61.7)
    heat_wave = 5.0 * (wave - 0.8) / 0.2 if wave > 0.8 and 150 <= doy <= 250 else 0.0
    jitter = (unit_hash(f"temperature|{day.isoformat()}") - 0.5) * 2.0
    return round(seasonal + weather + heat_wave + jitter, 1)


# Mon..Sun factors of daily demand: shop/web-shop profile and trade (B2B) profile.
WEEKLY_PROFILES = {
    "shop": (1.10, 1.00, 0.95, 1.00, 1.25, 0.70, 0.0),
    "trade": (1.30, 1.20, 1.10, 1.10, 1.10, 0.20, 0.0),
}
# Yearly seasonality: peak day of year and kind of peak.
SEASONS = {
    "summer": {"peak": 196, "kind": "cosine"},
    "winter": {"peak": 15, "kind": "cosine"},
    "spring": {"peak": 135, "kind": "cosine"},
    "autumn": {"peak": 300, "kind": "cosine"},
    "christmas": {"peak": 350, "kind": "spike", "width": 14},
    "back_to_school": {"peak": 245, "kind": "spike", "width": 12},
}


def season_factor(season, amplitude, day):
    if not season:
        return 1.0
    spec = SEASONS[season]
    doy = day.timetuple().tm_yday
    if spec["kind"] == "cosine":
        return math.exp(amplitude * math.cos(2 * math.pi * (doy - spec["peak"]) / 365.25))
    distance = min(abs(doy - spec["peak"]), 365 - abs(doy - spec["peak"]))
    return 1.0 + amplitude * math.exp(-((distance / spec["width"]) ** 2))


def expected_demand(product, day, start):
    """Expected units of ``product`` (a PRODUCTS entry) shipped on ``day``; ``start`` = history start."""
    weekday = WEEKLY_PROFILES[product.get("weekly", "shop")][day.weekday()]
    if not weekday:
        return 0.0
    years = (day - start).days / 365.25
    level = product["base"] * weekday * (1.0 + product.get("trend", 0.0)) ** years
    level *= season_factor(product.get("season"), product.get("season_amp", 0.0), day)
    temp = product.get("temp")
    if temp:
        t = daily_temperature(day)
        excess = max(0.0, t - 20.0) if temp == "hot" else max(0.0, 10.0 - t)
        level *= 0.15 + product["temp_coef"] * excess
    return level


# --------------------------------------------------------------------------------------------
# Products and their suppliers. base: units per average shop day at the history start.
# resolution: "daily" (one stock move per day with demand in the last 2 years, weekly before),
# "weekly" (one move per week), "event" (intermittent: one move per actual demand).

PRODUCT_CATEGORIES = {
    "led": ("LED Lighting", "Éclairage LED"),
    "vent": ("Ventilation", "Ventilation"),
    "heat": ("Heating", "Chauffage"),
    "acc": ("Accessories & Smart Home", "Accessoires & maison connectée"),
}

PRODUCTS = (
    {
        "code": "LED-E27-9W",
        "name": "LED bulb E27 9 W",
        "fr": "Ampoule LED E27 9 W",
        "categ": "led",
        "supplier": "shenzhen",
        "cost": 1.9,
        "price": 5.9,
        "base": 14.0,
        "trend": 0.1,
        "resolution": "daily",
        "min_qty": 200,
    },
    {
        "code": "LED-GU10-5W",
        "name": "LED spot GU10 5 W",
        "fr": "Spot LED GU10 5 W",
        "categ": "led",
        "supplier": "shenzhen",
        "cost": 1.6,
        "price": 4.9,
        "base": 11.0,
        "resolution": "daily",
        "min_qty": 200,
    },
    {
        "code": "LED-T8-120",
        "name": "LED tube T8 120 cm",
        "fr": "Tube LED T8 120 cm",
        "categ": "led",
        "supplier": "lumitech",
        "cost": 4.2,
        "price": 11.5,
        "base": 8.0,
        "trend": 0.2,
        "weekly": "trade",
        "resolution": "daily",
        "min_qty": 50,
    },
    {
        "code": "LED-PAN-6060",
        "name": "LED panel 60x60 36 W",
        "fr": "Dalle LED 60x60 36 W",
        "categ": "led",
        "supplier": "lumitech",
        "cost": 17.0,
        "price": 42.0,
        "base": 5.0,
        "weekly": "trade",
        "resolution": "daily",
        "min_qty": 20,
    },
    {
        "code": "HAL-42W",
        "name": "Halogen bulb 42 W",
        "fr": "Ampoule halogène 42 W",
        "categ": "led",
        "supplier": "electro",
        "cost": 0.9,
        "price": 3.2,
        "base": 6.0,
        "trend": -0.3,
        "resolution": "weekly",
        "min_qty": 100,
    },
    {
        "code": "PEND-OPALE",
        "name": "Pendant lamp Opale",
        "fr": "Suspension Opale",
        "categ": "led",
        "supplier": "nordic",
        "cost": 48.0,
        "price": 129.0,
        "base": 0.9,
        "resolution": "weekly",
        "min_qty": 5,
    },
    {
        "code": "FLOOR-ARC",
        "name": "Floor lamp Arc",
        "fr": "Lampadaire Arc",
        "categ": "led",
        "supplier": "nordic",
        "cost": 62.0,
        "price": 169.0,
        "base": 0.6,
        "season": "christmas",
        "season_amp": 2.5,
        "resolution": "weekly",
        "min_qty": 5,
    },
    {
        "code": "DESK-STUDIO",
        "name": "Desk lamp Studio",
        "fr": "Lampe de bureau Studio",
        "categ": "led",
        "supplier": "berger",
        "cost": 14.0,
        "price": 39.0,
        "base": 1.6,
        "season": "back_to_school",
        "season_amp": 2.0,
        "resolution": "weekly",
        "min_qty": 10,
    },
    {
        "code": "WALL-IP65",
        "name": "Outdoor wall light IP65",
        "fr": "Applique extérieure IP65",
        "categ": "led",
        "supplier": "berger",
        "cost": 16.0,
        "price": 45.0,
        "base": 1.3,
        "season": "spring",
        "season_amp": 0.7,
        "resolution": "weekly",
        "min_qty": 10,
    },
    {
        "code": "LED-STRIP-5M",
        "name": "LED strip 5 m",
        "fr": "Ruban LED 5 m",
        "categ": "led",
        "supplier": "shenzhen",
        "cost": 6.5,
        "price": 19.9,
        "base": 4.0,
        "season": "christmas",
        "season_amp": 1.8,
        "resolution": "daily",
        "min_qty": 50,
    },
    {
        "code": "SOLAR-GARDEN",
        "name": "Solar garden light",
        "fr": "Borne solaire de jardin",
        "categ": "led",
        "supplier": "shenzhen",
        "cost": 3.8,
        "price": 12.9,
        "base": 2.2,
        "season": "summer",
        "season_amp": 1.3,
        "resolution": "weekly",
        "min_qty": 50,
    },
    {
        "code": "FAN-ZEPHYR",
        "name": "Column fan Zephyr",
        "fr": "Ventilateur colonne Zéphyr",
        "categ": "vent",
        "supplier": "ventilo",
        "cost": 24.0,
        "price": 59.0,
        "base": 3.0,
        "temp": "hot",
        "temp_coef": 0.55,
        "resolution": "daily",
        "min_qty": 20,
    },
    {
        "code": "FAN-DESK-30",
        "name": "Desk fan 30 cm",
        "fr": "Ventilateur de table 30 cm",
        "categ": "vent",
        "supplier": "ventilo",
        "cost": 9.5,
        "price": 24.9,
        "base": 1.2,
        "season": "summer",
        "season_amp": 1.6,
        "resolution": "weekly",
        "min_qty": 20,
    },
    {
        "code": "FAN-MISTRAL",
        "name": "Ceiling fan Mistral",
        "fr": "Ventilateur de plafond Mistral",
        "categ": "vent",
        "supplier": "ventilo",
        "cost": 58.0,
        "price": 149.0,
        "base": 0.5,
        "season": "summer",
        "season_amp": 1.2,
        "resolution": "weekly",
        "min_qty": 5,
    },
    {
        "code": "EXTRACT-100",
        "name": "Bathroom extractor fan 100 mm",
        "fr": "Aérateur de salle de bain 100 mm",
        "categ": "vent",
        "supplier": "electro",
        "cost": 11.0,
        "price": 29.0,
        "base": 1.4,
        "weekly": "trade",
        "resolution": "weekly",
        "min_qty": 10,
    },
    {
        "code": "AIR-PURE",
        "name": "Air purifier Pure",
        "fr": "Purificateur d'air Pure",
        "categ": "vent",
        "supplier": "smarthome",
        "cost": 55.0,
        "price": 139.0,
        "base": 0.5,
        "trend": 0.3,
        "season": "winter",
        "season_amp": 0.4,
        "resolution": "weekly",
        "min_qty": 5,
    },
    {
        "code": "RAD-OIL-2000",
        "name": "Oil-filled radiator 2000 W",
        "fr": "Radiateur bain d'huile 2000 W",
        "categ": "heat",
        "supplier": "thermo",
        "cost": 29.0,
        "price": 69.0,
        "base": 2.2,
        "temp": "cold",
        "temp_coef": 0.3,
        "resolution": "daily",
        "min_qty": 20,
    },
    {
        "code": "HEAT-FAN-2000",
        "name": "Fan heater 2000 W",
        "fr": "Radiateur soufflant 2000 W",
        "categ": "heat",
        "supplier": "thermo",
        "cost": 12.0,
        "price": 32.0,
        "base": 2.6,
        "season": "winter",
        "season_amp": 1.5,
        "resolution": "daily",
        "min_qty": 20,
    },
    {
        "code": "HEAT-IR-600",
        "name": "Infrared panel heater 600 W",
        "fr": "Panneau rayonnant infrarouge 600 W",
        "categ": "heat",
        "supplier": "thermo",
        "cost": 78.0,
        "price": 189.0,
        "base": 0.5,
        "season": "winter",
        "season_amp": 1.1,
        "resolution": "weekly",
        "min_qty": 5,
    },
    {
        "code": "TOWEL-WARM",
        "name": "Towel warmer 500 W",
        "fr": "Sèche-serviettes 500 W",
        "categ": "heat",
        "supplier": "thermo",
        "cost": 85.0,
        "price": 219.0,
        "base": 0.0,
        "intermittent": 0.07,
        "lot": 1.5,
        "resolution": "event",
        "min_qty": 3,
    },
    {
        "code": "THERMO-PROG",
        "name": "Programmable thermostat",
        "fr": "Thermostat programmable",
        "categ": "acc",
        "supplier": "smarthome",
        "cost": 21.0,
        "price": 54.0,
        "base": 1.1,
        "trend": 0.15,
        "season": "autumn",
        "season_amp": 0.8,
        "resolution": "weekly",
        "min_qty": 10,
    },
    {
        "code": "SENSOR-MOTION",
        "name": "Motion sensor",
        "fr": "Détecteur de mouvement",
        "categ": "acc",
        "supplier": "smarthome",
        "cost": 7.0,
        "price": 19.0,
        "base": 2.0,
        "trend": 0.25,
        "resolution": "weekly",
        "min_qty": 20,
    },
    {
        "code": "SMART-PLUG",
        "name": "Smart plug",
        "fr": "Prise connectée",
        "categ": "acc",
        "supplier": "smarthome",
        "cost": 6.0,
        "price": 16.9,
        "base": 4.0,
        "trend": 0.35,
        "resolution": "daily",
        "min_qty": 50,
    },
    {
        "code": "DIMMER-400",
        "name": "Dimmer switch 400 W",
        "fr": "Variateur 400 W",
        "categ": "acc",
        "supplier": "electro",
        "cost": 8.0,
        "price": 21.0,
        "base": 1.5,
        "weekly": "trade",
        "resolution": "weekly",
        "min_qty": 20,
    },
    {
        "code": "EXT-CABLE-5M",
        "name": "Extension cable 5 m",
        "fr": "Rallonge électrique 5 m",
        "categ": "acc",
        "supplier": "electro",
        "cost": 3.5,
        "price": 9.9,
        "base": 7.0,
        "resolution": "daily",
        "min_qty": 100,
    },
    {
        "code": "CABLE-3G15",
        "name": "Cable 3G1.5 100 m roll",
        "fr": "Câble 3G1,5 couronne 100 m",
        "categ": "acc",
        "supplier": "electro",
        "cost": 48.0,
        "price": 95.0,
        "base": 0.8,
        "weekly": "trade",
        "resolution": "weekly",
        "min_qty": 5,
    },
    {
        "code": "SHADE-LINEN",
        "name": "Linen lamp shade",
        "fr": "Abat-jour en lin",
        "categ": "acc",
        "supplier": "berger",
        "cost": 9.0,
        "price": 29.0,
        "base": 0.0,
        "intermittent": 0.1,
        "lot": 1.8,
        "resolution": "event",
        "min_qty": 5,
    },
    {
        "code": "SCONCE-BRASS",
        "name": "Brass wall sconce",
        "fr": "Applique laiton",
        "categ": "led",
        "supplier": "berger",
        "cost": 38.0,
        "price": 99.0,
        "base": 0.0,
        "intermittent": 0.05,
        "lot": 1.6,
        "resolution": "event",
        "min_qty": 3,
    },
    {
        "code": "CHANDELIER-CRYSTAL",
        "name": "Crystal chandelier",
        "fr": "Lustre en cristal",
        "categ": "led",
        "supplier": "nordic",
        "cost": 390.0,
        "price": 990.0,
        "base": 0.0,
        "intermittent": 0.025,
        "lot": 1.0,
        "resolution": "event",
        "min_qty": 2,
    },
    {
        "code": "EXIT-SIGN",
        "name": "Emergency exit light",
        "fr": "Bloc de secours",
        "categ": "led",
        "supplier": "lumitech",
        "cost": 19.0,
        "price": 49.0,
        "base": 0.0,
        "intermittent": 0.06,
        "lot": 3.0,
        "resolution": "event",
        "min_qty": 10,
    },
)

# Goods suppliers: lead time in days (supplierinfo delay), weekday of the weekly order review,
# probability that a receipt is late (and by how many days), probability of a partial receipt.
GOODS_SUPPLIERS = {
    "shenzhen": {
        "ref": "SBL-INV-{y}{n:05d}",
        "name": "Shenzhen Bright Lighting Co., Ltd",
        "country": "CN",
        "lead": 30,
        "review_day": 0,
        "late_prob": 0.25,
        "late_days": (5, 15),
        "partial_prob": 0.10,
    },
    "lumitech": {
        "ref": "RE-{y}-{n:06d}",
        "name": "Lumitech GmbH",
        "country": "DE",
        "lead": 10,
        "review_day": 1,
        "late_prob": 0.08,
        "late_days": (2, 6),
        "partial_prob": 0.06,
    },
    "electro": {
        "ref": "FA{yy}{n:06d}",
        "name": "Électro Distribution Lyon",
        "country": "FR",
        "lead": 5,
        "review_day": 2,
        "late_prob": 0.05,
        "late_days": (1, 4),
        "partial_prob": 0.05,
    },
    "nordic": {
        "ref": "NL{n:07d}",
        "name": "Nordic Light AB",
        "country": "SE",
        "lead": 21,
        "review_day": 0,
        "late_prob": 0.12,
        "late_days": (3, 10),
        "partial_prob": 0.08,
    },
    "berger": {
        "ref": "F{y}-{n:04d}",
        "name": "Luminaires Berger SARL",
        "country": "FR",
        "lead": 12,
        "review_day": 3,
        "late_prob": 0.08,
        "late_days": (2, 7),
        "partial_prob": 0.05,
    },
    "ventilo": {
        "ref": "FT {n}/{y}",
        "name": "Ventilo Italia S.r.l.",
        "country": "IT",
        "lead": 14,
        "review_day": 1,
        "late_prob": 0.15,
        "late_days": (4, 12),
        "partial_prob": 0.12,
    },
    "thermo": {
        "ref": "TC-{y}{m:02d}-{n:04d}",
        "name": "Thermo Confort SAS",
        "country": "FR",
        "lead": 7,
        "review_day": 2,
        "late_prob": 0.10,
        "late_days": (2, 8),
        "partial_prob": 0.08,
    },
    "smarthome": {
        "ref": "SHD{y}{n:06d}",
        "name": "Smart Home Devices B.V.",
        "country": "NL",
        "lead": 9,
        "review_day": 4,
        "late_prob": 0.06,
        "late_days": (2, 5),
        "partial_prob": 0.05,
    },
}

# Replenishment policy of the simulated buyer: review every other week per supplier, order up to
# COVER_DAYS of the trailing 28-day average demand when the stock position falls below
# lead time + REVIEW_DAYS of it. The trailing average lags seasonal ramp-ups, so fans run out
# in early summer heat and heaters at the first cold snaps: the stock-outs a forecast avoids.
TRAILING_DAYS = 28
REVIEW_DAYS = 14
SAFETY_FACTOR = 1.15
COVER_DAYS = 91
# Products whose buyer stopped re-ordering in the last weeks (days before the anchor date):
# currently low or out, nothing on order, so a purchase proposal is due.
CURRENTLY_LOW = {"EXT-CABLE-5M": 50, "SMART-PLUG": 44, "DIMMER-400": 40}
# Products kept when the scale shrinks the catalogue (scale < 1), most telling first.
PRODUCT_PRIORITY = (
    "FAN-ZEPHYR",
    "RAD-OIL-2000",
    "LED-E27-9W",
    "SMART-PLUG",
    "HEAT-FAN-2000",
    "TOWEL-WARM",
    "FAN-DESK-30",
    "EXT-CABLE-5M",
    "LED-T8-120",
    "CHANDELIER-CRYSTAL",
)
DAILY_DAYS = 730  # daily-resolution history of the "daily" products (scaled down below scale 0.5)
WEEKLY_DAYS = 730  # weekly-resolution history of the "weekly" products (monthly before)


# --------------------------------------------------------------------------------------------
# Service suppliers and their recurring bills (those with planted anomalies first: kept at any scale).
# amount: untaxed amount of one bill at the history start (EUR); months: 1 monthly, 3 quarterly;
# increase: yearly price increase applied every January; season: "energy" (winter amplitude);
# noise: relative standard deviation; ref: supplier reference format (str.format fields:
# y = year, yy = 2-digit year, m = month, q = quarter, n = per-supplier running number).
SERVICE_SUPPLIERS = (
    {
        "key": "cleaning",
        "name": "Propreté Lyonnaise",
        "country": "FR",
        "account": "615000",
        "tax": "20",
        "months": 1,
        "amount": 980.0,
        "increase": 0.04,
        "season": 0.0,
        "noise": 0.015,
        "ref": "PL/{y}/{n:04d}",
        "label": "Nettoyage du showroom et des bureaux",
    },
    {
        "key": "orange",
        "name": "Orange Business",
        "country": "FR",
        "account": "614000",
        "tax": "20",
        "months": 1,
        "amount": 389.0,
        "increase": 0.03,
        "season": 0.0,
        "noise": 0.01,
        "ref": "OBS{yy}{m:02d}{n:05d}",
        "label": "Fibre, lignes mobiles et standard",
    },
    {
        "key": "ovh",
        "name": "OVHcloud",
        "country": "FR",
        "account": "616000",
        "tax": "20",
        "months": 1,
        "amount": 219.0,
        "increase": 0.05,
        "season": 0.0,
        "noise": 0.0,
        "ref": "FR{n:08d}",
        "label": "Hébergement de la boutique en ligne et sauvegardes",
    },
    {
        "key": "edf",
        "name": "EDF Entreprises",
        "country": "FR",
        "account": "613000",
        "tax": "20",
        "months": 1,
        "amount": 1450.0,
        "increase": 0.08,
        "season": 0.45,
        "noise": 0.05,
        "ref": "EDF-{y}{m:02d}-{n:06d}",
        "label": "Fourniture d'électricité",
    },
    {
        "key": "engie",
        "name": "Engie Pro",
        "country": "FR",
        "account": "613000",
        "tax": "20",
        "months": 1,
        "amount": 620.0,
        "increase": 0.07,
        "season": 0.95,
        "noise": 0.06,
        "ref": "GZ{yy}{n:07d}",
        "label": "Fourniture de gaz naturel",
    },
    {
        "key": "rent",
        "name": "Foncière Rhône Immobilier",
        "country": "FR",
        "account": "612000",
        "tax": "20",
        "months": 3,
        "amount": 9600.0,
        "increase": 0.035,
        "season": 0.0,
        "noise": 0.0,
        "ref": "LOY-{y}-T{q}",
        "label": "Loyer trimestriel, showroom et entrepôt, Lyon 7e",
    },
    {
        "key": "water",
        "name": "Eau du Grand Lyon",
        "country": "FR",
        "account": "613000",
        "tax": "5.5",
        "months": 3,
        "amount": 310.0,
        "increase": 0.03,
        "season": 0.10,
        "noise": 0.08,
        "ref": "EGL{y}Q{q}-{n:05d}",
        "label": "Eau et assainissement",
    },
    {
        "key": "software",
        "name": "Logiciels Sage France",
        "country": "FR",
        "account": "616000",
        "tax": "20",
        "months": 3,
        "amount": 145.0,
        "increase": 0.06,
        "season": 0.0,
        "noise": 0.0,
        "ref": "SAGE-{y}-{n:06d}",
        "label": "Abonnement logiciel de paie",
    },
    {
        "key": "insurance",
        "name": "AXA Entreprises",
        "country": "FR",
        "account": "618000",
        "tax": "0",
        "months": 3,
        "amount": 1860.0,
        "increase": 0.045,
        "season": 0.0,
        "noise": 0.0,
        "ref": "AXA-{y}-{q}-{n:05d}",
        "label": "Assurance multirisque professionnelle",
    },
    {
        "key": "transport",
        "name": "Geodis Messagerie",
        "country": "FR",
        "account": "617000",
        "tax": "20",
        "months": 1,
        "amount": 1750.0,
        "increase": 0.05,
        "season": 0.25,
        "noise": 0.12,
        "ref": "GEO{y}{m:02d}/{n:05d}",
        "label": "Transport de colis et palettes",
    },
    {
        "key": "post",
        "name": "La Poste Colissimo",
        "country": "FR",
        "account": "617000",
        "tax": "20",
        "months": 1,
        "amount": 640.0,
        "increase": 0.045,
        "season": 0.20,
        "noise": 0.10,
        "ref": "COL-{yy}{m:02d}-{n:05d}",
        "label": "Colis de la boutique en ligne",
    },
    {
        "key": "accounting",
        "name": "Cabinet Fiduciaire Bellecour",
        "country": "FR",
        "account": "622000",
        "tax": "20",
        "months": 3,
        "amount": 2400.0,
        "increase": 0.03,
        "season": 0.0,
        "noise": 0.0,
        "ref": "FB-{y}-{n:04d}",
        "label": "Mission comptable et paie",
    },
    {
        "key": "office",
        "name": "Lyreco France",
        "country": "FR",
        "account": "619000",
        "tax": "20",
        "months": 1,
        "amount": 260.0,
        "increase": 0.03,
        "season": 0.0,
        "noise": 0.25,
        "ref": "LYR{n:09d}",
        "label": "Fournitures de bureau",
    },
    {
        "key": "security",
        "name": "Securitas Télésurveillance",
        "country": "FR",
        "account": "615000",
        "tax": "20",
        "months": 3,
        "amount": 149.0,
        "increase": 0.04,
        "season": 0.0,
        "noise": 0.0,
        "ref": "STS-{y}{m:02d}-{n:05d}",
        "label": "Télésurveillance",
    },
    {
        "key": "leasing",
        "name": "Arval Service Lease",
        "country": "FR",
        "account": "617000",
        "tax": "20",
        "months": 1,
        "amount": 1290.0,
        "increase": 0.0,
        "season": 0.0,
        "noise": 0.0,
        "ref": "ARV{y}{m:02d}{n:06d}",
        "label": "Location longue durée de 3 utilitaires",
    },
    {
        "key": "google",
        "name": "Google Cloud France SARL",
        "country": "FR",
        "account": "616000",
        "tax": "20",
        "months": 1,
        "amount": 96.0,
        "increase": 0.10,
        "season": 0.0,
        "noise": 0.0,
        "ref": "{n:010d}",
        "label": "Licences Workspace",
    },
    {
        "key": "marketing",
        "name": "Agence Pixel & Co",
        "country": "FR",
        "account": "623000",
        "tax": "20",
        "months": 1,
        "amount": 850.0,
        "increase": 0.03,
        "season": 0.0,
        "noise": 0.20,
        "ref": "PXL-{y}-{n:04d}",
        "label": "Gestion des campagnes publicitaires en ligne",
    },
)

# Expense accounts the generic chart lacks: code -> (English name, French name).
EXPENSE_ACCOUNTS = {
    "613000": ("Energy and water", "Énergie et eau"),
    "614000": ("Telecommunications", "Télécommunications"),
    "615000": ("Cleaning and security", "Nettoyage et sécurité"),
    "616000": ("IT services and software", "Services informatiques et logiciels"),
    "617000": ("Transport and vehicles", "Transports et véhicules"),
    "618000": ("Insurance", "Assurances"),
    "619000": ("Office supplies", "Fournitures de bureau"),
    "622000": ("Fees: accounting and legal", "Honoraires comptables et juridiques"),
    "623000": ("Advertising", "Publicité"),
}


def bill_amount(supplier, period_start, start, noise):
    """Untaxed amount of a recurring bill covering the period starting ``period_start``.

    Price level rises by ``increase`` every 1 January after ``start``; energy-like suppliers
    (``season`` > 0) cost exp(season * cos(2 pi (month - 1) / 12)) times more (winter peak);
    ``noise`` is a standard normal draw scaled by the supplier's ``noise``.
    """
    years = period_start.year - start.year
    level = supplier["amount"] * (1.0 + supplier["increase"]) ** years
    if supplier["season"]:
        level *= math.exp(supplier["season"] * math.cos(2 * math.pi * (period_start.month - 1) / 12.0))
    return round(level * max(0.3, 1.0 + supplier["noise"] * noise), 2)


# --------------------------------------------------------------------------------------------
# Dates


def add_months(day, months):
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    last = (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)).day
    return date(year, month, min(day.day, last))
