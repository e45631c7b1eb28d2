// Rathaus – poster and flyer: the toolbar's "Print" button, shown only when scripts run.
(function () {
    "use strict";
    document.querySelectorAll("[data-print]").forEach(function (button) {
        button.hidden = false;
        button.addEventListener("click", function () {
            window.print();
        });
    });
})();
