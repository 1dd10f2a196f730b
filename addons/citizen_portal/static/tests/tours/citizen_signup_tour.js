import { registry } from "@web/core/registry";

/** Type a time into an ``<input type="time">`` (the generic "edit" action reads the input as a date). */
function setTime(value) {
    return function () {
        this.anchor.value = value;
        this.anchor.dispatchEvent(new Event("input", { bubbles: true }));
        this.anchor.dispatchEvent(new Event("change", { bubbles: true }));
    };
}

/**
 * A new parent signs up on Odoo's own sign-up page, lands on the portal, opens "My family" and asks for a
 * household (created archived: municipal staff check it first).
 * Data: citizen_portal/tests/test_tours.py (TestTourSignupToPreRegistration).
 */
registry.category("web_tour.tours").add("citizen_signup_tour", {
    url: "/web/signup",
    steps: () => [
        {
            content: "E-mail address (the login)",
            trigger: ".oe_signup_form input[name=login]",
            run: "edit camille.martin@example.com",
        },
        {
            content: "Name",
            trigger: ".oe_signup_form input[name=name]",
            run: "edit Camille Martin",
        },
        {
            content: "Password",
            trigger: ".oe_signup_form input[name=password]",
            run: "edit Citizen-portal-2026",
        },
        {
            content: "Password again",
            trigger: ".oe_signup_form input[name=confirm_password]",
            run: "edit Citizen-portal-2026",
        },
        {
            content: "Sign up",
            trigger: ".oe_signup_form button[type=submit]",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Signed in, on the portal: open My family",
            trigger: "#portal_citizen_category a[href='/my/family']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "No household yet",
            trigger: ".o_citizen_no_family h2:contains(not linked to a household yet)",
        },
        {
            content: "The household's name",
            trigger: "#citizen_register_name",
            run: "edit Martin",
        },
        {
            content: "Register my household",
            trigger: ".o_citizen_no_family button:contains(Register my household)",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Registered: staff will check it",
            trigger: ".alert-success:contains(Your household was registered)",
        },
        {
            content: "The household waits for the municipality's check",
            trigger: ".o_citizen_no_family .alert-info:contains(Martin):contains(waits for the municipality)",
        },
        {
            content: "No registration form any more",
            trigger: "body:not(:has(#citizen_register_name))",
        },
    ],
});

/**
 * The same parent, once staff activated the household and added the child: My family → the child's page →
 * back to the portal home → Childcare applications → pre-register the child (two ranked choices, a weekly
 * need, a criterion answered) → the application's page with its state.
 * Data: citizen_portal/tests/test_tours.py (TestTourSignupToPreRegistration).
 */
registry.category("web_tour.tours").add("citizen_signup_application_tour", {
    url: "/my",
    steps: () => [
        {
            content: "Family services: open My family",
            trigger: "#portal_citizen_category a[href='/my/family']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The household is active",
            trigger: "h2:contains(Household Martin)",
        },
        {
            content: "Open the child's page",
            trigger: ".o_citizen_children a:contains(Jules)",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The child's identity",
            trigger: ".o_citizen_child h1:contains(Jules)",
        },
        {
            content: "Back to the portal home",
            trigger: ".o_portal_submenu a[href='/my/home']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Childcare applications",
            trigger: ".o_portal_index_card a[href='/my/applications']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "No application yet",
            trigger: ".alert-info:contains(You have no childcare application yet)",
        },
        {
            content: "Pre-register the child",
            trigger: "a[href*='/my/applications/new?child_id=']:contains(Jules)",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The form names the child",
            trigger: "h1:contains('Pre-registration of Jules')",
        },
        {
            content: "First choice",
            trigger: "select[name=choice_1]",
            run: "selectByLabel Crèche Les Lutins",
        },
        {
            content: "Second choice",
            trigger: "select[name=choice_2]",
            run: "selectByLabel Mini-crèche Les Abeilles",
        },
        {
            content: "Monday: arrival",
            trigger: "input[name=day_0_from]",
            run: setTime("07:30"),
        },
        {
            content: "Monday: departure",
            trigger: "input[name=day_0_to]",
            run: setTime("16:30"),
        },
        {
            content: "Thursday: arrival",
            trigger: "input[name=day_3_from]",
            run: setTime("08:00"),
        },
        {
            content: "Thursday: departure",
            trigger: "input[name=day_3_to]",
            run: setTime("12:00"),
        },
        {
            content: "Answer the scale criterion",
            trigger: ".o_citizen_criterion[data-criterion-code=PT_SENIORITY] input[type=number]",
            run: "edit 1",
        },
        {
            content: "Submit",
            trigger: ".o_citizen_application_form button[type=submit]",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The application is submitted",
            trigger: ".alert-success:contains('Your application was submitted.')",
        },
        {
            content: "Its state",
            trigger: ".badge[data-state=submitted]",
        },
        {
            content: "Its first choice",
            trigger: "tr.o_citizen_choice:contains(Crèche Les Lutins) td:first-child:contains(1)",
        },
        {
            content: "Its points: 1 year x 2 points",
            trigger: ".o_citizen_score:contains('2.0')",
        },
    ],
});
