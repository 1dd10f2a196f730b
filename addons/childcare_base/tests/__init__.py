from . import test_access, test_constraints, test_performance, test_web_access
