"""Pure-Python engagement core: best time and channel to reach a prospect, follow-up drafts.

No Odoo import: plain data in, plain results out.
"""
from .drafts import draft_followup
from .timing import SLOTS, WEEKDAYS, Attempt, best_channel, best_time, classify_outcome
