from . import (  # isort: skip  (the mixin first: every model inherits it)
    childcare_guard_mixin,
    childcare_child,
    childcare_family,
    childcare_family_child,
    childcare_family_guardian,
    childcare_family_income,
    childcare_medical_contact,
    childcare_medical_sheet,
    childcare_pickup_person,
    childcare_structure,
    childcare_structure_capacity,
    res_users,
)
