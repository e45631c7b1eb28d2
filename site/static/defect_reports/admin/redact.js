/*
 * Rathaus – blacking out areas of a report's photo in the admin. Drag with the mouse (or a
 * finger or pen) over the photo to mark an area; marked areas go into the form's hidden
 * "redactions" field (JSON [[x, y, width, height], …] in the photo's pixels) and are blacked
 * out on the server when the form is saved. The typed fields and the buttons work without it.
 * Texts come from <script type="application/json" id="defect-redact-strings">.
 */
(function () {
    "use strict";

    function clamp(value, low, high) { return Math.max(low, Math.min(high, value)); }

    function fill(text, values) {
        return String(text || "").replace(/\{(\w+)\}/g, function (match, name) {
            return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : match;
        });
    }

    document.addEventListener("DOMContentLoaded", function () {
        const root = document.querySelector("[data-defect-redact]");
        if (!root) { return; }
        const input = root.querySelector("[data-defect-redactions]");
        const stage = root.querySelector("[data-defect-redact-stage]");
        const image = root.querySelector("[data-defect-redact-image]");
        const list = root.querySelector("[data-defect-redact-list]");
        const status = root.querySelector("[data-defect-redact-status]");
        const help = root.querySelector("[data-defect-redact-help]");
        const empty = root.querySelector("[data-defect-redact-empty]");
        const width = Number(root.dataset.width);
        const height = Number(root.dataset.height);
        let strings = {};
        try { strings = JSON.parse(document.getElementById("defect-redact-strings").textContent) || {}; } catch (error) { strings = {}; }
        let saved = [];
        try { saved = JSON.parse(input.value || "[]"); } catch (error) { return; }
        if (!stage || !image || !width || !height) { return; }
        const pending = [];

        const canvas = document.createElement("canvas");
        canvas.className = "defect-redact__canvas";
        canvas.setAttribute("aria-hidden", "true");
        stage.appendChild(canvas);
        if (help) { help.hidden = false; }

        function scale() { return image.clientWidth / width || 1; }

        function sync() {
            input.value = JSON.stringify(saved.concat(pending));
            if (empty) { empty.hidden = saved.length + pending.length > 0; }
        }

        function draw(current) {
            canvas.width = image.clientWidth;
            canvas.height = image.clientHeight;
            const context = canvas.getContext("2d");
            const s = scale();
            context.clearRect(0, 0, canvas.width, canvas.height);
            context.fillStyle = "rgba(0, 0, 0, 0.85)";
            saved.forEach(function (r) { context.fillRect(r[0] * s, r[1] * s, r[2] * s, r[3] * s); });
            context.setLineDash([6, 4]);
            context.lineWidth = 2;
            pending.concat(current ? [current] : []).forEach(function (r) {
                context.fillStyle = "rgba(0, 0, 0, 0.6)";
                context.fillRect(r[0] * s, r[1] * s, r[2] * s, r[3] * s);
                context.strokeStyle = "#ffd400";
                context.strokeRect(r[0] * s, r[1] * s, r[2] * s, r[3] * s);
            });
        }

        function renderPending() {
            list.querySelectorAll("li[data-pending]").forEach(function (item) { item.remove(); });
            pending.forEach(function (r, index) {
                const number = saved.length + index + 1;
                const item = document.createElement("li");
                item.dataset.pending = "1";
                item.appendChild(document.createTextNode(
                    fill(strings.area, { x: r[0], y: r[1], width: r[2], height: r[3] }) + " " + (strings.unsaved || "") + " "
                ));
                const remove = document.createElement("button");
                remove.type = "button";
                remove.className = "button button-small button-secondary";
                remove.textContent = fill(strings.remove, { number: number });
                remove.addEventListener("click", function () {
                    pending.splice(index, 1);
                    sync();
                    renderPending();
                    draw();
                    status.textContent = strings.removed || "";
                });
                item.appendChild(remove);
                list.appendChild(item);
            });
        }

        function point(event) {
            const box = canvas.getBoundingClientRect();
            const s = scale();
            return [clamp((event.clientX - box.left) / s, 0, width), clamp((event.clientY - box.top) / s, 0, height)];
        }

        function rectangle(a, b) {
            const x = Math.round(Math.min(a[0], b[0]));
            const y = Math.round(Math.min(a[1], b[1]));
            return [x, y, Math.round(Math.max(a[0], b[0])) - x, Math.round(Math.max(a[1], b[1])) - y];
        }

        let start = null;
        canvas.addEventListener("pointerdown", function (event) {
            event.preventDefault();
            start = point(event);
            canvas.setPointerCapture(event.pointerId);
        });
        canvas.addEventListener("pointermove", function (event) {
            if (start) { draw(rectangle(start, point(event))); }
        });
        function finish(event) {
            if (!start) { return; }
            const r = rectangle(start, point(event));
            start = null;
            if (r[2] >= 3 && r[3] >= 3) {
                pending.push(r);
                sync();
                renderPending();
                status.textContent = fill(strings.added, { number: saved.length + pending.length });
            }
            draw();
        }
        canvas.addEventListener("pointerup", finish);
        canvas.addEventListener("pointercancel", function () { start = null; draw(); });

        if (image.complete) { draw(); } else { image.addEventListener("load", function () { draw(); }); }
        window.addEventListener("resize", function () { draw(); });
    });
})();
