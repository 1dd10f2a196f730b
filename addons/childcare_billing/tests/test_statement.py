"""Bank statements in: CAMT.053 and CODA files written here are imported through OCA's wizard into the
municipality's bank journal, and their transfers are matched with October's invoices by structured reference
(paid, partially paid, or left in OCA's reconciliation screen with the reason); the report of each import;
the refusals (same file twice, another account, unknown format) write nothing; who reads the reports."""

import base64
from datetime import date

from odoo import Command
from odoo.addons.account.tools.structured_reference import format_structured_reference_iso
from odoo.addons.childcare_base.tests.common import ACCESS_LOGGERS
from odoo.addons.childcare_billing.tools import bank_reference
from odoo.addons.childcare_billing.tools.tests.coda_samples import coda_file
from odoo.addons.mail.tests.common import mail_new_test_user
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common import WAIT_FOR, BillingCase

IBAN = "BE71096123456769"
OTHER_IBAN = "BE68539007547034"
#: valid structured references that no invoice carries
UNKNOWN_OGM = "000000012326"
#: OCA's CAMT module logs the "not a zip file either" of any file it cannot read
CAMT_LOGGER = "odoo.addons.account_statement_import_camt.wizard.account_statement_import"


def camt_file(account, entries, day="2025-11-14", opening=1000.0):
    """A CAMT.053 (001.02) statement of ``account``. ``entries``: dicts ``{"amount", "bba" (12 digits) or
    "iso" (RF reference) in RmtInf/Strd, "ustrd" (free text), "name"}``."""
    closing = opening + sum(entry["amount"] for entry in entries)

    def balance(code, amount):
        indicator = "CRDT" if amount >= 0 else "DBIT"
        return (
            f"<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp><Amt Ccy='EUR'>{abs(amount):.2f}</Amt>"
            f"<CdtDbtInd>{indicator}</CdtDbtInd><Dt><Dt>{day}</Dt></Dt></Bal>"
        )

    def entry(number, values):
        amount = values["amount"]
        indicator = "CRDT" if amount >= 0 else "DBIT"
        remittance = ""
        if values.get("bba") or values.get("iso"):
            issuer, ref = ("BBA", values["bba"]) if values.get("bba") else ("ISO", values["iso"])
            remittance += (
                "<Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry>"
                f"<Issr>{issuer}</Issr></Tp><Ref>{ref}</Ref></CdtrRefInf></Strd>"
            )
        if values.get("ustrd"):
            remittance = f"<Ustrd>{values['ustrd']}</Ustrd>" + remittance
        party = "Dbtr" if amount >= 0 else "Cdtr"
        return (
            f"<Ntry><NtryRef>{number}</NtryRef><Amt Ccy='EUR'>{abs(amount):.2f}</Amt>"
            f"<CdtDbtInd>{indicator}</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>{day}</Dt></BookgDt>"
            f"<ValDt><Dt>{day}</Dt></ValDt><AcctSvcrRef>ENTRY-{number}</AcctSvcrRef>"
            "<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>"
            f"<NtryDtls><TxDtls><Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs>"
            f"<AmtDtls><TxAmt><Amt Ccy='EUR'>{abs(amount):.2f}</Amt></TxAmt></AmtDtls>"
            f"<RltdPties><{party}><Nm>{values.get('name', 'Payer')}</Nm></{party}></RltdPties>"
            f"<RmtInf>{remittance}</RmtInf></TxDtls></NtryDtls></Ntry>"
        )

    body = "".join(entry(number, values) for number, values in enumerate(entries, start=1))
    return (
        "<?xml version='1.0' encoding='UTF-8'?>"
        "<Document xmlns='urn:iso:std:iso:20022:tech:xsd:camt.053.001.02'><BkToCstmrStmt>"
        f"<GrpHdr><MsgId>MSG-{day}</MsgId><CreDtTm>{day}T07:00:00</CreDtTm></GrpHdr>"
        f"<Stmt><Id>STMT-{day}</Id><ElctrncSeqNb>214</ElctrncSeqNb><CreDtTm>{day}T07:00:00</CreDtTm>"
        f"<Acct><Id><IBAN>{account}</IBAN></Id><Ccy>EUR</Ccy></Acct>"
        f"{balance('OPBD', opening)}{balance('CLBD', closing)}{body}</Stmt>"
        "</BkToCstmrStmt></Document>"
    ).encode()


