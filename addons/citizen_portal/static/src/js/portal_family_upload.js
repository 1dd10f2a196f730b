import { Interaction } from "@web/public/interaction";
import { registry } from "@web/core/registry";
import { _t } from "@web/core/l10n/translation";

/**
 * Uploads of the citizen portal (proofs of income, documents): a file larger than the server accepts is
 * refused in the browser, with the same message as the server's check, before the form is sent.
 * The server checks again (size, and the type read from the content): this only spares the parent a
 * long upload that would be refused.
 */
export class CitizenUploadCheck extends Interaction {
    static selector = "input[type=file][data-citizen-max-bytes]";
    dynamicContent = {
        _root: { "t-on-change": this.check },
    };

    check() {
        const maxBytes = parseInt(this.el.dataset.citizenMaxBytes, 10);
        const tooLarge = [...(this.el.files || [])].some((file) => file.size > maxBytes);
        this.el.setCustomValidity(
            tooLarge
                ? _t("The file is too large: at most %(size)s MB.", {
                      size: Math.floor(maxBytes / (1024 * 1024)),
                  })
                : ""
        );
        if (tooLarge) {
            this.el.reportValidity();
        }
    }
}

registry.category("public.interactions").add("citizen_portal.upload_check", CitizenUploadCheck);
