// Progressive enhancement only: without this script the navigation is simply always open.
(function () {
    "use strict";
    var nav = document.getElementById("main-nav");
    if (!nav) { return; }
    var toggle = nav.querySelector(".main-nav__toggle");
    var query = window.matchMedia("(max-width: 47.99rem)");
    function setOpen(open) {
        toggle.setAttribute("aria-expanded", open ? "true" : "false");
        nav.classList.toggle("main-nav--collapsed", !open);
    }
    function apply() {
        toggle.hidden = !query.matches;
        setOpen(!query.matches);
    }
    toggle.addEventListener("click", function () {
        setOpen(toggle.getAttribute("aria-expanded") !== "true");
    });
    document.addEventListener("keydown", function (event) {
        if (event.key === "Escape" && query.matches && toggle.getAttribute("aria-expanded") === "true") {
            setOpen(false);
            toggle.focus();
        }
    });
    query.addEventListener("change", apply);
    apply();
})();
