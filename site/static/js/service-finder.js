// The service finder's autocomplete: an ARIA 1.2 combobox over the search API.
// Progressive enhancement: without this script the search box submits to the finder page.
(function () {
    "use strict";
    var DELAY = 150;
    var LIMIT = 8;

    function setup(form) {
        if (form.dataset.ready) { return; }
        form.dataset.ready = "1";
        var input = form.querySelector("input[name=q]");
        var list = form.querySelector("[role=listbox]");
        var status = form.querySelector("[role=status]");
        if (!input || !list || !window.fetch) { return; }
        var timer = null;
        var controller = null;
        var results = [];
        var active = -1;

        input.setAttribute("role", "combobox");
        input.setAttribute("aria-autocomplete", "list");
        input.setAttribute("aria-expanded", "false");
        input.setAttribute("aria-controls", list.id);

        function close() {
            list.hidden = true;
            input.setAttribute("aria-expanded", "false");
            input.removeAttribute("aria-activedescendant");
            active = -1;
        }

        function highlight(index) {
            var options = list.querySelectorAll("[role=option]");
            active = index;
            for (var i = 0; i < options.length; i++) {
                options[i].setAttribute("aria-selected", i === index ? "true" : "false");
            }
            if (index >= 0 && options[index]) {
                input.setAttribute("aria-activedescendant", options[index].id);
                options[index].scrollIntoView({ block: "nearest" });
            } else {
                input.removeAttribute("aria-activedescendant");
            }
        }

        function go(index) {
            var result = results[index];
            if (result && result.url) { window.location.assign(result.url); }
        }

        function render(data) {
            results = data.results || [];
            while (list.firstChild) { list.removeChild(list.firstChild); }
            results.forEach(function (result, index) {
                var option = document.createElement("li");
                option.id = list.id + "-" + index;
                option.setAttribute("role", "option");
                option.setAttribute("aria-selected", "false");
                var title = document.createElement("span");
                title.className = "service-search__title";
                title.textContent = result.title;
                option.appendChild(title);
                if (result.online) {
                    var badge = document.createElement("span");
                    badge.className = "badge badge--online";
                    badge.textContent = status.dataset.online;
                    option.appendChild(document.createTextNode(" "));
                    option.appendChild(badge);
                }
                option.addEventListener("mousedown", function (event) { event.preventDefault(); });
                option.addEventListener("click", function () { go(index); });
                list.appendChild(option);
            });
            active = -1;
            var open = results.length > 0;
            list.hidden = !open;
            input.setAttribute("aria-expanded", open ? "true" : "false");
            input.removeAttribute("aria-activedescendant");
            if (!results.length) {
                status.textContent = status.dataset.none;
            } else if (results.length === 1) {
                status.textContent = status.dataset.one;
            } else {
                status.textContent = status.dataset.many.replace("{count}", String(results.length));
            }
        }

        function lookup() {
            var query = input.value.trim();
            if (query.length < 2) { close(); results = []; return; }
            if (controller) { controller.abort(); }
            controller = window.AbortController ? new AbortController() : null;
            var url = form.dataset.api + "?" + new URLSearchParams({
                q: query, lang: form.dataset.lang, limit: String(LIMIT), autocomplete: "1"
            }).toString();
            fetch(url, { signal: controller ? controller.signal : undefined, credentials: "omit" })
                .then(function (response) { return response.ok ? response.json() : { results: [] }; })
                .then(function (data) { if (input.value.trim() === query) { render(data); } })
                .catch(function () { /* aborted or offline: the form still submits */ });
        }

        input.addEventListener("input", function () {
            window.clearTimeout(timer);
            timer = window.setTimeout(lookup, DELAY);
        });
        input.addEventListener("keydown", function (event) {
            var open = !list.hidden && results.length > 0;
            if (event.key === "ArrowDown") {
                if (!open) { if (results.length) { list.hidden = false; input.setAttribute("aria-expanded", "true"); } return; }
                event.preventDefault();
                highlight(active + 1 >= results.length ? 0 : active + 1);
            } else if (event.key === "ArrowUp" && open) {
                event.preventDefault();
                highlight(active <= 0 ? results.length - 1 : active - 1);
            } else if (event.key === "Enter" && open && active >= 0) {
                event.preventDefault();
                go(active);
            } else if (event.key === "Escape" && open) {
                event.preventDefault();
                close();
            }
        });
        input.addEventListener("blur", function () { window.setTimeout(close, 100); });
    }

    function init() {
        var forms = document.querySelectorAll("form[data-service-finder]");
        for (var i = 0; i < forms.length; i++) { setup(forms[i]); }
    }
    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", init);
    } else {
        init();
    }
})();
