from . import test_access, test_constraints, test_performance
from . import test_web_access