class StatementCase(BillingCase):
    """October's invoices (A: 232.50, B: 345.00) and the municipality's bank journal (IBAN account)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.attend_month()
        cls.validate_month()
        cls.accountant = mail_new_test_user(
            cls.env,
            login="cc_statement_accountant",
            groups="base.group_user,account.group_account_user",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        eur = cls.env.ref("base.EUR")
        if cls.company.currency_id != eur:
            # `odoo db init --country be` may leave the main company on the generic chart in USD (with demo
            # entries, its currency cannot change): invoices and bank account in EUR then, at par
            cls.env["res.currency.rate"].create(
                {"currency_id": eur.id, "company_id": cls.company.id, "name": "2025-01-01", "rate": 1.0}
            )
            cls.journal.currency_id = eur
        cls.bank_account = cls.env["res.partner.bank"].create(
            {"acc_number": IBAN, "partner_id": cls.company.partner_id.id, "allow_out_payment": True}
        )
        cls.bank_journal = cls.env["account.journal"].create(
            {
                "name": "Belfius",
                "code": "CCBEL",
                "type": "bank",
                "company_id": cls.company.id,
                "bank_account_id": cls.bank_account.id,
                "currency_id": eur.id,
            }
        )

    def setUp(self):
        super().setUp()
        run = self.run_month()
        self.invoice_a = run.move_ids.filtered(lambda move: move.childcare_family_id == self.family_a)
        self.invoice_b = run.move_ids.filtered(lambda move: move.childcare_family_id == self.family_b)
        self.assertEqual(self.invoice_a.amount_residual, 232.50)
        self.assertEqual(self.invoice_b.amount_residual, 345.00)

    # ------------------------------------------------------------------ helpers
    def ogm(self, invoice):
        """The 12 digits of the invoice's structured communication (+++ddd/dddd/ddddd+++)."""
        self.assertRegex(invoice.payment_reference, r"^\+{3}\d{3}/\d{4}/\d{5}\+{3}$")
        return bank_reference.normalise(invoice.payment_reference)

    def make_invoice(self, partner, amount, reference=None):
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "journal_id": self.journal.id,
                "invoice_date": date(2025, 11, 5),
                "payment_reference": reference,
                "invoice_line_ids": [
                    Command.create({"name": "Garderie", "quantity": 1, "price_unit": amount, "tax_ids": []})
                ],
            }
        )
        invoice.action_post()
        return invoice

    def import_file(self, data, name, from_journal=True):
        """Import ``data`` as the accountant from the bank journal's dashboard (or from the menu: the journal
        is the one of the file's account); the report and the action the wizard opens."""
        context = {"journal_id": self.bank_journal.id} if from_journal else {}
        wizard = (
            self.env["account.statement.import"]
            .with_user(self.accountant)
            .with_context(**context)
            .create({"statement_file": base64.b64encode(data), "statement_filename": name})
        )
        action = wizard.import_file_button()
        return wizard.childcare_report_id.sudo(), action

    def counts(self):
        return (
            self.env["account.bank.statement"].search_count([]),
            self.env["account.bank.statement.line"].search_count([]),
            self.env["childcare.statement.import.report"].search_count([]),
        )

    def assertRefusedImport(self, data, name, regex, from_journal=True):
        before = self.counts()
        with mute_logger(CAMT_LOGGER), self.assertRaisesRegex(UserError, regex):
            self.import_file(data, name, from_journal=from_journal)
        self.assertEqual(self.counts(), before, "nothing is written")

    def line_of(self, report, amount):
        line = report.line_ids.filtered(lambda line: line.amount == amount)
        self.assertEqual(len(line), 1, f"one line of {amount}")
        return line


