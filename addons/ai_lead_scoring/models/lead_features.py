"""Read what the scoring and engagement cores need, for a whole batch of leads, in a few SQL queries.

ORM glue only: no learning here. Features of a closed lead are taken as they stood when it closed
(exchanges after ``date_closed`` are ignored) so that training never sees the outcome.
"""
import pandas as pd

from odoo.tools import SQL

CATEGORICAL = ["source", "medium", "campaign", "country", "lang", "team", "salesperson", "email_state",
               "phone_state", "industry", "partner_kind"]
NUMERIC = ["expected_revenue", "n_incoming", "n_outgoing", "n_calls", "n_meetings", "reply_hours",
           "days_since_last_exchange", "age_days", "n_stage_changes", "days_in_stage"]
MULTI = ["tags"]
TEXT = ["description"]


# what counts as an exchange: emails and comments, and done activities (Odoo logs a done call, meeting or
# any activity as a notification carrying its activity type); tracking notifications do not count
EXCHANGE = SQL("(mm.message_type IN ('email', 'comment') OR (mm.message_type = 'notification' "
               "AND mm.mail_activity_type_id IS NOT NULL))")


def id_filter(column, ids):
    """``column`` is one of ``ids``: a plain ANY for a few ids, a join on unnest for many (a long constant
    array makes PostgreSQL estimate every element while planning, which costs more than the query).
    The ids' range is given too: the planner cannot tell how many rows the unnest keeps, and without
    the range it may scan the whole table for each batch (batches are runs of consecutive ids)."""
    ids = list(ids)
    if len(ids) < 1000:
        return SQL("%s = ANY(%s)", column, ids)
    return SQL("%s BETWEEN %s AND %s AND %s IN (SELECT unnest(%s::int[]))", column, min(ids), max(ids), column, ids)


def feature_labels(env):
    _ = env._
    return {
        "source": _("Source"), "medium": _("Medium"), "campaign": _("Campaign"), "country": _("Country"),
        "lang": _("Language"), "team": _("Sales team"), "salesperson": _("Salesperson"),
        "email_state": _("Email"), "phone_state": _("Phone"), "industry": _("Industry"),
        "partner_kind": _("Customer"), "expected_revenue": _("Expected revenue"),
        "n_incoming": _("Messages from the prospect"), "n_outgoing": _("Messages sent"),
        "n_calls": _("Calls"), "n_meetings": _("Meetings"), "reply_hours": _("Reply delay (hours)"),
        "days_since_last_exchange": _("Days without exchange"), "age_days": _("Age (days)"),
        "n_stage_changes": _("Stage changes"), "days_in_stage": _("Days in stage"),
        "tags": _("Tag"), "description": _("Description"),
    }


