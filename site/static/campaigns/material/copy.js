// Rathaus – a service's promotion material in the admin: "Copy" buttons for the suggested
// texts. Without scripts the buttons stay hidden and the texts can be selected as usual.
(function () {
    "use strict";
    var page = document.querySelector("[data-material-page]");
    if (!page) {
        return;
    }

    function copy(area) {
        if (navigator.clipboard && window.isSecureContext) {
            return navigator.clipboard.writeText(area.value);
        }
        // Plain http (a town's intranet): the older way, which needs the text selected.
        return new Promise(function (resolve, reject) {
            area.focus();
            area.select();
            try {
                if (document.execCommand("copy")) {
                    resolve();
                } else {
                    reject(new Error("copy refused"));
                }
            } catch (error) {
                reject(error);
            }
        });
    }

    page.querySelectorAll("[data-copy]").forEach(function (button) {
        var area = document.getElementById(button.getAttribute("data-copy"));
        var status = button.parentNode.querySelector("[data-copy-status]");
        if (!area || !status) {
            return;
        }
        button.hidden = false;
        button.addEventListener("click", function () {
            status.textContent = "";
            copy(area).then(
                function () {
                    status.textContent = page.getAttribute("data-copied");
                },
                function () {
                    area.focus();
                    area.select();
                    status.textContent = page.getAttribute("data-copy-failed");
                }
            );
        });
    });
})();