@tagged("post_install", "-at_install")
class TestStatementImport(StatementCase):
    # ------------------------------------------------------------------ CAMT.053
    def test_camt_import_matches_invoices(self):
        rf = format_structured_reference_iso("20251105001")
        invoice_rf = self.make_invoice(self.invoice_a.partner_id, 150.00, rf)
        data = camt_file(
            IBAN,
            [
                {"amount": 232.50, "bba": self.ogm(self.invoice_a), "name": "Marie Dupont"},
                {"amount": 100.00, "iso": rf.replace(" ", ""), "name": "Marie Dupont"},
                {"amount": 400.00, "ustrd": f"Garderie octobre {self.invoice_b.payment_reference}", "name": "Janssens"},
                {"amount": 50.00, "bba": UNKNOWN_OGM, "name": "Peeters"},
                {"amount": 20.00, "ustrd": "Cotisation fancy-fair", "name": "Peeters"},
            ],
        )
        report, action = self.import_file(data, "camt053-2025-11-14.xml")
        self.assertEqual(action["res_model"], "childcare.statement.import.report")
        self.assertEqual(action["res_id"], report.id)
        self.assertEqual(report.file_format, "camt")
        self.assertEqual(report.journal_id, self.bank_journal)
        self.assertEqual(report.user_id, self.accountant)
        self.assertEqual(report.attachment_id.name, "camt053-2025-11-14.xml")
        # the ledger: A paid, the RF invoice paid in part (to the cent), B untouched
        self.assertEqual(self.invoice_a.payment_state, "paid")
        self.assertEqual(self.invoice_a.amount_residual, 0.0)
        self.assertEqual(invoice_rf.payment_state, "partial")
        self.assertEqual(invoice_rf.amount_residual, 50.00)
        self.assertEqual(self.invoice_b.payment_state, "not_paid")
        self.assertEqual(self.invoice_b.amount_residual, 345.00)
        # the lines: reconciled with their invoice, or left with the reason
        paid, partial = self.line_of(report, 232.50), self.line_of(report, 100.00)
        self.assertEqual((paid.childcare_match, paid.childcare_match_move_id), ("paid", self.invoice_a))
        self.assertEqual(paid.childcare_bank_reference, self.ogm(self.invoice_a))
        self.assertEqual(paid.payment_ref, self.invoice_a.payment_reference, "the OGM is the line's label")
        self.assertEqual((partial.childcare_match, partial.childcare_match_move_id), ("partial", invoice_rf))
        self.assertEqual(partial.childcare_reference, rf.replace(" ", ""))
        self.assertTrue(paid.is_reconciled and partial.is_reconciled)
        self.assertEqual(paid.partner_id, self.invoice_a.commercial_partner_id)
        receivable = paid.move_id.line_ids.filtered(lambda line: line.account_id.account_type == "asset_receivable")
        self.assertEqual(receivable.credit, 232.50)
        self.assertEqual(receivable.full_reconcile_id.reconciled_line_ids.move_id, paid.move_id | self.invoice_a)
        more, unknown, free = self.line_of(report, 400.00), self.line_of(report, 50.00), self.line_of(report, 20.00)
        self.assertEqual(
            [(line.childcare_match, line.childcare_match_reason) for line in (more, unknown, free)],
            [("left", "more_than_due"), ("left", "unknown_reference"), ("left", "no_reference")],
        )
        self.assertEqual(more.childcare_match_move_id, self.invoice_b)
        self.assertEqual(more.childcare_reference, self.ogm(self.invoice_b), "found in the free text")
        self.assertIn("345", more.childcare_match_note)
        self.assertFalse(more.is_reconciled or unknown.is_reconciled or free.is_reconciled)
        # left lines wait in OCA's reconciliation screen, their amount on the journal's suspense account
        for line in (more, unknown, free):
            _liquidity, suspense, other = line._seek_for_lines()
            self.assertEqual(
                (suspense.account_id, suspense.credit, other),
                (self.bank_journal.suspense_account_id, line.amount, other.browse()),
            )
        self.assertIn(
            more,
            self.env["account.bank.statement.line"]
            .with_user(self.accountant)
            .search([("journal_id", "=", self.bank_journal.id), ("is_reconciled", "=", False)]),
        )
        # the report
        self.assertEqual(
            (report.statement_count, report.line_count, report.amount_total),
            (1, 5, 802.50),
        )
        self.assertEqual((report.matched_count, report.amount_matched), (2, 332.50))
        self.assertEqual((report.left_count, report.amount_left), (3, 470.00))
        self.assertEqual((report.rule_count, report.open_count), (0, 3))
        self.assertEqual(report.left_line_ids, more | unknown | free)
        self.assertIn("5 lines imported: 2 matched", report.message_ids[:1].body)
        # the same file again: refused, nothing written
        self.assertRefusedImport(data, "again.xml", "already imported")
        self.assertEqual(self.invoice_a.amount_residual, 0.0)

    def test_camt_lines_match_what_is_still_due(self):
        """Two transfers of one invoice in one file: the first pays it, the second is more than due."""
        ogm = self.ogm(self.invoice_b)
        data = camt_file(IBAN, [{"amount": 345.00, "bba": ogm}, {"amount": 345.00, "bba": ogm}])
        report, _action = self.import_file(data, "twice.xml")
        first, second = report.line_ids.sorted("internal_index")
        self.assertEqual(first.childcare_match, "paid")
        self.assertEqual((second.childcare_match, second.childcare_match_reason), ("left", "already_paid"))
        self.assertEqual(self.invoice_b.amount_residual, 0.0)
        self.assertEqual(self.invoice_b._get_reconciled_statement_lines(), first)

    # ------------------------------------------------------------------ CODA
    def test_coda_import_matches_invoices(self):
        # an invoice paid before the bank file comes in (online through the portal, or a payment registered
        # by the accountant): the transfer that carries its reference is a second payment
        invoice_c = self.make_invoice(self.invoice_b.partner_id, 80.00)
        self.assertRegex(invoice_c.payment_reference, r"^\+{3}")
        self.env["account.payment.register"].with_context(active_model="account.move", active_ids=invoice_c.ids).create(
            {"payment_date": date(2025, 11, 10)}
        )._create_payments()
        paid_before = (invoice_c.payment_state, invoice_c.amount_residual)
        self.assertIn(paid_before[0], ("in_payment", "paid"))
        data = coda_file(
            IBAN,
            [
                {"amount": 232.50, "ogm": self.ogm(self.invoice_a), "name": "DUPONT MARIE", "iban": OTHER_IBAN},
                {"amount": 145.00, "ogm": self.ogm(self.invoice_b), "name": "JANSSENS"},
                {"amount": 80.00, "ogm": self.ogm(invoice_c), "name": "JANSSENS"},
                {"amount": 50.00, "ogm": UNKNOWN_OGM, "name": "PEETERS"},
                {"amount": -12.35, "text": "Frais de gestion", "info": "Frais de tenue de compte"},
            ],
        )
        report, _action = self.import_file(data, "CODA-20251114.cod")
        self.assertEqual(report.file_format, "coda")
        statement = report.statement_ids
        self.assertEqual(statement.journal_id, self.bank_journal)
        self.assertEqual((statement.balance_start, statement.balance_end_real), (1000.0, 1495.15))
        paid, partial = self.line_of(report, 232.50), self.line_of(report, 145.00)
        self.assertEqual(paid.payment_ref, self.invoice_a.payment_reference)
        self.assertEqual((paid.childcare_match, partial.childcare_match), ("paid", "partial"))
        self.assertEqual((self.invoice_a.payment_state, self.invoice_a.amount_residual), ("paid", 0.0))
        self.assertEqual((self.invoice_b.payment_state, self.invoice_b.amount_residual), ("partial", 200.00))
        twice, unknown, fees = self.line_of(report, 80.00), self.line_of(report, 50.00), self.line_of(report, -12.35)
        self.assertEqual(
            [(line.childcare_match, line.childcare_match_reason) for line in (twice, unknown, fees)],
            [("left", "already_paid"), ("left", "unknown_reference"), ("left", "outgoing")],
        )
        self.assertEqual(twice.childcare_match_move_id, invoice_c)
        # no double counting: C keeps its one payment, the transfer waits in the suspense account
        self.assertEqual((invoice_c.payment_state, invoice_c.amount_residual), paid_before)
        self.assertEqual(len(invoice_c.matched_payment_ids | invoice_c._get_reconciled_payments()), 1)
        self.assertFalse(invoice_c._get_reconciled_statement_lines())
        self.assertFalse(twice.is_reconciled)
        self.assertEqual((report.line_count, report.amount_total), (5, 495.15))
        self.assertEqual((report.matched_count, report.amount_matched), (2, 377.50))
        self.assertEqual((report.left_count, report.amount_left), (3, 117.65))
        # the accountant reconciles the unknown transfer by hand in OCA's screen: the report's figures stay
        # those of the import, what is still open follows
        self.assertEqual(report.open_count, 3)
        # the same file again, even under another name: refused
        self.assertRefusedImport(data, "copy.cod", "already imported")

    def test_lines_without_reference_go_through_oca_models(self):
        """OCA's reconciliation models apply to the lines without a structured reference (bank charges);
        a line that carries a reference is decided by its invoice, whatever the models say."""
        expense = self.env["account.account"].search(
            [("account_type", "=", "expense"), ("company_ids", "in", self.company.ids)], limit=1
        )
        self.env["account.reconcile.model"].create(
            {
                "name": "Bank charges",
                "trigger": "auto_reconcile",
                "match_label": "contains",
                "match_label_param": "Frais",
                "match_journal_ids": [Command.set(self.bank_journal.ids)],
                "line_ids": [Command.create({"account_id": expense.id})],
            }
        )
        reference = self.invoice_b.payment_reference
        data = camt_file(
            IBAN,
            [
                {"amount": -12.35, "ustrd": "Frais de gestion"},
                {"amount": 400.00, "ustrd": f"{reference} Frais de garderie"},
            ],
        )
        report, _action = self.import_file(data, "charges.xml")
        charges, more = self.line_of(report, -12.35), self.line_of(report, 400.00)
        self.assertTrue(charges.is_reconciled)
        self.assertEqual(charges.childcare_match, "rule")
        self.assertEqual(charges.move_id.line_ids.account_id & expense, expense)
        self.assertEqual((more.childcare_match, more.childcare_match_reason), ("left", "more_than_due"))
        self.assertFalse(more.is_reconciled)
        self.assertEqual(self.invoice_b.amount_residual, 345.00)
        self.assertEqual((report.rule_count, report.amount_rule), (1, -12.35))
        self.assertEqual((report.matched_count, report.left_count, report.amount_left), (0, 1, 400.00))

    def test_coda_unreadable(self):
        data = coda_file(IBAN, [{"amount": 10.0, "ogm": UNKNOWN_OGM}]).decode("windows-1252").split("\r\n")
        data[2] = "25" + data[2][2:]
        self.assertRefusedImport("\r\n".join(data).encode("windows-1252"), "broken.cod", "CODA file cannot be read")

    # ------------------------------------------------------------------ refusals
    def test_file_of_another_account_is_refused(self):
        ogm = self.ogm(self.invoice_a)
        self.assertRefusedImport(
            camt_file(OTHER_IBAN, [{"amount": 232.50, "bba": ogm}]), "other.xml", "statement of the bank account"
        )
        self.assertRefusedImport(
            coda_file(OTHER_IBAN, [{"amount": 232.50, "ogm": ogm}]), "other.cod", "statement of the bank account"
        )
        # from the menu, the journal is the one of the file's account: none for this one
        self.assertRefusedImport(
            coda_file(OTHER_IBAN, [{"amount": 232.50, "ogm": ogm}]), "other.cod", OTHER_IBAN, from_journal=False
        )
        self.assertEqual(self.invoice_a.amount_residual, 232.50)
        # the municipality's own file, from the menu: into its journal, matched
        report, _action = self.import_file(coda_file(IBAN, [{"amount": 232.50, "ogm": ogm}]), "own.cod", False)
        self.assertEqual((report.journal_id, report.matched_count), (self.bank_journal, 1))
        self.assertEqual(self.invoice_a.payment_state, "paid")

    def test_unknown_format_is_refused(self):
        self.assertRefusedImport(
            b"Date;Amount;Communication\n2025-11-14;232.50;x\n", "export.csv", "not a bank statement"
        )
        self.assertRefusedImport(b"%PDF-1.4 not a statement", "statement.pdf", "not a bank statement")

    # ------------------------------------------------------------------ access
    def test_who_reads_the_reports(self):
        data = camt_file(IBAN, [{"amount": 232.50, "bba": self.ogm(self.invoice_a)}])
        report, _action = self.import_file(data, "camt.xml")
        # accountants read it (billing clerks too), no one writes it
        billing = mail_new_test_user(
            self.env,
            login="cc_statement_billing",
            groups="base.group_user,account.group_account_invoice",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        self.env.invalidate_all()
        self.assertEqual(self.as_user(billing, report).read(["matched_count"])[0]["matched_count"], 1)
        # every report of the municipality (the demo database has imported one of its own), none of another
        reports = self.env["childcare.statement.import.report"].with_user(self.accountant).search([])
        self.assertIn(report, reports)
        self.assertEqual(reports.company_id, self.company)
        self.assertRefused(self.accountant, report, {"matched_count": 5})
        self.assertRefused(self.accountant, report, {"file_hash": "0"})
        # portal parents, structure staff, municipal staff without an accounting role: nothing
        self.assertCannotSee(self.user_portal_a, report)
        self.assertCannotSee(self.user_staff_s1, report)
        self.assertCannotSee(self.user_manager, report)
        for user in (self.user_portal_a, self.user_staff_s1):
            with mute_logger(*ACCESS_LOGGERS), self.assertRaises(AccessError):
                self.as_user(user, self.env["childcare.statement.import.report"]).search([])
            with mute_logger(*ACCESS_LOGGERS), self.assertRaises(AccessError):
                self.as_user(user, self.env["account.statement.import"]).create(
                    {"statement_file": base64.b64encode(data), "statement_filename": "camt.xml"}
                )


@tagged("post_install", "-at_install")
class TestStatementViews(HttpCase, StatementCase):
    """The report of an import and the reason of a left line render in the web client for an accountant."""

    def test_views_render(self):
        data = camt_file(
            IBAN,
            [{"amount": 232.50, "bba": self.ogm(self.invoice_a)}, {"amount": 50.00, "bba": UNKNOWN_OGM}],
        )
        report, _action = self.import_file(data, "camt.xml")
        left = report.left_line_ids
        self.assertEqual(left.childcare_match_reason, "unknown_reference")
        action = "/odoo/action-childcare_billing.childcare_statement_import_report_action"
        reconcile = (
            f"/odoo/account.journal/{self.bank_journal.id}/"
            "action-account_reconcile_oca.action_bank_statement_line_reconcile_all"
        )
        pages = [
            (action, ".o_list_view .o_data_row"),
            (f"{action}/{report.id}", ".o_form_view .o_field_one2many .o_data_row"),
            (reconcile, ".o_kanban_record .text-warning"),
        ]
        for url, selector in pages:
            with self.subTest(url=url):
                self.browser_js(url, WAIT_FOR % selector, "odoo.isReady === true", login=self.accountant.login)
