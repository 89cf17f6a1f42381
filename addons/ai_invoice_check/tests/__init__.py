from . import test_install
from . import test_invoice_check
from . import test_bill_reading
from . import test_bill_import_safety
from . import test_tours
