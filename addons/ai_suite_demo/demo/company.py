"""Company, languages, currency, taxes, expense accounts, sales teams and salespeople."""

import logging

from . import patterns

_logger = logging.getLogger(__name__)

COMPANY_VALUES = {
    "name": "Atelier Lumière SAS",
    "street": "18 rue de la Charité",
    "zip": "69002",
    "city": "Lyon",
    "phone": "+33 4 78 42 17 90",
    "email": "contact@atelier-lumiere.fr",
    "website": "https://www.atelier-lumiere.fr",
    "company_registry": "81234567800029",
}
SIREN = 812345678
DOMAIN = "atelier-lumiere.fr"

# key -> (type_tax_use, amount, English name, French name)
TAXES = {
    ("sale", "20"): ("sale", 20.0, "VAT 20% (sales)", "TVA collectée 20 %"),
    ("purchase", "20"): ("purchase", 20.0, "VAT 20% (purchases)", "TVA déductible 20 %"),
    ("purchase", "10"): ("purchase", 10.0, "VAT 10% (purchases)", "TVA déductible 10 %"),
    ("purchase", "5.5"): ("purchase", 5.5, "VAT 5.5% (purchases)", "TVA déductible 5,5 %"),
    ("purchase", "0"): ("purchase", 0.0, "VAT exempt (purchases)", "Exonéré de TVA (achats)"),
}


def french_vat_number(siren):
    return f"FR{(12 + 3 * (siren % 97)) % 97:02d}{siren:09d}"


def generate(gen):
    env = gen.env
    company = gen.company
    _ensure_chart_of_accounts(gen)
    _setup_languages(gen)
    _setup_currency(gen)
    company.write(dict(COMPANY_VALUES, country_id=env.ref("base.fr").id, vat=french_vat_number(SIREN)))
    company.partner_id.write({"lang": "fr_FR", "tz": "Europe/Paris"})
    env.ref("base.user_admin").write({"tz": "Europe/Paris"})
    _setup_taxes(gen)
    _setup_accounts(gen)
    _setup_sales_teams(gen)


def _ensure_chart_of_accounts(gen):
    """On a database created in one go, ``account`` loads the company's chart of accounts only
    when the registry is finalised, after every module's post-init hook, ours included: load it
    now, through the very callback ``account`` registered for that moment."""
    env = gen.env
    if gen.company.chart_template:
        return
    registry = env.registry
    pending = getattr(registry, "_auto_install_template", None)
    if pending:
        pending(env)
        del registry._auto_install_template
    else:
        env["account.chart.template"].try_loading("generic_coa", gen.company)
    if not gen.company.chart_template:
        raise ValueError("no chart of accounts could be loaded for the main company")


def _setup_languages(gen):
    """French is installed with its translations (users write French first); German is only
    activated, so that German-speaking prospects can carry their language."""
    env = gen.env
    fr = env["res.lang"]._activate_lang("fr_FR")
    env["ir.module.module"].search([("state", "=", "installed")])._update_translations(["fr_FR"])
    de = env["res.lang"]._activate_lang("de_DE")
    gen.langs = {"fr_FR": fr, "de_DE": de, "en_US": env["res.lang"]._activate_lang("en_US")}


def _setup_currency(gen):
    env = gen.env
    company = gen.company
    eur = env.ref("base.EUR")
    gen.currency_switched = False
    if company.currency_id == eur:
        return
    if company._existing_accounting():
        _logger.warning(
            "AI suite demo: the company already has journal items, its currency stays %s", company.currency_id.name
        )
        return
    eur.active = True
    old = company.currency_id
    company.currency_id = eur
    # Pricelists and journals created at install in the old currency follow the company.
    env["product.pricelist"].search([("currency_id", "=", old.id), ("company_id", "in", [company.id, False])]).write(
        {"currency_id": eur.id}
    )
    gen.currency_switched = True


