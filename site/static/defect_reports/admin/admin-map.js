/*
 * Rathaus – maps in the Mängelmelder admin: a report's place, and the map of open reports.
 * Progressive enhancement: the pages show the coordinates and a table without it.
 *
 * Markup: <div data-defect-admin-map="<id of a JSON script>" hidden></div>; the JSON holds
 * tiles, attribution, center [lat, lon], zoom, label (the map's accessible name), strings
 * (zoomIn, zoomOut, close) and markers [{lat, lon, label, url?, link?, new?}]. Markers with a url
 * open a popup with a link to the report; they are reachable with the keyboard.
 */
(function () {
    "use strict";

    function readJson(id) {
        const element = document.getElementById(id);
        if (!element) { return null; }
        try { return JSON.parse(element.textContent); } catch (error) { return null; }
    }

    function sameOrigin(url) {
        try {
            const parsed = new URL(url, window.location.href);
            return parsed.origin === window.location.origin ? parsed.href : null;
        } catch (error) {
            return null;
        }
    }

    function markerIcon(L, label, linked, isNew) {
        const inner = document.createElement("span");
        inner.className = "defect-admin-marker__dot";
        const text = document.createElement("span");
        text.className = "w-sr-only";
        text.textContent = label;
        inner.appendChild(text);
        return L.divIcon({
            className: "defect-admin-marker" + (linked ? " defect-admin-marker--linked" : "") + (isNew ? " defect-admin-marker--new" : ""),
            html: inner,
            iconSize: [24, 24],
            iconAnchor: [12, 12],
            popupAnchor: [0, -12],
        });
    }

    function popup(marker) {
        const box = document.createElement("p");
        box.className = "defect-admin-popup";
        const link = document.createElement("a");
        link.href = marker.url;
        link.textContent = marker.link || marker.label;
        box.appendChild(document.createTextNode(marker.label));
        box.appendChild(document.createElement("br"));
        box.appendChild(link);
        return box;
    }

    function setup(element) {
        const L = window.L;
        const config = readJson(element.dataset.defectAdminMap);
        if (!L || !config || element.dataset.enhanced) { return; }
        element.dataset.enhanced = "1";
        const strings = config.strings || {};
        element.hidden = false;
        element.setAttribute("role", "region");
        if (config.label) { element.setAttribute("aria-label", config.label); }
        const map = L.map(element, {
            center: config.center,
            zoom: config.zoom || 15,
            zoomControl: false,
            keyboard: true,
        });
        L.control.zoom({ zoomInTitle: strings.zoomIn || "Zoom in", zoomOutTitle: strings.zoomOut || "Zoom out" }).addTo(map);
        if (config.tiles) {
            L.tileLayer(config.tiles, { attribution: config.attribution || "", maxZoom: 19 }).addTo(map);
        }
        const points = [];
        (config.markers || []).forEach(function (item) {
            const lat = Number(item.lat);
            const lon = Number(item.lon);
            if (!Number.isFinite(lat) || !Number.isFinite(lon)) { return; }
            const url = item.url ? sameOrigin(item.url) : null;
            const marker = L.marker([lat, lon], {
                icon: markerIcon(L, item.label || "", Boolean(url), item.new === true),
                title: item.label || "",
                keyboard: Boolean(url),
                interactive: Boolean(url),
            });
            if (url) {
                marker.bindPopup(function () { return popup({ url: url, label: item.label, link: item.link }); });
                marker.on("popupopen", function (event) {
                    const container = event.popup.getElement();
                    const close = container && container.querySelector(".leaflet-popup-close-button");
                    if (close) {
                        close.setAttribute("aria-label", strings.close || "Close");
                        close.setAttribute("title", strings.close || "Close");
                    }
                    const link = container && container.querySelector("a[href]:not(.leaflet-popup-close-button)");
                    if (link && document.activeElement === marker.getElement()) { link.focus(); }
                });
            }
            marker.addTo(map);
            points.push([lat, lon]);
        });
        if (points.length > 1) {
            map.fitBounds(points, { padding: [30, 30], maxZoom: 16 });
        }
    }

    document.addEventListener("DOMContentLoaded", function () {
        document.querySelectorAll("[data-defect-admin-map]").forEach(setup);
    });
})();
