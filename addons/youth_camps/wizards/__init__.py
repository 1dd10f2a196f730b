from . import youth_camps_cancel_wizard
