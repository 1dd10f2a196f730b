import re

from odoo.addons.childcare_base.tests.pdf_helpers import pdf_text, render_pdf
from odoo.tests import HttpCase, tagged

from .common import EnrollmentCase


@tagged("post_install", "-at_install")
class TestWaitingListPdf(EnrollmentCase, HttpCase):
    """The waiting-list report printed by wkhtmltopdf: the real PDF, read back as text."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.apps = cls.build_scenario()
        cls.commission = cls.new_commission()
        cls.commission.action_allocate()

    def test_waiting_list_pdf(self):
        pdf = render_pdf(self, "childcare_enrollment.action_report_waiting_list", self.commission)
        text = pdf_text(self, pdf)
        self.assertIn(f"Waiting list — {self.commission.name}", text)

        expected = {  # structure: waiting applications in waiting-list order (see test_allocation_scenario)
            self.crib_2: ["A07", "A08", "A11", "A12"],
            self.crib_3: ["A08", "A10"],
            self.crib_1: ["A09", "A10", "A11"],
        }
        # The structures are printed in name order: Deux, Trois, Un.
        positions = [text.index(f"\n{structure.name}\n") for structure in expected]
        self.assertEqual(positions, sorted(positions), "structures out of order")
        positions.append(len(text))
        for (structure, labels), start, end in zip(expected.items(), positions, positions[1:], strict=False):
            section = text[start:end]
            rows = []
            for position, label in enumerate(labels, start=1):
                application = self.apps[label]
                choice = application.choice_ids.filtered(lambda c, s=structure: c.structure_id == s)
                rows.append(
                    f"{position} {application.name} {application.child_id.name} {choice.capacity_id.name} "
                    f"{choice.rank} {application.score:.2f}"
                )
            printed = [line for line in section.splitlines() if re.match(r"\d+ \S+/", line)]
            self.assertEqual(
                [line[: len(row)] for line, row in zip(printed, rows, strict=False)],
                rows,
                f"waiting list of {structure.name}",
            )
            self.assertEqual(len(printed), len(rows), f"waiting list of {structure.name}:\n{section}")
        for label in ("A01", "A02", "A03", "A04", "A05", "A06"):  # placed: not on any waiting list
            self.assertNotIn(self.apps[label].child_id.name, text)