def read_lead_features(env, lead_ids):
    """One row per lead id (DataFrame indexed by id) with the features named above, plus
    ``won_status``, ``close_date``, ``create_date``, ``company_id``, ``team_id``."""
    if not lead_ids:
        return pd.DataFrame(columns=CATEGORICAL + NUMERIC + MULTI + TEXT)
    cr = env.cr
    cr.execute(SQL(
        """
        SELECT l.id, l.company_id, l.team_id, l.won_status, l.create_date,
               COALESCE(l.date_closed, now() AT TIME ZONE 'UTC') AS ref_date, l.date_closed AS close_date,
               src.name AS source, med.name AS medium, camp.name AS campaign, cty.code AS country,
               lng.code AS lang, team.name->>'en_US' AS team, l.user_id::text AS salesperson,
               l.email_state, l.phone_state, ind.full_name->>'en_US' AS industry,
               CASE WHEN l.partner_id IS NULL THEN 'none'
                    WHEN fw.first_won < COALESCE(l.date_closed, l.create_date) THEN 'existing'
                    ELSE 'new' END AS partner_kind,
               l.expected_revenue, l.description,
               EXTRACT(EPOCH FROM COALESCE(l.date_closed, now() AT TIME ZONE 'UTC') - l.create_date) / 86400 AS age_days,
               EXTRACT(EPOCH FROM COALESCE(l.date_closed, now() AT TIME ZONE 'UTC')
                                  - COALESCE(l.date_last_stage_update, l.create_date)) / 86400 AS days_in_stage
          FROM crm_lead l
     LEFT JOIN utm_source src ON src.id = l.source_id
     LEFT JOIN utm_medium med ON med.id = l.medium_id
     LEFT JOIN utm_campaign camp ON camp.id = l.campaign_id
     LEFT JOIN res_country cty ON cty.id = l.country_id
     LEFT JOIN res_lang lng ON lng.id = l.lang_id
     LEFT JOIN crm_team team ON team.id = l.team_id
     LEFT JOIN res_partner p ON p.id = l.partner_id
     LEFT JOIN res_partner_industry ind ON ind.id = p.industry_id
     LEFT JOIN LATERAL (SELECT min(w.date_closed) AS first_won FROM crm_lead w
                         WHERE w.partner_id = l.partner_id AND w.won_status = 'won') fw
            ON l.partner_id IS NOT NULL
         WHERE %(filter)s
      ORDER BY l.id
        """, filter=id_filter(SQL('l.id'), lead_ids)))
    columns = [desc[0] for desc in cr.description]
    frame = pd.DataFrame.from_records(cr.fetchall(), columns=columns).set_index("id")

    cr.execute(SQL(
        "SELECT r.lead_id, array_agg(t.name->>'en_US' ORDER BY t.id) FROM crm_tag_rel r "
        "JOIN crm_tag t ON t.id = r.tag_id WHERE %(filter)s GROUP BY r.lead_id",
        filter=id_filter(SQL("r.lead_id"), lead_ids)))
    tags = dict(cr.fetchall())
    frame["tags"] = [tags.get(i, []) for i in frame.index]

    cr.execute(SQL(
        """
        WITH m AS (
            SELECT mm.res_id, mm.date,
                   COALESCE(mm.author_id IN (SELECT partner_id FROM res_users WHERE share IS NOT TRUE), FALSE) AS outgoing,
                   at.category
              FROM mail_message mm
              JOIN crm_lead l ON l.id = mm.res_id
         LEFT JOIN mail_activity_type at ON at.id = mm.mail_activity_type_id
             WHERE mm.model = 'crm.lead' AND %(filter)s
               AND %(exchange)s
               AND mm.date <= COALESCE(l.date_closed, now() AT TIME ZONE 'UTC')
        ), ordered AS (
            SELECT m.*, lag(outgoing) OVER w AS prev_outgoing, lag(date) OVER w AS prev_date
              FROM m WINDOW w AS (PARTITION BY res_id ORDER BY date)
        )
        SELECT res_id,
               count(*) FILTER (WHERE NOT outgoing) AS n_incoming,
               count(*) FILTER (WHERE outgoing) AS n_outgoing,
               count(*) FILTER (WHERE category = 'phonecall') AS n_calls,
               count(*) FILTER (WHERE category = 'meeting') AS n_meetings,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM date - prev_date) / 3600)
                   FILTER (WHERE NOT outgoing AND prev_outgoing) AS reply_hours,
               max(date) AS last_date
          FROM ordered GROUP BY res_id
        """, filter=id_filter(SQL("mm.res_id"), lead_ids), exchange=EXCHANGE))
    exchanges = pd.DataFrame(cr.dictfetchall(), columns=["res_id", "n_incoming", "n_outgoing", "n_calls",
                                                         "n_meetings", "reply_hours", "last_date"]).set_index("res_id")
    frame = frame.join(exchanges, how="left")
    for col in ("n_incoming", "n_outgoing", "n_calls", "n_meetings"):
        frame[col] = pd.to_numeric(frame[col], errors="coerce").fillna(0.0)
    last = pd.to_datetime(frame["last_date"]).fillna(pd.to_datetime(frame["create_date"]))
    frame["days_since_last_exchange"] = (pd.to_datetime(frame["ref_date"]) - last).dt.total_seconds() / 86400

    cr.execute(SQL(
        """
        SELECT mm.res_id, count(*) FROM mail_tracking_value tv
          JOIN mail_message mm ON mm.id = tv.mail_message_id
          JOIN ir_model_fields f ON f.id = tv.field_id AND f.model = 'crm.lead' AND f.name = 'stage_id'
         WHERE mm.model = 'crm.lead' AND %(filter)s
      GROUP BY mm.res_id
        """, filter=id_filter(SQL("mm.res_id"), lead_ids)))
    stage_changes = dict(cr.fetchall())
    frame["n_stage_changes"] = [float(stage_changes.get(i, 0)) for i in frame.index]
    frame["salesperson"] = frame["salesperson"].where(frame["salesperson"].notna(), None)
    return frame


def read_exchanges(env, lead_ids):
    """Outgoing contact attempts and incoming replies of the given leads, oldest first:
    rows of (lead_id, date UTC, outgoing bool, channel key, body)."""
    if not lead_ids:
        return []
    env.cr.execute(SQL(
        """
        SELECT mm.res_id, mm.date,
               COALESCE(mm.author_id IN (SELECT partner_id FROM res_users WHERE share IS NOT TRUE), FALSE),
               CASE WHEN at.category = 'phonecall' THEN 'phone'
                    WHEN at.category = 'meeting' THEN 'meeting'
                    WHEN at.name->>'en_US' ILIKE '%%linkedin%%' THEN 'linkedin'
                    WHEN at.id IS NOT NULL AND at.category = 'default' AND at.name->>'en_US' ILIKE '%%mail%%' THEN 'email'
                    WHEN at.id IS NOT NULL THEN 'activity_' || at.id
                    ELSE 'email' END,
               left(mm.body, 400)
          FROM mail_message mm
     LEFT JOIN mail_activity_type at ON at.id = mm.mail_activity_type_id
         WHERE mm.model = 'crm.lead' AND %(filter)s AND %(exchange)s
      ORDER BY mm.res_id, mm.date, mm.id
        """, filter=id_filter(SQL("mm.res_id"), lead_ids), exchange=EXCHANGE))
    return env.cr.fetchall()
