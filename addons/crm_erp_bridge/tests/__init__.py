from . import test_install
from . import test_customer_360
from . import test_lead_scoring_features
from . import test_pipeline_demand
from . import test_rights
from . import test_rpc_matrix