def _setup_taxes(gen):
    env = gen.env
    company = gen.company
    country = env.ref("base.fr")
    groups = {}
    for _use, rate in TAXES:
        if rate not in groups:
            groups[rate] = env["account.tax.group"].create(
                {
                    "name": f"TVA {rate.replace('.', ',')} %",
                    "company_id": company.id,
                    "country_id": country.id,
                }
            )
    tax_accounts = {
        "sale": env["account.account"].search([("code", "=", "251000"), ("company_ids", "in", company.id)], limit=1),
        "purchase": env["account.account"].search(
            [("code", "=", "131000"), ("company_ids", "in", company.id)], limit=1
        ),
    }
    if not all(tax_accounts.values()):
        raise ValueError("the chart of accounts lacks the tax accounts 251000 (tax received) and 131000 (tax paid)")
    taxes = {}
    for key, (use, amount, name, fr_name) in TAXES.items():
        repartition = [
            (0, 0, {"repartition_type": "base"}),
            (0, 0, {"repartition_type": "tax", "account_id": tax_accounts[use].id}),
        ]
        tax = env["account.tax"].create(
            {
                "invoice_repartition_line_ids": repartition,
                "refund_repartition_line_ids": repartition,
                "name": name,
                "amount": amount,
                "amount_type": "percent",
                "type_tax_use": use,
                "tax_group_id": groups[key[1]].id,
                "company_id": company.id,
                "country_id": country.id,
                "description": f"{amount:g}%",
            }
        )
        tax.with_context(lang="fr_FR").name = fr_name
        taxes[key] = tax
    company.write(
        {
            "account_sale_tax_id": taxes["sale", "20"].id,
            "account_purchase_tax_id": taxes["purchase", "20"].id,
            "account_fiscal_country_id": country.id,
        }
    )
    gen.taxes = taxes


def _setup_accounts(gen):
    env = gen.env
    company = gen.company
    accounts = {}
    existing = env["account.account"].search(
        [("code", "in", list(patterns.EXPENSE_ACCOUNTS) + ["612000"]), ("company_ids", "in", company.id)]
    )
    by_code = {account.code: account for account in existing}
    for code, (name, fr_name) in patterns.EXPENSE_ACCOUNTS.items():
        account = by_code.get(code)
        if not account:
            account = env["account.account"].create(
                {
                    "code": code,
                    "name": name,
                    "account_type": "expense",
                    "company_ids": [(6, 0, company.ids)],
                }
            )
            account.with_context(lang="fr_FR").name = fr_name
        accounts[code] = account
    accounts["612000"] = by_code.get("612000") or env["account.account"].create(
        {"code": "612000", "name": "Rent", "account_type": "expense", "company_ids": [(6, 0, company.ids)]}
    )
    gen.expense_accounts = accounts
    gen.journals = {
        kind: env["account.journal"].search([("type", "=", kind), ("company_id", "=", company.id)], limit=1)
        for kind in ("sale", "purchase", "bank")
    }


def _setup_sales_teams(gen):
    env = gen.env
    company = gen.company
    direct = env.ref("sales_team.team_sales_department", raise_if_not_found=False) or env["crm.team"].search(
        [("company_id", "in", [company.id, False])], limit=1
    )
    direct.write({"name": "Direct Sales", "company_id": company.id})
    direct.with_context(lang="fr_FR").name = "Ventes directes"
    channel = env["crm.team"].create({"name": "Channel Partners", "company_id": company.id, "sequence": 20})
    channel.with_context(lang="fr_FR").name = "Réseau de partenaires"
    gen.teams = {"direct": direct, "channel": channel}
    group = env.ref("sales_team.group_sale_salesman_all_leads")
    users = env["res.users"].create(
        [
            {
                "name": person["name"],
                "login": f"{person['key']}@{DOMAIN}",
                "email": f"{person['key']}@{DOMAIN}",
                "tz": "Europe/Paris",
                "lang": "fr_FR",
                "company_id": company.id,
                "company_ids": [(6, 0, company.ids)],
                "group_ids": [(6, 0, [group.id])],
            }
            for person in patterns.SALESPEOPLE
        ]
    )
    gen.users = {person["key"]: user for person, user in zip(patterns.SALESPEOPLE, users)}
    env["crm.team.member"].create(
        [
            {"crm_team_id": gen.teams[person["team"]].id, "user_id": gen.users[person["key"]].id}
            for person in patterns.SALESPEOPLE
        ]
    )
    direct.user_id = gen.users["camille.durand"]
    channel.user_id = gen.users["thomas.girard"]
    gen.stats["salespeople"] = len(users)
