/*
 * Rathaus – the workflow form of a defect report in the admin: choosing an answer template
 * fills in the public answer at once (without this script, the "Use template" button does it
 * on the server). The texts come from <script type="application/json" id="defect-answer-templates">.
 */
(function () {
    "use strict";

    document.addEventListener("DOMContentLoaded", function () {
        const form = document.querySelector("[data-defect-workflow]");
        const data = document.getElementById("defect-answer-templates");
        if (!form || !data) { return; }
        let texts = {};
        try { texts = JSON.parse(data.textContent) || {}; } catch (error) { return; }
        const select = form.querySelector("select[name=answer_template]");
        const answer = form.querySelector("textarea[name=public_answer]");
        const button = form.querySelector("[data-defect-use-template]");
        const status = form.querySelector("[data-defect-template-status]");
        if (!select || !answer) { return; }
        if (button) { button.hidden = true; }
        select.addEventListener("change", function () {
            const text = texts[select.value];
            if (typeof text !== "string") { return; }
            answer.value = text;
            if (status) { status.textContent = status.dataset.message || ""; }
        });
    });
})();
