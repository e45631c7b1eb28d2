/*
 * Rathaus – the public map of released defect reports. Progressive enhancement: without this
 * script (or without Leaflet) the page shows the server-rendered list and the map stays hidden.
 *
 * Markup: <div id="defects-map" class="defect-map" hidden data-geojson-url="…"
 * data-config-id="defect-map-config" [data-sprite-url="…/defect-categories.svg"]>, the JSON
 * configuration <script type="application/json" id="defect-map-config"> (tiles, attribution,
 * center, zoom, boundary, optional marker [lat, lon] of the report whose page this is, optional
 * iconSprite, strings), optionally <form id="defect-filters">
 * with select[name=category] and select[name=status], and <p id="defects-map-status">.
 *
 * Keys of "strings" and their English defaults ({name} parts are filled in by the script):
 *
 *   mapLabel      "Map of the reported defects"
 *   zoomIn        "Zoom in"
 *   zoomOut       "Zoom out"
 *   closePopup    "Close"
 *   openReport    "Show report {reference}"
 *   reportedOn    "reported on {date}"
 *   clusterLabel  "{count} reports here. Zoom in to see them."
 *   countNone     "No reports in this area."
 *   countOne      "1 report in this area."
 *   countMany     "{count} reports in this area."
 *   loadFailed    "The reports could not be loaded. Please try again later."
 */
