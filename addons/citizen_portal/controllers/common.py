"""What every page of the citizen portal shares: the caller's households, the ownership check of a record
before it is read, and the reading of uploads.

Pages follow Odoo's own portal (``addons/account/controllers/portal.py``): routes under ``/my/...``,
``_document_check_access`` before reading any record (an id of another family answers 404, never its
data), counters in ``_prepare_home_portal_values``, ``portal_pager`` for lists."""

import base64

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request
from odoo.tools.mimetypes import guess_mimetype

from ..tools.uploads import MAX_UPLOAD_BYTES, UploadRefused, check_upload


class CitizenPortal(CustomerPortal):
    """The helpers of the citizen portal's pages (each page family lives in its own controller file and
    inherits this class; Odoo merges the subclasses of a controller into one)."""

    def _citizen_families(self):
        """The households the signed-in user is a guardian of, under the portal record rules (a parent sees
        only their own: the rules decide, not this search)."""
        # once per HTTP request: /my/counters asks every page family for its counter, each starting from here
        memo = request.__dict__.setdefault("_citizen_families_ids", {})
        Family = request.env["childcare.family"]
        if request.env.uid in memo:
            return Family.browse(memo[request.env.uid])
        memo[request.env.uid] = self._citizen_find_families().ids
        return Family.browse(memo[request.env.uid])

    def _citizen_find_families(self):
        Family = request.env["childcare.family"]
        if not Family.has_access("read"):
            # an internal user outside the childcare groups (an accountant on Odoo's own /my pages): no household
            return Family
        partner = request.env.user.partner_id
        # sudo: only which households name the user's own contact as a guardian (an internal user may read
        # households but not their guardians); the households are then those the user may read, as the user
        families = Family.sudo().search([("guardian_ids.partner_id", "=", partner.id)])
        return Family.browse(families.ids)._filtered_access("read")

    def _citizen_family(self, family_id=None):
        """One household of the user: ``family_id`` when given (404 when it is not theirs), else their first.
        Returns an empty recordset when the user has no household yet."""
        families = self._citizen_families()
        if family_id:
            family = families.filtered(lambda f: f.id == int(family_id))
            if not family:
                raise request.not_found()
            return family
        return families[:1]

    def _citizen_record(self, model_name, record_id):
        """The record ``record_id`` of ``model_name`` if the user may read it (Odoo's ``_document_check_access``:
        access rights and record rules as the user, then the record under sudo for display); raises
        ``werkzeug.exceptions.NotFound`` for anything else, so another family's ids reveal nothing (not even
        that they exist)."""
        try:
            return self._document_check_access(model_name, int(record_id))
        except (AccessError, MissingError, ValueError, TypeError) as error:
            raise request.not_found() from error

    def _citizen_upload(self, file_storage):
        """Read an uploaded file (``werkzeug`` FileStorage) into the values of an ``ir.attachment``: name,
        datas (base64) and mimetype, the type sniffed from the content. Refuses, with a translated
        ``UserError``, an empty or too large file or a type other than PDF, JPEG or PNG."""
        content = file_storage.read(MAX_UPLOAD_BYTES + 1) if file_storage else b""
        sniffed = guess_mimetype(content) if content else ""
        try:
            name = check_upload(getattr(file_storage, "filename", ""), content, sniffed)
        except UploadRefused as refused:
            messages = {
                "empty": request.env._("The file is empty."),
                "too_large": request.env._(
                    "The file is too large: at most %(size)s MB.", size=MAX_UPLOAD_BYTES // (1024 * 1024)
                ),
                "type": request.env._("Only PDF, JPEG and PNG documents are accepted."),
            }
            raise UserError(messages[refused.reason]) from refused
        return {"name": name, "datas": base64.b64encode(content), "mimetype": sniffed}
