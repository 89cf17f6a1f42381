"""Arguments of the suite's public methods (XML-RPC / JSON-RPC and buttons), checked one way.

Every public AI method takes record ids from outside. Before it reads or writes anything it calls
:func:`checked_records` (or :func:`records_of` for a method called on a recordset), which

- refuses what is not a list of positive whole numbers, or a list longer than :data:`MAX_IDS`,
  with a :class:`~odoo.exceptions.UserError` in the caller's language (never a raw ``TypeError``);
- answers an id that does not exist and an id the caller may not see (another company's, another
  salesperson's) with the same :class:`~odoo.exceptions.AccessError`, so that ids cannot be
  enumerated;
- checks the caller's access for the operation the method performs (``"write"`` for a method that
  stores findings, scores or forecasts), on exactly those records, before any ``sudo()``.

Messages never repeat more than a few characters of what was sent.
"""
from odoo.exceptions import AccessError, UserError

#: ids accepted in one call (larger batches: several calls, or the scheduled actions)
MAX_IDS = 10000
_SHOWN = 40       # characters of a refused value repeated in a message


def reader_env(env):
    """``env`` in the caller's language: an XML-RPC call without ``context={"lang": ...}`` is answered in
    the language of the calling user (Odoo's RPC environment has no language of its own)."""
    if env.context.get("lang") or not env.uid:
        return env
    return env(context=dict(env.context, lang=env.user.lang or "en_US"))


def _shown(value):
    text = repr(value)
    return text if len(text) <= _SHOWN else text[:_SHOWN] + "…"


def ids_argument(env, value, arg="ids", max_ids=MAX_IDS):
    """``value`` as a list of distinct positive ids (order kept), or a ``UserError``."""
    env = reader_env(env)
    if not isinstance(value, (list, tuple)):
        raise UserError(env._("%(arg)s must be a list of record ids, such as [7, 12]; got %(value)s.",
                              arg=arg, value=_shown(value)))
    if len(value) > max_ids:
        raise UserError(env._("At most %(max)s ids per call (%(count)s given): split them into several calls.",
                              max=max_ids, count=len(value)))
    ids = []
    for item in value:
        if isinstance(item, bool) or not isinstance(item, int) or item <= 0:
            raise UserError(env._("%(arg)s must hold positive whole numbers (record ids); %(value)s is not one.",
                                  arg=arg, value=_shown(item)))
        ids.append(item)
    return list(dict.fromkeys(ids))


def id_argument(env, value, arg="id", required=False):
    """One optional id (``False``/``None``/0 for none unless ``required``), or a ``UserError``."""
    env = reader_env(env)
    if value is None or value is False or (type(value) is int and value == 0):
        if required:
            raise UserError(env._("%(arg)s is required.", arg=arg))
        return False
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise UserError(env._("%(arg)s must be a record id (a positive whole number); got %(value)s.",
                              arg=arg, value=_shown(value)))
    return value


def options_argument(env, options, allowed):
    """Refuse keyword options the method does not know (a misspelt option must not be ignored)."""
    env = reader_env(env)
    unknown = sorted(set(options) - set(allowed))
    if unknown:
        raise UserError(env._("Unknown option(s) %(unknown)s; this method accepts %(allowed)s.",
                              unknown=", ".join(_shown(u) for u in unknown[:5]),
                              allowed=", ".join(sorted(allowed)) or env._("none")))


def not_found(model, ids):
    """The one answer for ids that do not exist or that the caller may not see."""
    env = reader_env(model.env)
    shown = ", ".join(str(i) for i in list(ids)[:5]) + (", …" if len(ids) > 5 else "")
    return AccessError(env._("You cannot access the %(model)s records %(ids)s, or they do not exist.",
                             model=env["ir.model"]._get(model._name).name or model._name, ids=shown))


def checked_records(model, value, operation="read", arg="ids", max_ids=MAX_IDS):
    """The records of ``value`` (ids from outside), checked for ``operation`` by the caller.

    :raises UserError: ``value`` is not a list of at most ``max_ids`` positive ids
    :raises AccessError: the caller may not ``operation`` the model, or an id does not exist or is
        not visible to the caller (the same message for both)
    """
    ids = ids_argument(model.env, value, arg=arg, max_ids=max_ids)
    return _visible(model, ids, operation)


def records_of(records, operation="read", max_ids=MAX_IDS):
    """``records`` (a recordset a public method was called on, e.g. a button over RPC) checked as
    :func:`checked_records` checks ids."""
    ids = ids_argument(records.env, list(records._ids), arg="ids", max_ids=max_ids)
    return _visible(records.browse(), ids, operation)


def _visible(model, ids, operation):
    model = model.browse()
    model.check_access(operation)      # the model in general (Odoo's own message)
    if not ids:
        return model
    if model.env.su:
        found = set(model.browse(ids).exists().ids)
    else:
        # the caller's record rules decide what exists for them: missing and hidden look the same
        found = set(model.with_context(active_test=False).search([("id", "in", ids)]).ids)
    missing = [i for i in ids if i not in found]
    if missing:
        raise not_found(model, missing)
    records = model.browse(ids)
    if operation != "read":
        records.check_access(operation)
    return records


def company_argument(env, value, arg="company_id"):
    """An optional company id among the caller's companies (default: the current company)."""
    company_id = id_argument(env, value, arg=arg)
    if not company_id:
        return env.company
    if company_id not in env.user.company_ids.ids and not env.su:
        raise not_found(env["res.company"], [company_id])
    company = env["res.company"].browse(company_id).exists()
    if not company:
        raise not_found(env["res.company"], [company_id])
    return company


def reader(records):
    """``records`` in the caller's language (see :func:`reader_env`), for what a method answers."""
    return records.with_env(reader_env(records.env))
