from . import ai_invoice_finding
from . import ai_invoice_decision
from . import ai_invoice_check_policy
from . import account_move
from . import account_move_line
from . import bill_category
from . import res_config_settings
from . import bill_reading
