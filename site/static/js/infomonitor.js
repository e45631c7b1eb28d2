// InfoMonitor: rotates the slides, shows date and time, and fetches new content every few
// minutes. Built to run for days: when the server cannot be reached it keeps the last content
// and tries again; new content replaces the old nodes (nothing accumulates); timers are fixed.
(function () {
    "use strict";
    var root = document.querySelector("[data-infomonitor]");
    if (!root) { return; }
    var box = root.querySelector("[data-slides]");
    var status = root.querySelector("[data-status]");
    var dateEl = root.querySelector("[data-date]");
    var timeEl = root.querySelector("[data-time]");
    var lang = document.documentElement.lang || "de";
    var url = root.getAttribute("data-url");
    var slideMs = Number(root.getAttribute("data-slide-seconds")) * 1000 || 15000;
    var refreshMs = Number(root.getAttribute("data-refresh-seconds")) * 1000 || 120000;
    var index = 0;
    var rotation = null;
    var dateFormat = new Intl.DateTimeFormat(lang, { weekday: "long", day: "numeric", month: "long", year: "numeric" });
    var timeFormat = new Intl.DateTimeFormat(lang, { hour: "2-digit", minute: "2-digit" });
    var dayFormat = new Intl.DateTimeFormat(lang, { day: "numeric", month: "long", year: "numeric" });

    function show(position) {
        var slides = box.children;
        for (var i = 0; i < slides.length; i++) { slides[i].hidden = i !== position; }
    }
    function next() {
        var count = box.children.length;
        if (count > 1) { index = (index + 1) % count; show(index); }
    }
    function restartRotation() {
        if (rotation) { clearInterval(rotation); }
        rotation = setInterval(next, slideMs);
    }
    function element(tag, className, text) {
        var node = document.createElement(tag);
        node.className = className;
        node.textContent = text;
        return node;
    }
    function day(iso) { return dayFormat.format(new Date(iso + "T12:00:00")); }
    function build(slide) {
        var section = element("section", "slide slide--" + slide.kind, "");
        section.appendChild(element("p", "slide__label", slide.label));
        section.appendChild(element("h2", "slide__title", slide.title));
        section.appendChild(element("p", "slide__text", slide.text));
        var meta = [];
        if (slide.place) { meta.push(slide.place); }
        if (slide.valid_from) { meta.push(day(slide.valid_from) + (slide.valid_until ? " – " + day(slide.valid_until) : "")); }
        if (slide.date) { meta.push(day(slide.date)); }
        if (meta.length) { section.appendChild(element("p", "slide__meta", meta.join(" · "))); }
        return section;
    }
    function render(data) {
        var fragment = document.createDocumentFragment();
        data.slides.forEach(function (slide) { fragment.appendChild(build(slide)); });
        if (data.slides.length) { box.replaceChildren(fragment); }
        index = 0;
        show(0);
        slideMs = (data.slide_seconds || 15) * 1000;
        refreshMs = (data.refresh_seconds || 120) * 1000;
        restartRotation();
    }
    function refresh() {
        fetch(url, { cache: "no-store", headers: { "Accept": "application/json" } })
            .then(function (response) {
                if (!response.ok) { throw new Error("HTTP " + response.status); }
                return response.json();
            })
            .then(function (data) { status.hidden = true; render(data); })
            .catch(function () { status.hidden = false; })
            .then(function () { setTimeout(refresh, refreshMs); });
    }
    function tick() {
        var now = new Date();
        dateEl.textContent = dateFormat.format(now);
        timeEl.textContent = timeFormat.format(now);
        // Once a night, reload the whole page (new code, a fresh start), but only when the
        // server answers: a failed reload would leave the screen showing an error.
        if (now.getHours() === 3 && now.getMinutes() === 30 && now.getSeconds() === 0) {
            fetch(url, { cache: "no-store" }).then(function (r) { if (r.ok) { window.location.reload(); } });
        }
    }
    root.setAttribute("data-ready", "true");
    tick();
    setInterval(tick, 1000);
    restartRotation();
    setTimeout(refresh, refreshMs);
})();
