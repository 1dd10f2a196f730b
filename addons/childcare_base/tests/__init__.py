from . import test_access, test_constraints, test_performance, test_registry_guard, test_security, test_web_access
