import { registry } from "@web/core/registry";

/**
 * A guardian of family A goes from /my to "My family", opens Léa's page, updates her medical sheet (a new
 * version) and gives the photo consent.
 * Data: citizen_portal/tests/test_family.py (TestPortalChild.test_tour_family).
 */
registry.category("web_tour.tours").add("citizen_family_tour", {
    url: "/my",
    steps: () => [
        {
            content: "Family services: open My family",
            trigger: "#portal_citizen_category a[href='/my/family']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The household and its child",
            trigger: "h2:contains(Household Dupont)",
        },
        {
            content: "Open Léa's page",
            trigger: ".o_citizen_children a:contains(Léa)",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Her current medical sheet",
            trigger: "dd:contains(Peanuts)",
        },
        {
            content: "Update the allergies",
            trigger: "#medical_allergies",
            run: "edit Peanuts, kiwi",
        },
        {
            content: "A second emergency contact",
            trigger: "#contact_name_1",
            run: "edit Uncle Jo",
        },
        {
            content: "His phone",
            trigger: "#contact_phone_1",
            run: "edit +32 470 00 00 02",
        },
        {
            content: "Save a new version",
            trigger: "button:contains(Save a new version)",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Saved, and shown",
            trigger: ".alert-success:contains(new medical sheet was saved)",
        },
        {
            content: "The new allergies are shown",
            trigger: "dd:contains(Peanuts, kiwi)",
        },
        {
            content: "Give the photo consent",
            trigger: "#citizen_image_consent",
            run: "check",
        },
        {
            content: "Save the consents",
            trigger: "button:contains(Save the consents)",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The consents are saved",
            trigger: ".alert-success:contains(consents were saved)",
        },
    ],
});
