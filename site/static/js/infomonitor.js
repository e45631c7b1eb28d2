// InfoMonitor: rotates the slides, shows date and time, and fetches new content every few
// minutes. Built to run for days: when the server cannot be reached it keeps the last content
// and tries again; new content replaces the old nodes (nothing accumulates); timers are fixed;
// a request that hangs is given up after 20 seconds.
(function () {
    "use strict";
    var root = document.querySelector("[data-infomonitor]");
    if (!root) { return; }
    var box = root.querySelector("[data-slides]");
    var status = root.querySelector("[data-status]");
    var dateEl = root.querySelector("[data-date]");
    var timeEl = root.querySelector("[data-time]");
    var lang = document.documentElement.lang || "de";
    var zone = root.getAttribute("data-time-zone") || undefined;
    var town = root.getAttribute("data-town") || "";
    var url = root.getAttribute("data-url");
    var slideMs = Number(root.getAttribute("data-slide-seconds")) * 1000 || 15000;
    var refreshMs = Number(root.getAttribute("data-refresh-seconds")) * 1000 || 120000;
    var startedAt = Date.now();
    var index = 0;
    var rotation = null;
    var dateFormat = new Intl.DateTimeFormat(lang, { weekday: "long", day: "numeric", month: "long", year: "numeric", timeZone: zone });
    var timeFormat = new Intl.DateTimeFormat(lang, { hour: "2-digit", minute: "2-digit", timeZone: zone });
    var hourFormat = new Intl.DateTimeFormat("en-GB", { hour: "numeric", hourCycle: "h23", timeZone: zone });

    function show(position) {
        var slides = box.children;
        for (var i = 0; i < slides.length; i++) { slides[i].hidden = i !== position; }
    }
    function next() {
        var count = box.children.length;
        if (count > 1) { index = (index + 1) % count; show(index); }
    }
    function startRotation() {
        if (rotation) { clearInterval(rotation); }
        rotation = setInterval(next, slideMs);
    }
    function element(tag, className, text) {
        var node = document.createElement(tag);
        node.className = className;
        node.textContent = text;
        return node;
    }
    function picture(className, src, alt, width, height) {
        var img = element("img", className, "");
        img.src = src;
        img.alt = alt || "";
        img.width = width;
        img.height = height;
        return img;
    }
    function build(slide) {
        var section = element("section", "slide slide--" + slide.kind, "");
        section.appendChild(element("p", "slide__label", slide.label));
        section.appendChild(element("h2", "slide__title", slide.title));
        if (slide.meta) { section.appendChild(element("p", "slide__meta", slide.meta)); }
        section.appendChild(element("p", "slide__text", slide.text));
        if (slide.image) { section.appendChild(picture("slide__image", slide.image, slide.image_alt, 800, 500)); }
        if (slide.qr) { section.appendChild(picture("slide__qr", slide.qr, slide.qr_alt, 240, 240)); }
        return section;
    }
    function currentTitle() {
        var visible = box.children[index];
        var title = visible && visible.querySelector(".slide__title");
        return title ? title.textContent : null;
    }
    function render(data) {
        var slides = data.slides.length ? data.slides : [{ kind: "empty", label: "", title: town, text: "" }];
        // Keep the rotation where it is: the slide on screen stays, or the next one follows.
        var title = currentTitle();
        var position = -1;
        var fragment = document.createDocumentFragment();
        slides.forEach(function (slide, i) {
            if (slide.title === title) { position = i; }
            fragment.appendChild(build(slide));
        });
        box.replaceChildren(fragment);
        index = position >= 0 ? position : index % slides.length;
        show(index);
        var newSlideMs = (data.slide_seconds || 15) * 1000;
        refreshMs = (data.refresh_seconds || 120) * 1000;
        if (newSlideMs !== slideMs) { slideMs = newSlideMs; startRotation(); }
    }
    function load() {
        var controller = new AbortController();
        var timeout = setTimeout(function () { controller.abort(); }, 20000);
        return fetch(url, { cache: "no-store", headers: { "Accept": "application/json" }, signal: controller.signal })
            .then(function (response) {
                if (!response.ok) { throw new Error("HTTP " + response.status); }
                return response.json();
            })
            .finally(function () { clearTimeout(timeout); });
    }
    function refresh() {
        load()
            .then(function (data) { status.hidden = true; render(data); })
            .catch(function () { status.hidden = false; })
            .then(function () { setTimeout(refresh, refreshMs); });
    }
    function tick() {
        var now = new Date();
        dateEl.textContent = dateFormat.format(now);
        timeEl.textContent = timeFormat.format(now);
        // Once a night, after 20 hours, reload the whole page (new code, a fresh start), but
        // only when the server answers: a failed reload would leave an error on the screen.
        if (Date.now() - startedAt > 20 * 3600 * 1000 && hourFormat.format(now) === "3") {
            startedAt = Date.now();
            load().then(function () { window.location.reload(); }).catch(function () {});
        }
    }
    root.setAttribute("data-ready", "true");
    tick();
    setInterval(tick, 1000);
    startRotation();
    setTimeout(refresh, refreshMs);
})();
