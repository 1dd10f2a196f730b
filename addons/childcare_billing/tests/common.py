from datetime import date, timedelta

from odoo import Command
from odoo.addons.childcare_attendance.tests.common import OCT, AttendanceCase
from odoo.addons.queue_job.tests.common import trap_jobs


class BillingCase(AttendanceCase):
    """October 2025 billed for the attendance fixtures:

    - S1 (child A1 of family A, 40 h a week) applies the CNAF PSU plan on contracted hours: family A declares
      €3,000 a month with 2 dependent children → €1.55/h (R1), 40 h x 45 weeks / 12 = 150 h → €232.50 (R4);
    - S2 (child B1 of family B, 37.5 h a week) applies a flat plan of €2.00 per billable hour.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.journal = cls.env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "=", cls.company.id)], limit=1
        )
        cls.journal.invoice_reference_model = "be"  # Belgian structured communication (l10n_be)
        Income = cls.env["childcare.family.income"]
        for family, amount, children in ((cls.family_a, 3000.0, 2), (cls.family_b, 4200.0, 1)):
            Income.create(
                {"family_id": family.id, "year": 2025, "amount_monthly_income": amount, "dependent_children": children}
            ).action_validate()
        Plan = cls.env["childcare.rate.plan"]
        cls.plan_psu = Plan.create(
            {
                "name": "PSU crèche",
                "scheme": "fr_psu",
                "billing_basis": "contracted",
                "weeks_per_year": 45,
                "billed_months": 12,
                "structure_line_ids": [
                    Command.create({"structure_id": cls.structure_s1.id, "date_from": "2025-01-01"})
                ],
            }
        )
        cls.plan_flat = Plan.create(
            {
                "name": "Maison relais",
                "scheme": "flat",
                "billing_basis": "billable",
                "flat_unit": "hour",
                "resident_price": 2.0,
                "non_resident_price": 3.0,
                "structure_line_ids": [
                    Command.create({"structure_id": cls.structure_s2.id, "date_from": "2025-01-01"})
                ],
            }
        )

    @classmethod
    def attend_month(cls, month=OCT):
        """Every child present as planned on every expected day of ``month``."""
        day = month
        while day.month == month.month:
            for enrollment in cls.enrollment_a1 | cls.enrollment_b1:
                slots = enrollment._expected_slots(day)
                if slots:
                    start, end = slots[0][0], slots[-1][1]
                    cls.present(
                        enrollment.child_id,
                        enrollment.structure_id,
                        day,
                        (int(start), round(start % 1 * 60)),
                        (int(end), round(end % 1 * 60)),
                    )
            day += timedelta(days=1)

    @classmethod
    def validate_month(cls, month=OCT):
        sheets = cls.env["childcare.attendance.sheet"]._generate_month(month, cls.structure_s1 | cls.structure_s2)
        sheets.action_submit()
        sheets.action_validate()
        return sheets

    def run_month(self, month=OCT, post=True):
        """A billing run of ``month``, computed (and posted) with the jobs run synchronously."""
        run = self.env["childcare.billing.run"].create(
            {
                "date_month": month,
                "date_invoice": date(2025, 11, 5),
                "structure_ids": [Command.set((self.structure_s1 | self.structure_s2).ids)],
            }
        )
        with trap_jobs() as trap:
            run.action_compute()
            trap.perform_enqueued_jobs()
        if post:
            with trap_jobs() as trap:
                run.action_post()
                trap.perform_enqueued_jobs()
        return run


#: waits for a CSS selector in the page, then reports success (any JS error fails the test)
WAIT_FOR = """
(async () => {
    const selector = %r;
    const start = Date.now();
    while (!document.querySelector(selector)) {
        if (Date.now() - start > 20000) {
            throw new Error(`not rendered: ${selector}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
    }
    console.log("test successful");
})().catch((error) => console.error(error.message));
"""
