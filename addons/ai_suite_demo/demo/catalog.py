"""Suppliers (with their bank accounts) and the storable products with their vendor prices."""

import logging

from . import names, patterns

_logger = logging.getLogger(__name__)

# IBAN layout per country: total length and whether the BBAN starts with letters (bank code).
IBAN_LAYOUT = {
    "FR": (27, 0),
    "DE": (22, 0),
    "IT": (27, 1),
    "NL": (18, 4),
    "SE": (24, 0),
    "BE": (16, 0),
    "ES": (24, 0),
    "IE": (22, 4),
}
SUPPLIER_CITIES = {
    "FR": ("Lyon", "69007", "+33 4 72"),
    "DE": ("Stuttgart", "70173", "+49 711"),
    "IT": ("Milano", "20121", "+39 02"),
    "NL": ("Eindhoven", "5611", "+31 40"),
    "SE": ("Malmö", "211 20", "+46 40"),
    "CN": ("Shenzhen", "518000", "+86 755"),
}


def iban(country, rng):
    """A random IBAN of ``country`` with valid check digits (ISO 13616, mod 97)."""
    length, letters = IBAN_LAYOUT[country]
    bban = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _i in range(letters))
    bban += "".join(str(rng.randrange(10)) for _i in range(length - 4 - letters))
    digits = "".join(str(int(ch, 36)) for ch in bban + country + "00")
    return f"{country}{98 - int(digits) % 97:02d}{bban}"


def selected_products(gen):
    """The catalogue at this scale: all 30 products from scale 1, fewer (priority order) below."""
    wanted = max(6, int(round(len(patterns.PRODUCTS) * min(gen.scale, 1.0))))
    if wanted >= len(patterns.PRODUCTS):
        return list(patterns.PRODUCTS)
    codes = list(patterns.PRODUCT_PRIORITY) + [
        p["code"] for p in patterns.PRODUCTS if p["code"] not in patterns.PRODUCT_PRIORITY
    ]
    keep = set(codes[:wanted])
    return [p for p in patterns.PRODUCTS if p["code"] in keep]


def selected_service_suppliers(gen):
    """Service suppliers at this scale; the first ones (with the planted anomalies) always stay."""
    wanted = max(6, int(round(len(patterns.SERVICE_SUPPLIERS) * min(gen.scale, 1.0))))
    return list(patterns.SERVICE_SUPPLIERS[:wanted])


def generate(gen):
    env = gen.env
    rng = gen.rng("suppliers")
    products = selected_products(gen)
    goods_keys = sorted({p["supplier"] for p in products}, key=list(patterns.GOODS_SUPPLIERS).index)
    specs = [("goods", key, patterns.GOODS_SUPPLIERS[key]) for key in goods_keys]
    specs += [("service", spec["key"], spec) for spec in selected_service_suppliers(gen)]
    countries = {c.code: c for c in env["res.country"].search([("code", "in", list(SUPPLIER_CITIES))])}
    vals_list = []
    for _kind, _key, spec in specs:
        city, zip_code, phone = SUPPLIER_CITIES[spec["country"]]
        slug = names.slugify(spec["name"].split(" ")[0] + " " + spec["name"].split(" ")[-1])
        vals_list.append(
            {
                "name": spec["name"],
                "is_company": True,
                "supplier_rank": 1,
                "country_id": countries[spec["country"]].id,
                "city": city,
                "zip": zip_code,
                "phone": f"{phone} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
                "email": f"{'factures' if spec['country'] == 'FR' else 'invoices'}@{slug}.example.com",
                "lang": "fr_FR" if spec["country"] == "FR" else "en_US",
                "tz": "Asia/Shanghai" if spec["country"] == "CN" else "Europe/Paris",
                "company_id": False,
            }
        )
    partners = env["res.partner"].create(vals_list)
    gen.suppliers = {}
    bank_vals = []
    for (kind, key, spec), partner in zip(specs, partners):
        gen.suppliers[key] = {"kind": kind, "spec": spec, "partner": partner}
        if spec["country"] == "CN":
            number = "".join(str(rng.randrange(10)) for _i in range(19))
            acc = f"{number[:4]} {number[4:8]} {number[8:12]} {number[12:16]} {number[16:]}"
        else:
            acc = iban(spec["country"], rng)
        bank_vals.append(
            {"partner_id": partner.id, "acc_number": acc, "allow_out_payment": True, "company_id": gen.company.id}
        )
    banks = env["res.partner.bank"].create(bank_vals)
    for key, bank in zip(gen.suppliers, banks):
        gen.suppliers[key]["bank"] = bank
    _create_products(gen, products)
    gen.stats["suppliers"] = len(partners)


def _create_products(gen, products):
    env = gen.env
    categories = {}
    for key, (name, fr_name) in patterns.PRODUCT_CATEGORIES.items():
        category = env["product.category"].create({"name": name})
        category.with_context(lang="fr_FR").name = fr_name
        categories[key] = category
    buy = env.ref("purchase_stock.route_warehouse0_buy", raise_if_not_found=False)
    records = env["product.product"].create(
        [
            {
                "name": p["name"],
                "default_code": p["code"],
                "type": "consu",
                "is_storable": True,
                "categ_id": categories[p["categ"]].id,
                "list_price": p["price"],
                "standard_price": p["cost"],
                "invoice_policy": "delivery",
                "purchase_method": "receive",
                "taxes_id": [(6, 0, gen.taxes["sale", "20"].ids)],
                "supplier_taxes_id": [(6, 0, gen.taxes["purchase", "20"].ids)],
                "route_ids": [(6, 0, buy.ids)] if buy else [],
                "seller_ids": [
                    (
                        0,
                        0,
                        {
                            "partner_id": gen.suppliers[p["supplier"]]["partner"].id,
                            "min_qty": p["min_qty"],
                            "price": p["cost"],
                            "delay": patterns.GOODS_SUPPLIERS[p["supplier"]]["lead"],
                            "product_code": f"{p['supplier'][:3].upper()}-{p['code']}",
                            "company_id": gen.company.id,
                        },
                    )
                ],
            }
            for p in products
        ]
    )
    for p, record in zip(products, records):
        record.product_tmpl_id.with_context(lang="fr_FR").name = p["fr"]
    gen.products = {p["code"]: (p, record) for p, record in zip(products, records)}
    gen.stats["storable products"] = len(records)
