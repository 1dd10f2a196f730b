import { registry } from "@web/core/registry";

/** Type a time into an ``<input type="time">`` (the generic "edit" action reads the input as a date). */
function setTime(value) {
    return function () {
        this.anchor.value = value;
        this.anchor.dispatchEvent(new Event("input", { bubbles: true }));
        this.anchor.dispatchEvent(new Event("change", { bubbles: true }));
    };
}

// A guardian pre-registers a child: two ranked choices, a weekly need, a criterion answered, then follows
// the application's page (state and points).
registry.category("web_tour.tours").add("citizen_application_tour", {
    steps: () => [
        {
            content: "Pre-register the child from the applications page",
            trigger: "a[href*='/my/applications/new?child_id=']:contains('Léa')",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The form names the child",
            trigger: "h1:contains('Pre-registration of Léa')",
        },
        {
            content: "First choice",
            trigger: "select[name=choice_1]",
            run: "selectByLabel Mini-crèche Les Abeilles",
        },
        {
            content: "Second choice",
            trigger: "select[name=choice_2]",
            run: "selectByLabel Crèche Les Lutins",
        },
        {
            content: "Monday: arrival",
            trigger: "input[name=day_0_from]",
            run: setTime("08:00"),
        },
        {
            content: "Monday: departure",
            trigger: "input[name=day_0_to]",
            run: setTime("17:00"),
        },
        {
            content: "Answer the scale criterion",
            trigger: ".o_citizen_criterion[data-criterion-code=PT_SENIORITY] input[type=number]",
            run: "edit 2",
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
            content: "Its points: 2 years x 2 points",
            trigger: ".o_citizen_score:contains('4.0')",
        },
    ],
});

// A guardian accepts the place offered to the application.
registry.category("web_tour.tours").add("citizen_application_offer_tour", {
    steps: () => [
        {
            content: "The offer and its deadline",
            trigger: ".o_citizen_offer:contains('Crèche Les Lutins')",
        },
        {
            content: "Accept the place",
            trigger: "button.o_citizen_accept_offer",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Accepted",
            trigger: ".alert-success:contains('You accepted the place')",
        },
        {
            content: "No answer buttons any more",
            trigger: "body:not(:has(button.o_citizen_accept_offer))",
        },
    ],
});
