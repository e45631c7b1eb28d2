/*
 * Rathaus – what the defect reporter's two scripts share (defect-report.js, the form, and
 * defect-map.js, the public map): reading the JSON configuration, texts with {name} parts,
 * small DOM helpers, and the map's base layers (zoom buttons, tiles with attribution, the
 * town's boundary). Load it before either script. No inline scripts or styles (strict CSP).
 */
(function () {
    "use strict";

    /** The JSON configuration the template wrote into <script type="application/json">. */
    function readConfig(id) {
        const element = document.getElementById(id || "defect-map-config");
        if (!element) { return {}; }
        try {
            return JSON.parse(element.textContent) || {};
        } catch (error) {
            return {};
        }
    }

    /** t(key, values): the server's translated text, else the English default, filled in. */
    function translator(strings, defaults) {
        return function t(key, values) {
            let text = typeof strings[key] === "string" && strings[key] ? strings[key] : defaults[key] || key;
            if (values) {
                text = text.replace(/\{(\w+)\}/g, function (match, name) {
                    return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : match;
                });
            }
            return text;
        };
    }

    function el(tag, className, text) {
        const element = document.createElement(tag);
        if (className) { element.className = className; }
        if (text !== undefined && text !== null) { element.textContent = text; }
        return element;
    }

    /** A link target is used only when it stays on this site. */
    function sameOriginUrl(url) {
        if (!url || typeof url !== "string") { return null; }
        try {
            const parsed = new URL(url, window.location.href);
            return parsed.origin === window.location.origin ? parsed.href : null;
        } catch (error) {
            return null;
        }
    }

    /** Zoom buttons with translated titles, the configured tiles and the town's boundary. */
    function addBaseLayers(L, map, config, t) {
        L.control.zoom({ zoomInTitle: t("zoomIn"), zoomOutTitle: t("zoomOut") }).addTo(map);
        if (config.tiles) {
            L.tileLayer(config.tiles, { attribution: config.attribution || "", maxZoom: 19 }).addTo(map);
        }
        if (config.boundary) {
            try {
                L.geoJSON(config.boundary, {
                    interactive: false,
                    style: function () {
                        return { color: "#0b4f8a", weight: 3, opacity: 0.9, fill: false, dashArray: "8 6", interactive: false };
                    },
                }).addTo(map);
            } catch (error) { /* a broken boundary must not cost the map */ }
        }
    }

    window.RathausDefects = { readConfig, translator, el, sameOriginUrl, addBaseLayers };
})();