(function () {
    "use strict";

    const DEFAULTS = {
        mapLabel: "Map of the reported defects",
        zoomIn: "Zoom in",
        zoomOut: "Zoom out",
        closePopup: "Close",
        openReport: "Show report {reference}",
        reportedOn: "reported on {date}",
        clusterLabel: "{count} reports here. Zoom in to see them.",
        countNone: "No reports in this area.",
        countOne: "1 report in this area.",
        countMany: "{count} reports in this area.",
        loadFailed: "The reports could not be loaded. Please try again later.",
    };
    const LOAD_DELAY = 250; // ms after the map stopped moving
    const SVG = "http://www.w3.org/2000/svg";
    const DEFAULT_SPRITE = "/static/img/defect-categories.svg";

    const { readConfig, translator, el, sameOriginUrl, addBaseLayers } = window.RathausDefects;

    function clamp(value, low, high) { return Math.max(low, Math.min(high, value)); }

    function setup(mapElement) {
        if (mapElement.dataset.enhanced) { return; }
        mapElement.dataset.enhanced = "1";
        const L = window.L;
        const config = readConfig(mapElement.dataset.configId);
        const strings = config.strings || {};
        const sprite = mapElement.dataset.spriteUrl || config.iconSprite || DEFAULT_SPRITE;
        const lang = document.documentElement.lang || config.lang || undefined;
        let countFormat;
        try { countFormat = new Intl.NumberFormat(lang); } catch (error) { countFormat = new Intl.NumberFormat(); }

        const t = translator(strings, DEFAULTS);

        const filters = document.getElementById("defect-filters");
        let status = document.getElementById("defects-map-status");
        if (!status) {
            status = el("p", "defect-map-status");
            status.id = "defects-map-status";
            status.setAttribute("role", "status");
            mapElement.parentNode.insertBefore(status, mapElement.nextSibling);
        }
        function setStatus(text) {
            if (status.textContent !== text) { status.textContent = text; }
        }

        mapElement.hidden = false;
        const map = L.map(mapElement, {
            center: Array.isArray(config.marker) ? config.marker : Array.isArray(config.center) ? config.center : [51.1657, 10.4515],
            zoom: config.zoom || 14,
            keyboard: true,
            zoomControl: false,
        });
        if (!mapElement.getAttribute("role")) { mapElement.setAttribute("role", "region"); }
        // A label written in the template (e.g. on a report's page) is more specific: keep it.
        if (!mapElement.getAttribute("aria-label")) { mapElement.setAttribute("aria-label", t("mapLabel")); }
        addBaseLayers(L, map, config, t);

        // A report's own page: its place as a pin above the other reports (config "marker").
        if (Array.isArray(config.marker) && config.marker.length === 2
            && Number.isFinite(Number(config.marker[0])) && Number.isFinite(Number(config.marker[1]))) {
            const shape = el("span", "defect-pin__shape");
            shape.setAttribute("aria-hidden", "true");
            shape.innerHTML = '<svg viewBox="0 0 32 44" width="32" height="44" focusable="false">'
                + '<path d="M16 1.5C8 1.5 1.5 7.9 1.5 15.9 1.5 26.6 16 42.5 16 42.5s14.5-15.9 14.5-26.6C30.5 7.9 24 1.5 16 1.5z" fill="currentColor" stroke="#ffffff" stroke-width="2.5"/>'
                + '<circle cx="16" cy="16" r="5.5" fill="#ffffff"/></svg>';
            L.marker([Number(config.marker[0]), Number(config.marker[1])], {
                icon: L.divIcon({ className: "defect-pin defect-pin--this", html: shape, iconSize: [32, 44], iconAnchor: [16, 43] }),
                interactive: false,
                keyboard: false,
                zIndexOffset: 2000,
            }).addTo(map);
        }

        const reports = L.layerGroup().addTo(map);
        let openMarker = null; // the marker whose popup is open survives a reload
        let timer = null;
        let controller = null;

        function icon(name) {
            const svg = document.createElementNS(SVG, "svg");
            svg.setAttribute("class", "defect-marker__icon");
            svg.setAttribute("aria-hidden", "true");
            svg.setAttribute("focusable", "false");
            const use = document.createElementNS(SVG, "use");
            const safe = /^[a-z0-9-]+$/.test(name || "") ? name : "other";
            use.setAttribute("href", sprite + "#defect-" + safe);
            svg.appendChild(use);
            return svg;
        }

        function popupContent(p) {
            const box = el("div", "defect-popup");
            box.appendChild(el("p", "defect-popup__title", p.category || ""));
            if (p.address) { box.appendChild(el("p", "defect-popup__address", p.address)); }
            const meta = el("p", "defect-popup__meta");
            const badge = el("span", "status-badge", p.status_label || p.status || "");
            if (/^[a-z_]+$/.test(p.status || "")) { badge.classList.add("status-" + p.status); }
            meta.appendChild(badge);
            if (p.created) { meta.appendChild(document.createTextNode(" " + t("reportedOn", { date: p.created }))); }
            box.appendChild(meta);
            const url = sameOriginUrl(p.url);
            if (url) {
                const paragraph = el("p", "defect-popup__link");
                const link = el("a", null, t("openReport", { reference: p.reference || "" }));
                link.href = url;
                paragraph.appendChild(link);
                box.appendChild(paragraph);
            }
            return box;
        }

        function pointMarker(latlng, p) {
            const open = p.open === true;
            const label = [p.category, p.address, p.status_label].filter(Boolean).join(" – ");
            const html = el("span", "defect-marker__inner");
            html.appendChild(icon(p.icon));
            html.appendChild(el("span", "visually-hidden", label));
            const marker = L.marker(latlng, {
                icon: L.divIcon({
                    className: "defect-marker " + (open ? "defect-marker--open" : "defect-marker--closed"),
                    html: html,
                    iconSize: open ? [34, 34] : [30, 30],
                    iconAnchor: open ? [17, 17] : [15, 15],
                    popupAnchor: [0, -16],
                }),
                keyboard: true,
                title: label,
                alt: label,
                riseOnHover: true,
            });
            marker.reference = p.reference || "";
            marker.bindPopup(function () { return popupContent(p); }, { maxWidth: 280, closeButton: true });
            marker.on("keydown", function (event) {
                if (event.originalEvent.key === " ") {
                    event.originalEvent.preventDefault();
                    marker.openPopup();
                }
            });
            marker.on("popupopen", function (event) {
                openMarker = marker;
                const container = event.popup.getElement();
                if (!container) { return; }
                const close = container.querySelector(".leaflet-popup-close-button");
                if (close) {
                    close.setAttribute("aria-label", t("closePopup"));
                    close.setAttribute("title", t("closePopup"));
                }
                if (!container.dataset.escape) {
                    container.dataset.escape = "1";
                    container.addEventListener("keydown", function (keyEvent) {
                        if (keyEvent.key === "Escape") {
                            keyEvent.preventDefault();
                            marker.closePopup();
                        }
                    });
                }
                // Opened from the keyboard: take the focus to the popup's link.
                if (document.activeElement === marker.getElement()) {
                    const link = container.querySelector(".defect-popup a") || close;
                    if (link) { link.focus(); }
                }
            });
            marker.on("popupclose", function (event) {
                if (openMarker === marker) { openMarker = null; }
                // The focus was in the popup (its link, its close button): back to the marker.
                const container = event.popup && event.popup.getElement();
                const element = marker.getElement();
                if (container && element && element.isConnected && container.contains(document.activeElement)) {
                    element.focus();
                    return;
                }
                window.setTimeout(function () {
                    const active = document.activeElement;
                    const element = marker.getElement();
                    if (element && element.isConnected && (!active || active === document.body || !active.isConnected)) {
                        element.focus();
                    }
                }, 0);
            });
            return marker;
        }

        function clusterMarker(latlng, p) {
            const count = Number(p.count) || 0;
            const size = count < 10 ? 36 : count < 100 ? 44 : 52;
            const label = t("clusterLabel", { count: countFormat.format(count) });
            const html = el("span", "defect-cluster__inner");
            const number = el("span", "defect-cluster__count", countFormat.format(count));
            number.setAttribute("aria-hidden", "true");
            html.appendChild(number);
            html.appendChild(el("span", "visually-hidden", label));
            const marker = L.marker(latlng, {
                icon: L.divIcon({
                    className: "defect-cluster defect-cluster--" + (count < 10 ? "small" : count < 100 ? "medium" : "large"),
                    html: html,
                    iconSize: [size, size],
                    iconAnchor: [size / 2, size / 2],
                }),
                keyboard: true,
                title: label,
            });
            function zoomIn() {
                const box = Array.isArray(p.bbox) && p.bbox.length === 4 ? p.bbox.map(Number) : null;
                // Keep the keyboard on the map: the cluster itself goes away with the next load.
                if (document.activeElement === marker.getElement()) { mapElement.focus({ preventScroll: true }); }
                if (box && box.every(Number.isFinite) && (box[0] !== box[2] || box[1] !== box[3])) {
                    map.fitBounds([[box[1], box[0]], [box[3], box[2]]], { padding: [30, 30], maxZoom: 19 });
                } else {
                    map.setView(latlng, Math.min(map.getZoom() + 2, 19));
                }
            }
            marker.on("click", zoomIn);
            marker.on("keydown", function (event) {
                const key = event.originalEvent.key;
                if (key === "Enter" || key === " ") {
                    event.originalEvent.preventDefault();
                    zoomIn();
                }
            });
            return marker;
        }

        function render(data) {
            const features = data && Array.isArray(data.features) ? data.features : [];
            const keep = openMarker && map.hasLayer(openMarker) ? openMarker : null;
            reports.eachLayer(function (layer) { if (layer !== keep) { reports.removeLayer(layer); } });
            let total = 0;
            let keptFound = false;
            features.forEach(function (feature) {
                const geometry = feature && feature.geometry;
                if (!geometry || geometry.type !== "Point" || !Array.isArray(geometry.coordinates)) { return; }
                const lon = Number(geometry.coordinates[0]);
                const lat = Number(geometry.coordinates[1]);
                if (!Number.isFinite(lat) || !Number.isFinite(lon)) { return; }
                const p = feature.properties || {};
                if (p.cluster) {
                    total += Number(p.count) || 0;
                    reports.addLayer(clusterMarker([lat, lon], p));
                } else {
                    total += 1;
                    if (keep && p.reference && p.reference === keep.reference) { keptFound = true; return; }
                    reports.addLayer(pointMarker([lat, lon], p));
                }
            });
            if (keep && !keptFound) { reports.removeLayer(keep); }
            if (total === 0) {
                setStatus(t("countNone"));
            } else if (total === 1) {
                setStatus(t("countOne"));
            } else {
                setStatus(t("countMany", { count: countFormat.format(total) }));
            }
        }

        function query() {
            const bounds = map.getBounds();
            const bbox = [
                clamp(bounds.getWest(), -180, 180), clamp(bounds.getSouth(), -90, 90),
                clamp(bounds.getEast(), -180, 180), clamp(bounds.getNorth(), -90, 90),
            ].map(function (n) { return n.toFixed(5); }).join(",");
            const params = new URLSearchParams({
                bbox: bbox, lang: config.lang || document.documentElement.lang || "",
            });
            if (filters) {
                ["category", "status"].forEach(function (name) {
                    const field = filters.elements.namedItem(name);
                    if (field && field.value) { params.set(name, field.value); }
                });
            }
            params.set("zoom", String(map.getZoom()));
            return params.toString();
        }

        function load() {
            const url = mapElement.dataset.geojsonUrl;
            if (!url) { return; }
            if (controller) { controller.abort(); }
            controller = new AbortController();
            const mine = controller;
            fetch(url + (url.indexOf("?") >= 0 ? "&" : "?") + query(), {
                signal: controller.signal, credentials: "same-origin", headers: { Accept: "application/geo+json, application/json" },
            })
                .then(function (response) {
                    if (!response.ok) { throw new Error("HTTP " + response.status); }
                    return response.json();
                })
                .then(function (data) { if (mine === controller) { render(data); } })
                .catch(function (error) {
                    if (error && error.name === "AbortError") { return; }
                    if (mine === controller) { setStatus(t("loadFailed")); }
                });
        }

        function schedule(delay) {
            window.clearTimeout(timer);
            timer = window.setTimeout(load, delay === undefined ? LOAD_DELAY : delay);
        }

        map.on("moveend", function () { schedule(); });
        if (filters) {
            filters.addEventListener("change", function (event) {
                if (event.target && (event.target.name === "category" || event.target.name === "status")) {
                    if (openMarker) { openMarker.closePopup(); }
                    schedule(0);
                }
            });
        }
        schedule(0);
    }

    function init() {
        const mapElement = document.getElementById("defects-map");
        if (mapElement && window.L && window.fetch && window.AbortController) { setup(mapElement); }
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", init);
    } else {
        init();
    }
})();
