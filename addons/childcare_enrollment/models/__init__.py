from . import (
    childcare_application,
    childcare_application_choice,
    childcare_application_point,
    childcare_child,
    childcare_commission,
    childcare_commission_place,
    childcare_enrollment,
    childcare_enrollment_schedule,
    childcare_priority_criterion,
)
