from datetime import datetime, timedelta

from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.addons.childcare_base.tests.common import ChildcareCase


class EnrollmentCase(ChildcareCase):
    """The base fixtures (S1 staff_s1, S2 director staff_s2, families A and B with portal guardians)
    plus an admission scenario: three small structures and helpers to file applications.

    Scores are set by manual, justified points lines: the shared default criteria are archived so that
    every score is exactly the one the test states.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["childcare.priority.criterion"].search([]).active = False
        cls.today = fields.Date.context_today(cls.env["childcare.application"])
        cls.start = cls.today + relativedelta(months=3)
        Structure = cls.env["childcare.structure"]
        # Small capacities for the commission scenario.
        cls.crib_1 = Structure.create(
            {
                "name": "Crèche Un",
                "code": "C1",
                "staff_ids": [Command.set(cls.user_staff_s1.ids)],
                "capacity_ids": [
                    Command.create({"name": "Babies", "age_min_months": 0, "age_max_months": 17, "places": 2}),
                    Command.create({"name": "Toddlers", "age_min_months": 18, "age_max_months": 36, "places": 1}),
                ],
            }
        )
        cls.crib_2 = Structure.create(
            {
                "name": "Crèche Deux",
                "code": "C2",
                "director_id": cls.user_staff_s2.id,
                "capacity_ids": [
                    Command.create({"name": "Under three", "age_min_months": 0, "age_max_months": 36, "places": 2}),
                ],
            }
        )
        cls.crib_3 = Structure.create(
            {
                "name": "Crèche Trois",
                "code": "C3",
                "capacity_ids": [
                    Command.create({"name": "Babies", "age_min_months": 0, "age_max_months": 17, "places": 1}),
                ],
            }
        )
        cls.c1_babies, cls.c1_toddlers = cls.crib_1.capacity_ids.sorted("age_min_months")
        cls.c2_all = cls.crib_2.capacity_ids
        cls.c3_babies = cls.crib_3.capacity_ids

    @classmethod
    def new_child(cls, family, first, age_months_at_start, last="Test"):
        birthdate = cls.start - relativedelta(months=age_months_at_start) - timedelta(days=3)
        return cls.create_child(family, first, last, birthdate, cls.env["childcare.structure"])

    @classmethod
    def new_application(cls, child, structures, score=0.0, *, submitted=None, date_start=None, state="complete"):
        """An application for ``child`` ranking ``structures``, with a manual score, brought to ``state``."""
        application = cls.env["childcare.application"].create(
            {
                "child_id": child.id,
                "date_start": date_start or cls.start,
                "choice_ids": [
                    Command.create({"structure_id": s.id, "rank": rank}) for rank, s in enumerate(structures, start=1)
                ],
                "point_ids": [Command.create({"points": score, "justification": "Test score"})] if score else [],
            }
        )
        if state in ("submitted", "complete"):
            application.action_submit()
            if submitted:
                application.date_submitted = submitted
        if state == "complete":
            application.action_complete()
        return application

    @classmethod
    def build_scenario(cls, reverse=False):
        """12 applications over the three crèches; returns {label: application}.

        label: (score, age at start in months, ranked structures)
        """
        spec = [
            ("A01", 50, 6, [cls.crib_1, cls.crib_2]),
            ("A02", 45, 6, [cls.crib_1, cls.crib_3]),
            ("A03", 40, 6, [cls.crib_1, cls.crib_2, cls.crib_3]),
            ("A04", 40, 6, [cls.crib_3, cls.crib_1]),
            ("A05", 35, 24, [cls.crib_1, cls.crib_2]),
            ("A06", 30, 24, [cls.crib_1, cls.crib_2]),
            ("A07", 30, 6, [cls.crib_2]),
            ("A08", 25, 6, [cls.crib_3, cls.crib_2]),
            ("A09", 20, 24, [cls.crib_1]),
            ("A10", 15, 6, [cls.crib_1, cls.crib_3]),
            ("A11", 10, 6, [cls.crib_2, cls.crib_1]),
            ("A12", 5, 24, [cls.crib_2, cls.crib_3]),
        ]
        base = datetime(2026, 1, 5, 9, 0)
        apps = {}
        for label, score, age, structures in reversed(spec) if reverse else spec:
            number = int(label[1:])
            family = cls.family_a if number % 2 else cls.family_b
            child = cls.new_child(family, f"Kid{label}{'r' if reverse else ''}", age)
            # Submission dates follow the labels whatever the creation order: A03 before A04, A06 before A07.
            apps[label] = cls.new_application(child, structures, score, submitted=base + timedelta(hours=number))
        return apps

    @classmethod
    def new_commission(cls, structures=None, **values):
        return cls.env["childcare.commission"].create(
            {
                "date": cls.today,
                "date_start": cls.start,
                "structure_ids": [Command.set((structures or (cls.crib_1 | cls.crib_2 | cls.crib_3)).ids)],
                **values,
            }
        )
