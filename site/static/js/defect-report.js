/*
 * Rathaus – the defect reporter's form (Mängelmelder). Progressive enhancement only: without
 * this script the server-rendered form shows every step at once and still works.
 *
 * With it: one step at a time (Back / Next, "Step 2 of 4"), a Leaflet map to set the place
 * (click, drag, keyboard, "Use my location", address suggestions, typed coordinates, the place
 * where a photo was taken), the place check with reports already made nearby, a character
 * counter, and photos uploaded as soon as they are chosen.
 *
 * Needs site/static/vendor/leaflet/leaflet.js (loaded before this file) for the map; without
 * Leaflet everything but the map still works. Strict CSP: no inline scripts or styles.
 *
 * Configuration: <script type="application/json" id="defect-map-config"> inside the form.
 * Its "strings" object holds the translated UI texts. Keys and their English defaults (used
 * when a key is missing). {name} parts are filled in by the script:
 *
 *   step               "Step {current} of {total}"
 *   stepsLabel         "Steps of your report"
 *   next               "Next"
 *   back               "Back"
 *   chooseCategory     "Please choose what kind of problem you want to report."
 *   categoryElsewhere  "The town cannot take reports of this kind. Please see below the category where to report it instead."
 *   choosePlace        "Please set the place: click on the map, type an address or use your location. If a photo you add in the next step contains the place where it was taken, press Next again and we will use it."
 *   waitForUploads     "Please wait until your photos have been uploaded."
 *   mapLabel           "Map for setting the place"
 *   mapHint            "Click or tap on the map to set the place, or drag the marker. With the keyboard: move the map with the arrow keys and zoom with + and −, then press Enter to set the place at the crosshair. When the marker has the focus, the arrow keys move it (with Shift in bigger steps)."
 *   markerLabel        "Place of the defect. Arrow keys move it."
 *   zoomIn             "Zoom in"
 *   zoomOut            "Zoom out"
 *   useMyLocation      "Use my location"
 *   locating           "Finding your location …"
 *   locationSet        "The place was set to your location (accurate to about {meters} m)."
 *   locationFailed     "Your location could not be found. Please set the place on the map or choose an address."
 *   locationDenied     "Your browser does not allow the page to use your location. Please set the place on the map or choose an address."
 *   locationUnavailable "Your browser cannot find your location here. Please set the place on the map or choose an address."
 *   pickedPlace        "Place set: {lat}, {lon}."
 *   pickedCentre       "The place was set at the crosshair."
 *   nearestAddress     "Nearest address: {address}"
 *   outside            "This place is outside the town's area. The town cannot take care of it."
 *   placeCheckFailed   "The place could not be checked just now. You can still continue."
 *   nearbyHeading      "Already reported nearby"
 *   nearbyIntro        "If your defect is one of these, you do not need to report it again: you can follow the report instead."
 *   nearbyDistance     "{distance} m away"
 *   nearbyCreated      "reported on {date}"
 *   followInstead      "Follow this one instead"
 *   addressSuggestions "Address suggestions"
 *   addressNone        "No address found."
 *   addressOne         "1 address found. Choose it with the arrow keys and Enter."
 *   addressMany        "{count} addresses found. Choose one with the arrow keys and Enter."
 *   addressChosen      "The place was set to {address}."
 *   charactersLeft     "{count} of {max} characters left"
 *   uploading          "Uploading “{name}” …"
 *   uploadProgress     "Upload of “{name}”"
 *   uploaded           "“{name}” was added."
 *   uploadFailed       "“{name}” could not be uploaded. Please try again."
 *   photoTooLarge      "“{name}” is too large. A photo may have at most {max} MB."
 *   tooManyPhotos      "“{name}” was not added: you can add at most {max} photos."
 *   remove             "Remove"
 *   removed            "The photo was removed."
 *   removeFailed       "The photo could not be removed. Please try again."
 *   usePhotoPlace      "Use the place where this photo was taken"
 *   photoPlaceSet      "The place was set to where the photo “{name}” was taken. Please check it on the map."
 *   photoPlaceOffered  "The photo “{name}” contains the place where it was taken. You can use it with the button next to the photo."
 *   photoPlaceUsed     "The place was set to where the photo was taken."
 */
(function () {
    "use strict";

    const DEFAULTS = {
        step: "Step {current} of {total}",
        stepsLabel: "Steps of your report",
        next: "Next",
        back: "Back",
        chooseCategory: "Please choose what kind of problem you want to report.",
        categoryElsewhere: "The town cannot take reports of this kind. Please see below the category where to report it instead.",
        choosePlace: "Please set the place: click on the map, type an address or use your location. If a photo you add in the next step contains the place where it was taken, press Next again and we will use it.",
        waitForUploads: "Please wait until your photos have been uploaded.",
        mapLabel: "Map for setting the place",
        mapHint: "Click or tap on the map to set the place, or drag the marker. With the keyboard: move the map with the arrow keys and zoom with + and −, then press Enter to set the place at the crosshair. When the marker has the focus, the arrow keys move it (with Shift in bigger steps).",
        markerLabel: "Place of the defect. Arrow keys move it.",
        zoomIn: "Zoom in",
        zoomOut: "Zoom out",
        useMyLocation: "Use my location",
        locating: "Finding your location …",
        locationSet: "The place was set to your location (accurate to about {meters} m).",
        locationFailed: "Your location could not be found. Please set the place on the map or choose an address.",
        locationDenied: "Your browser does not allow the page to use your location. Please set the place on the map or choose an address.",
        locationUnavailable: "Your browser cannot find your location here. Please set the place on the map or choose an address.",
        pickedPlace: "Place set: {lat}, {lon}.",
        pickedCentre: "The place was set at the crosshair.",
        nearestAddress: "Nearest address: {address}",
        outside: "This place is outside the town's area. The town cannot take care of it.",
        placeCheckFailed: "The place could not be checked just now. You can still continue.",
        nearbyHeading: "Already reported nearby",
        nearbyIntro: "If your defect is one of these, you do not need to report it again: you can follow the report instead.",
        nearbyDistance: "{distance} m away",
        nearbyCreated: "reported on {date}",
        followInstead: "Follow this one instead",
        addressSuggestions: "Address suggestions",
        addressNone: "No address found.",
        addressOne: "1 address found. Choose it with the arrow keys and Enter.",
        addressMany: "{count} addresses found. Choose one with the arrow keys and Enter.",
        addressChosen: "The place was set to {address}.",
        charactersLeft: "{count} of {max} characters left",
        uploading: "Uploading “{name}” …",
        uploadProgress: "Upload of “{name}”",
        uploaded: "“{name}” was added.",
        uploadFailed: "“{name}” could not be uploaded. Please try again.",
        photoTooLarge: "“{name}” is too large. A photo may have at most {max} MB.",
        tooManyPhotos: "“{name}” was not added: you can add at most {max} photos.",
        remove: "Remove",
        removed: "The photo was removed.",
        removeFailed: "The photo could not be removed. Please try again.",
        usePhotoPlace: "Use the place where this photo was taken",
        photoPlaceSet: "The place was set to where the photo “{name}” was taken. Please check it on the map.",
        photoPlaceOffered: "The photo “{name}” contains the place where it was taken. You can use it with the button next to the photo.",
        photoPlaceUsed: "The place was set to where the photo was taken.",
    };

    const PLACE_DELAY = 300; // ms after the last change of the point before asking the server
    const ADDRESS_DELAY = 200; // ms after the last keystroke before asking for addresses
    const COUNTER_DELAY = 1000; // ms after the last keystroke before the counter is announced
    const METRES_PER_DEGREE = 111320;

    const { readConfig, translator, el, sameOriginUrl, addBaseLayers } = window.RathausDefects;

    function round6(value) { return Math.round(value * 1e6) / 1e6; }

    function validPoint(lat, lon) {
        return Number.isFinite(lat) && Number.isFinite(lon) && Math.abs(lat) <= 90 && Math.abs(lon) <= 180;
    }

    function setup(form) {
        if (form.dataset.enhanced) { return; }
        form.dataset.enhanced = "1";

        const config = readConfig();
        const strings = config.strings || {};
        const lang = document.documentElement.lang || config.lang || undefined;
        let numberFormat;
        let integerFormat;
        try {
            numberFormat = new Intl.NumberFormat(lang, { maximumFractionDigits: 6 });
            integerFormat = new Intl.NumberFormat(lang, { maximumFractionDigits: 0 });
        } catch (error) {
            numberFormat = new Intl.NumberFormat(undefined, { maximumFractionDigits: 6 });
            integerFormat = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
        }

        const t = translator(strings, DEFAULTS);

        const csrfInput = form.querySelector("input[name=csrfmiddlewaretoken]");
        function csrfToken() { return csrfInput ? csrfInput.value : ""; }

        /** Writes text into a live region; an alert is emptied first so that it is announced again. */
        function say(region, text) {
            if (!region) { return; }
            if (region.getAttribute("role") === "alert" && region.textContent === text && text) {
                region.textContent = "";
                window.setTimeout(function () { region.textContent = text; }, 50);
                return;
            }
            region.textContent = text || "";
        }

        // ----------------------------------------------------------------------------------
        // Steps
        // ----------------------------------------------------------------------------------
        const steps = Array.prototype.slice.call(form.querySelectorAll("fieldset.defect-step"));
        const stepErrors = new Map(); // step element -> its role=alert paragraph
        const stepHeadings = new Map(); // step element -> {heading, prefix}
        let current = 0;
        let stepCount = null;
        let stepItems = [];
        const submitButton = form.querySelector("button[type=submit][name=action][value=review]");
        const useSteps = steps.length > 1;

        function stepName(step) { return step ? step.dataset.step || "" : ""; }
        function stepByName(name) { return steps.find(function (step) { return stepName(step) === name; }); }

        function showStepError(step, text) {
            const region = stepErrors.get(step);
            if (region) { say(region, text); }
        }
        function clearStepError(name) {
            const step = stepByName(name);
            const region = step && stepErrors.get(step);
            if (region) { region.textContent = ""; }
        }

        function buildSteps() {
            const total = steps.length;
            const wrapper = el("div", "defect-stepper");
            stepCount = el("p", "defect-stepper__count");
            stepCount.setAttribute("aria-hidden", "true"); // each heading says it too
            const list = el("ol", "defect-stepper__steps");
            list.setAttribute("aria-label", t("stepsLabel"));
            steps.forEach(function (step, index) {
                const legend = step.querySelector("legend");
                const heading = legend ? legend.querySelector("h2, h3") || legend : null;
                const title = heading ? heading.textContent.trim().replace(/\s+/g, " ") : String(index + 1);
                const item = el("li", "defect-stepper__step");
                item.appendChild(el("span", "defect-stepper__number", String(index + 1)));
                item.appendChild(el("span", "defect-stepper__label", title));
                list.appendChild(item);
                stepItems.push(item);

                if (heading) {
                    heading.setAttribute("tabindex", "-1");
                    const prefix = el("span", "visually-hidden", t("step", { current: index + 1, total: total }) + ": ");
                    heading.insertBefore(prefix, heading.firstChild);
                    stepHeadings.set(step, heading);
                }

                const error = el("p", "defect-step__error");
                error.setAttribute("role", "alert");
                error.id = "defect-step-error-" + (stepName(step) || index);
                const nav = el("div", "defect-step__nav");
                if (index > 0) {
                    const back = el("button", "defect-button defect-button--secondary defect-step__back", t("back"));
                    back.type = "button";
                    back.addEventListener("click", function () { showStep(index - 1, true); });
                    nav.appendChild(back);
                }
                if (index < total - 1) {
                    const next = el("button", "defect-button defect-step__next", t("next"));
                    next.type = "button";
                    next.addEventListener("click", function () { goNext(); });
                    nav.appendChild(next);
                } else if (submitButton) {
                    submitButton.classList.add("defect-step__submit");
                    nav.appendChild(submitButton);
                }
                step.appendChild(error);
                step.appendChild(nav);
                stepErrors.set(step, error);
            });
            wrapper.appendChild(stepCount);
            wrapper.appendChild(list);
            steps[0].parentNode.insertBefore(wrapper, steps[0]);
            form.classList.add("defect-form--stepped");
        }

        function showStep(index, moveFocus) {
            if (!useSteps) { return; }
            index = Math.max(0, Math.min(steps.length - 1, index));
            current = index;
            steps.forEach(function (step, i) { step.hidden = i !== index; });
            stepItems.forEach(function (item, i) {
                item.classList.toggle("is-current", i === index);
                item.classList.toggle("is-done", i < index);
                if (i === index) { item.setAttribute("aria-current", "step"); } else { item.removeAttribute("aria-current"); }
            });
            stepCount.textContent = t("step", { current: index + 1, total: steps.length });
            if (stepName(steps[index]) === "place") { ensureMap(); refreshMap(); }
            if (moveFocus) {
                const heading = stepHeadings.get(steps[index]);
                if (heading) { heading.focus(); }
            }
        }

        let placeWarned = false;

        /** Checks what must be done before leaving a step; shows the error and returns false. */
        function validateStep(step) {
            const name = stepName(step);
            if (name === "category") {
                const checked = form.querySelector("input[name=category]:checked");
                if (!checked) {
                    showStepError(step, t("chooseCategory"));
                    return false;
                }
                if (checked.dataset.elsewhere === "1") {
                    showStepError(step, t("categoryElsewhere"));
                    return false;
                }
            } else if (name === "place") {
                readTypedPoint();
                const typedAddress = addressInput && addressInput.value.trim() !== "";
                // Without a point: a typed address is looked up by the server, and a second
                // "Next" goes on anyway, so that a photo taken on the spot can give the place.
                if (!point && !typedAddress && !placeWarned) {
                    placeWarned = true;
                    showStepError(step, t("choosePlace"));
                    return false;
                }
                if (placeInside === false) {
                    showStepError(step, placeMessage || t("outside"));
                    return false;
                }
            }
            showStepError(step, "");
            return true;
        }

        function goNext() {
            if (!validateStep(steps[current])) { return; }
            showStep(current + 1, true);
        }

        function startStep() {
            const errors = form.querySelectorAll(".field-error");
            for (let i = 0; i < errors.length; i++) {
                const step = errors[i].closest("fieldset.defect-step");
                if (step && steps.indexOf(step) >= 0) { return steps.indexOf(step); }
            }
            return 0;
        }

        /** A link to a field (an error summary) shows the step the field is in. */
        document.addEventListener("click", function (event) {
            const link = event.target.closest && event.target.closest("a[href^='#']");
            if (!link || !useSteps) { return; }
            const target = document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
            const step = target && target.closest("fieldset.defect-step");
            if (step && step.hidden) {
                event.preventDefault();
                showStep(steps.indexOf(step), false);
                const details = target.closest("details");
                if (details) { details.open = true; }
                target.focus();
            }
        });

        form.addEventListener("submit", function (event) {
            const submitter = event.submitter || null;
            if (submitter && submitter !== submitButton) { return; } // another action of the server's
            if (useSteps && current < steps.length - 1) {
                // Enter in a text field of an earlier step: go on instead of sending everything.
                event.preventDefault();
                goNext();
                return;
            }
            if (uploadsPending > 0) {
                event.preventDefault();
                showStepError(steps[current] || form, t("waitForUploads"));
                return;
            }
            for (let i = 0; i < steps.length - 1; i++) {
                if (!validateStep(steps[i])) {
                    event.preventDefault();
                    const message = stepErrors.get(steps[i]) ? stepErrors.get(steps[i]).textContent : "";
                    showStep(i, true);
                    showStepError(steps[i], message);
                    return;
                }
            }
        });

        // ----------------------------------------------------------------------------------
        // Category
        // ----------------------------------------------------------------------------------
        const radios = Array.prototype.slice.call(form.querySelectorAll("input[name=category]"));
        const categoryStep = stepByName("category");
        const categoryNote = el("p", "visually-hidden");
        categoryNote.setAttribute("role", "status");
        if (categoryStep) { categoryStep.appendChild(categoryNote); }

        function checkedCategory() {
            const checked = form.querySelector("input[name=category]:checked");
            return checked ? checked.value : "";
        }

        function updateElsewhere(announce) {
            let shown = null;
            // The server's panel for a category chosen before the page was sent gives way.
            // On load it stays and the card's own panel stays hidden, so it is not said twice.
            const chosen = document.getElementById("chosen-elsewhere");
            if (announce && chosen) { chosen.hidden = true; }
            const serverPanel = chosen && !chosen.hidden;
            radios.forEach(function (radio) {
                const panel = document.getElementById("category-elsewhere-" + radio.value);
                if (!panel) { return; }
                const show = !serverPanel && radio.checked && radio.dataset.elsewhere === "1";
                panel.hidden = !show;
                if (show) { shown = panel; }
            });
            if (announce) {
                say(categoryNote, shown ? shown.textContent.trim().replace(/\s+/g, " ") : "");
            }
        }

        // Extra questions: only the chosen category's group is shown (without JS all are,
        // each headed with its category).
        const questionGroups = Array.prototype.slice.call(form.querySelectorAll("[data-questions-for]"));
        function updateQuestions() {
            const chosen = checkedCategory();
            questionGroups.forEach(function (group) {
                group.hidden = group.dataset.questionsFor !== chosen;
            });
        }

        radios.forEach(function (radio) {
            radio.addEventListener("change", function () {
                updateQuestions();
                updateElsewhere(true);
                if (!(radio.checked && radio.dataset.elsewhere === "1")) { clearStepError("category"); }
                if (point) { schedulePlaceCheck(null); }
            });
        });
        updateElsewhere(false);
        updateQuestions();

        // ----------------------------------------------------------------------------------
        // Place: the point, the map, the place check and the reports nearby
        // ----------------------------------------------------------------------------------
        const latInput = form.querySelector("input[name=latitude]");
        const lonInput = form.querySelector("input[name=longitude]");
        const addressInput = form.querySelector("input[name=address]");
        const mapElement = document.getElementById("defect-map");
        const placeStatus = document.getElementById("place-status");
        const nearbyBox = document.getElementById("nearby-reports");
        const placeStep = stepByName("place") || (mapElement && mapElement.closest("fieldset")) || null;

        let point = null; // {lat, lon}
        let placeInside = null; // true, false, or null while unknown
        let placeMessage = "";
        let pendingNotice = ""; // said before the next answer of the place check
        let scriptAddress = null; // the address text this script last wrote into the input
        let map = null;
        let marker = null;
        let placeTimer = null;
        let placeController = null;
        let placeSequence = 0;

        // An alert for places outside the town, next to the polite status line.
        const placeAlert = el("p", "defect-message defect-message--error");
        placeAlert.setAttribute("role", "alert");
        placeAlert.id = "place-alert";
        if (placeStatus && placeStatus.parentNode) {
            placeStatus.parentNode.insertBefore(placeAlert, placeStatus.nextSibling);
            placeStatus.classList.add("defect-message");
        }

        function setPlaceStatus(text) {
            if (placeStatus) { placeStatus.textContent = text || ""; }
        }

        function readTypedPoint() {
            if (!latInput || !lonInput) { return; }
            const lat = parseFloat(latInput.value);
            const lon = parseFloat(lonInput.value);
            if (!validPoint(lat, lon)) {
                if (latInput.value.trim() === "" && lonInput.value.trim() === "") { point = null; }
                return;
            }
            if (!point || round6(lat) !== point.lat || round6(lon) !== point.lon) {
                setPoint(lat, lon, "typed");
            }
        }

        /**
         * Sets the place. source: map, drag, keys, centre, address, geolocation, typed, photo,
         * initial – it decides whether the inputs are rewritten and whether the map moves.
         */
        function setPoint(lat, lon, source) {
            lat = round6(lat);
            lon = round6(lon);
            if (!validPoint(lat, lon)) { return; }
            point = { lat: lat, lon: lon };
            placeInside = null;
            placeMessage = "";
            if (source !== "typed" && latInput && lonInput) {
                latInput.value = lat.toFixed(6);
                lonInput.value = lon.toFixed(6);
            }
            clearStepError("place");
            placeMarker(source);
            schedulePlaceCheck(source);
        }

        function placeMarker(source) {
            if (!map || !point) { return; }
            const latlng = [point.lat, point.lon];
            if (marker) {
                marker.setLatLng(latlng);
            } else {
                marker = window.L.marker(latlng, {
                    icon: pinIcon(),
                    draggable: true,
                    keyboard: true,
                    title: t("markerLabel"),
                    autoPan: true,
                    zIndexOffset: 1000,
                }).addTo(map);
                marker.on("dragend", function () {
                    const position = marker.getLatLng();
                    setPoint(position.lat, position.lng, "drag");
                });
                const icon = marker.getElement();
                if (icon) { icon.addEventListener("keydown", onMarkerKey); }
            }
            if (["address", "geolocation", "typed", "photo", "initial"].indexOf(source) >= 0) {
                map.setView(latlng, Math.max(map.getZoom(), 17));
            } else if (source === "keys") {
                map.panInside(latlng, { padding: [40, 40] });
            }
        }

        function pinIcon() {
            const wrapper = el("span", "defect-pin__inner");
            const shape = el("span", "defect-pin__shape");
            shape.setAttribute("aria-hidden", "true");
            // A static drawing: presentation attributes only, nothing from the outside.
            shape.innerHTML = '<svg viewBox="0 0 32 44" width="32" height="44" focusable="false">'
                + '<path d="M16 1.5C8 1.5 1.5 7.9 1.5 15.9 1.5 26.6 16 42.5 16 42.5s14.5-15.9 14.5-26.6C30.5 7.9 24 1.5 16 1.5z" fill="currentColor" stroke="#ffffff" stroke-width="2.5"/>'
                + '<circle cx="16" cy="16" r="5.5" fill="#ffffff"/></svg>';
            wrapper.appendChild(shape);
            wrapper.appendChild(el("span", "visually-hidden", t("markerLabel")));
            return window.L.divIcon({
                className: "defect-pin",
                html: wrapper,
                iconSize: [32, 44],
                iconAnchor: [16, 43],
            });
        }

        function onMarkerKey(event) {
            const moves = { ArrowUp: [1, 0], ArrowDown: [-1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
            const move = moves[event.key];
            if (!move || !point || event.altKey || event.ctrlKey || event.metaKey) { return; }
            event.preventDefault();
            event.stopPropagation();
            const metres = event.shiftKey ? 25 : 5;
            const dLat = (move[0] * metres) / METRES_PER_DEGREE;
            const dLon = (move[1] * metres) / (METRES_PER_DEGREE * Math.cos((point.lat * Math.PI) / 180));
            setPoint(point.lat + dLat, point.lon + dLon, "keys");
        }

        function ensureMap() {
            if (map || !mapElement || !window.L) { return; }
            const L = window.L;
            const hint = el("p", "defect-map-hint", t("mapHint"));
            hint.id = "defect-map-hint";
            mapElement.parentNode.insertBefore(hint, mapElement);
            mapElement.hidden = false;

            const center = Array.isArray(config.center) ? config.center : [51.1657, 10.4515];
            map = L.map(mapElement, {
                center: point ? [point.lat, point.lon] : center,
                zoom: point ? Math.max(config.zoom || 15, 17) : config.zoom || 15,
                keyboard: true,
                zoomControl: false,
            });
            addBaseLayers(L, map, config, t);

            if (!mapElement.getAttribute("role")) { mapElement.setAttribute("role", "region"); }
            if (!mapElement.getAttribute("aria-label")) { mapElement.setAttribute("aria-label", t("mapLabel")); }
            mapElement.setAttribute("aria-describedby", hint.id);
            const crosshair = el("div", "defect-map__crosshair");
            crosshair.setAttribute("aria-hidden", "true");
            mapElement.appendChild(crosshair);

            map.on("click", function (event) { setPoint(event.latlng.lat, event.latlng.lng, "map"); });
            mapElement.addEventListener("keydown", function (event) {
                if (event.target !== mapElement) { return; }
                if (event.key === "Enter" || event.key === " ") {
                    event.preventDefault();
                    const centre = map.getCenter();
                    pendingNotice = t("pickedCentre");
                    setPoint(centre.lat, centre.lng, "centre");
                }
            });
            if (point) { placeMarker("initial"); }
        }

        /** After the map was hidden (another step), Leaflet must measure it again. */
        function refreshMap() {
            if (!map) { return; }
            map.invalidateSize({ pan: false });
            if (marker && !map.getBounds().contains(marker.getLatLng())) {
                map.setView(marker.getLatLng(), Math.max(map.getZoom(), 17));
            }
        }

        function schedulePlaceCheck(source) {
            window.clearTimeout(placeTimer);
            if (!point) { return; }
            placeTimer = window.setTimeout(function () { checkPlace(source); }, PLACE_DELAY);
        }

        function checkPlace(source) {
            if (!point || !config.placeUrl) {
                if (point) { setPlaceStatus(withNotice(t("pickedPlace", formatPoint(point)))); }
                return;
            }
            if (placeController) { placeController.abort(); }
            placeController = new AbortController();
            const sequence = ++placeSequence;
            const asked = point;
            const url = config.placeUrl + "?" + new URLSearchParams({
                lat: asked.lat.toFixed(6), lon: asked.lon.toFixed(6), category: checkedCategory(),
                lang: config.lang || document.documentElement.lang || "",
            }).toString();
            fetch(url, { signal: placeController.signal, credentials: "same-origin", headers: { Accept: "application/json" } })
                .then(function (response) {
                    if (!response.ok) { throw new Error("HTTP " + response.status); }
                    return response.json();
                })
                .then(function (data) {
                    if (sequence !== placeSequence || asked !== point) { return; } // stale
                    showPlace(data || {}, source);
                })
                .catch(function (error) {
                    if (error && error.name === "AbortError") { return; }
                    if (sequence !== placeSequence) { return; }
                    setPlaceStatus(withNotice(t("pickedPlace", formatPoint(point)) + " " + t("placeCheckFailed")));
                });
        }

        function formatPoint(p) { return { lat: numberFormat.format(p.lat), lon: numberFormat.format(p.lon) }; }

        function withNotice(text) {
            const notice = pendingNotice;
            pendingNotice = "";
            return notice ? notice + " " + text : text;
        }

        function showPlace(data, source) {
            placeInside = data.inside !== false;
            placeMessage = data.message || "";
            if (!placeInside) {
                say(placeAlert, placeMessage || t("outside"));
                setPlaceStatus(withNotice("").trim());
                placeAlert.classList.add("is-shown");
            } else {
                placeAlert.textContent = "";
                placeAlert.classList.remove("is-shown");
                let text = data.address ? t("nearestAddress", { address: data.address }) : t("pickedPlace", formatPoint(point));
                if (placeMessage) { text += " " + placeMessage; }
                clearStepError("place");
                if (source === "address") {
                    // The chosen address is the place: no "nearest address" beside it.
                    text = placeMessage || "";
                }
                setPlaceStatus(withNotice(text).trim());
                if (data.address && addressInput && source !== "address"
                    && (addressInput.value.trim() === "" || addressInput.value === scriptAddress)) {
                    addressInput.value = data.address;
                    scriptAddress = data.address;
                }
            }
            showNearby(Array.isArray(data.nearby) ? data.nearby : []);
        }

        function showNearby(reports) {
            if (!nearbyBox) { return; }
            nearbyBox.textContent = "";
            if (!reports.length) { return; }
            nearbyBox.appendChild(el("h3", "defect-nearby__heading", t("nearbyHeading")));
            nearbyBox.appendChild(el("p", "defect-nearby__intro", t("nearbyIntro")));
            const list = el("ul", "defect-nearby");
            reports.forEach(function (report) {
                const item = el("li", "defect-nearby__item");
                const what = el("p", "defect-nearby__what");
                what.appendChild(el("strong", null, report.category || ""));
                if (report.status) { what.appendChild(document.createTextNode(" – " + report.status)); }
                item.appendChild(what);
                const meta = [];
                if (report.distance !== undefined && report.distance !== null) {
                    meta.push(t("nearbyDistance", { distance: integerFormat.format(report.distance) }));
                }
                if (report.created) { meta.push(t("nearbyCreated", { date: report.created })); }
                if (report.reference) { meta.push(report.reference); }
                item.appendChild(el("p", "defect-nearby__meta", meta.join(" · ")));
                const url = sameOriginUrl(report.url);
                if (url) {
                    const link = el("a", "defect-nearby__follow", t("followInstead"));
                    link.href = url;
                    if (report.reference) {
                        link.appendChild(el("span", "visually-hidden", " (" + report.reference + ")"));
                    }
                    item.appendChild(link);
                }
                list.appendChild(item);
            });
            nearbyBox.appendChild(list);
        }

        // Typed coordinates (the inputs inside <details id="coordinates-details">).
        [latInput, lonInput].forEach(function (input) {
            if (input) { input.addEventListener("change", readTypedPoint); }
        });

        // "Use my location"
        function buildLocateButton() {
            if (!mapElement && !latInput) { return; }
            const tools = el("div", "defect-place-tools");
            const button = el("button", "defect-button defect-button--secondary defect-locate", t("useMyLocation"));
            button.type = "button";
            tools.appendChild(button);
            const anchor = mapElement || (latInput && latInput.closest("details")) || latInput;
            anchor.parentNode.insertBefore(tools, anchor);
            button.addEventListener("click", function () {
                if (!navigator.geolocation || !window.isSecureContext) {
                    setPlaceStatus(t("locationUnavailable"));
                    return;
                }
                button.disabled = true;
                setPlaceStatus(t("locating"));
                navigator.geolocation.getCurrentPosition(function (position) {
                    button.disabled = false;
                    ensureMap();
                    pendingNotice = t("locationSet", { meters: integerFormat.format(Math.max(1, position.coords.accuracy || 0)) });
                    setPoint(position.coords.latitude, position.coords.longitude, "geolocation");
                }, function (error) {
                    button.disabled = false;
                    if (error && error.code === 1) {
                        setPlaceStatus(t("locationDenied"));
                    } else if (error && error.code === 2) {
                        setPlaceStatus(t("locationUnavailable"));
                    } else {
                        setPlaceStatus(t("locationFailed"));
                    }
                }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
            });
        }

        // Address suggestions: an ARIA 1.2 combobox.
        function buildAddressCombobox() {
            if (!addressInput || !config.addressesUrl) { return; }
            const box = el("div", "defect-combobox");
            addressInput.parentNode.insertBefore(box, addressInput);
            box.appendChild(addressInput);
            const list = el("ul", "defect-suggestions");
            list.id = (addressInput.id || "id_address") + "-suggestions";
            list.setAttribute("role", "listbox");
            list.setAttribute("aria-label", t("addressSuggestions"));
            list.hidden = true;
            box.appendChild(list);
            const status = el("p", "visually-hidden");
            status.setAttribute("role", "status");
            box.appendChild(status);

            addressInput.setAttribute("role", "combobox");
            addressInput.setAttribute("aria-autocomplete", "list");
            addressInput.setAttribute("aria-expanded", "false");
            addressInput.setAttribute("aria-controls", list.id);
            addressInput.setAttribute("autocomplete", "off");

            let results = [];
            let active = -1;
            let timer = null;
            let controller = null;

            function close() {
                list.hidden = true;
                addressInput.setAttribute("aria-expanded", "false");
                addressInput.removeAttribute("aria-activedescendant");
                active = -1;
            }
            function highlight(index) {
                const options = list.querySelectorAll("[role=option]");
                active = index;
                options.forEach(function (option, i) { option.setAttribute("aria-selected", i === index ? "true" : "false"); });
                if (index >= 0 && options[index]) {
                    addressInput.setAttribute("aria-activedescendant", options[index].id);
                    options[index].scrollIntoView({ block: "nearest" });
                } else {
                    addressInput.removeAttribute("aria-activedescendant");
                }
            }
            function choose(index) {
                const result = results[index];
                if (!result) { return; }
                addressInput.value = result.label || "";
                scriptAddress = addressInput.value; // a chosen suggestion follows the marker later on
                close();
                const lat = parseFloat(result.lat);
                const lon = parseFloat(result.lon);
                if (validPoint(lat, lon)) {
                    ensureMap();
                    pendingNotice = t("addressChosen", { address: result.label || "" });
                    setPoint(lat, lon, "address");
                }
            }
            function render(data) {
                results = Array.isArray(data.results) ? data.results : [];
                list.textContent = "";
                results.forEach(function (result, index) {
                    const option = el("li", "defect-suggestions__option");
                    option.id = list.id + "-" + index;
                    option.setAttribute("role", "option");
                    option.setAttribute("aria-selected", "false");
                    option.appendChild(el("span", "defect-suggestions__label", result.label || ""));
                    if (result.postcode) {
                        option.appendChild(el("span", "defect-suggestions__postcode", " " + result.postcode));
                    }
                    option.addEventListener("mousedown", function (event) { event.preventDefault(); });
                    option.addEventListener("click", function () { choose(index); });
                    list.appendChild(option);
                });
                active = -1;
                const open = results.length > 0;
                list.hidden = !open;
                addressInput.setAttribute("aria-expanded", open ? "true" : "false");
                addressInput.removeAttribute("aria-activedescendant");
                if (!results.length) {
                    status.textContent = t("addressNone");
                } else if (results.length === 1) {
                    status.textContent = t("addressOne");
                } else {
                    status.textContent = t("addressMany", { count: results.length });
                }
            }
            function lookup() {
                const query = addressInput.value.trim();
                if (query.length < 2) { close(); results = []; status.textContent = ""; return; }
                if (controller) { controller.abort(); }
                controller = new AbortController();
                const url = config.addressesUrl + "?" + new URLSearchParams({
                    q: query, lang: config.lang || document.documentElement.lang || "",
                }).toString();
                fetch(url, { signal: controller.signal, credentials: "same-origin", headers: { Accept: "application/json" } })
                    .then(function (response) { return response.ok ? response.json() : { results: [] }; })
                    .then(function (data) { if (addressInput.value.trim() === query) { render(data || {}); } })
                    .catch(function () { /* aborted or offline: the address is still sent as typed */ });
            }

            addressInput.addEventListener("input", function () {
                window.clearTimeout(timer);
                timer = window.setTimeout(lookup, ADDRESS_DELAY);
            });
            addressInput.addEventListener("keydown", function (event) {
                const open = !list.hidden && results.length > 0;
                if (event.key === "ArrowDown") {
                    event.preventDefault();
                    if (!open) {
                        if (results.length) {
                            list.hidden = false;
                            addressInput.setAttribute("aria-expanded", "true");
                            highlight(0);
                        } else {
                            lookup();
                        }
                        return;
                    }
                    highlight(active + 1 >= results.length ? 0 : active + 1);
                } else if (event.key === "ArrowUp" && open) {
                    event.preventDefault();
                    highlight(active <= 0 ? results.length - 1 : active - 1);
                } else if (event.key === "Enter") {
                    // Enter never sends the form from here: it chooses, or looks up addresses.
                    event.preventDefault();
                    if (open && active >= 0) {
                        choose(active);
                    } else {
                        window.clearTimeout(timer);
                        lookup();
                    }
                } else if (event.key === "Escape" && open) {
                    event.preventDefault();
                    close();
                }
            });
            addressInput.addEventListener("blur", function () { window.setTimeout(close, 150); });
        }

        // ----------------------------------------------------------------------------------
        // Details: character counter and photos
        // ----------------------------------------------------------------------------------
        function buildCounter() {
            const textarea = form.querySelector("textarea[name=description]");
            const max = textarea ? parseInt(textarea.getAttribute("maxlength"), 10) : NaN;
            if (!textarea || !(max > 0)) { return; }
            const visible = el("p", "defect-counter");
            visible.id = (textarea.id || "id_description") + "-counter";
            const spoken = el("p", "visually-hidden");
            spoken.setAttribute("aria-live", "polite");
            textarea.parentNode.insertBefore(visible, textarea.nextSibling);
            visible.parentNode.insertBefore(spoken, visible.nextSibling);
            const described = (textarea.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean);
            described.push(visible.id);
            textarea.setAttribute("aria-describedby", described.join(" "));
            let timer = null;
            function text() {
                const left = Math.max(0, max - textarea.value.length);
                return t("charactersLeft", { count: integerFormat.format(left), max: integerFormat.format(max) });
            }
            function update() {
                const left = max - textarea.value.length;
                visible.textContent = text();
                visible.classList.toggle("is-low", left <= Math.max(20, max * 0.05));
            }
            textarea.addEventListener("input", function () {
                update();
                window.clearTimeout(timer);
                timer = window.setTimeout(function () { spoken.textContent = text(); }, COUNTER_DELAY);
            });
            update();
        }

        const fileInput = form.querySelector("#id_photos, input[type=file][name=photos]");
        let draftInput = form.querySelector("input[name=draft]");
        let photoList = document.getElementById("draft-photos");
        let uploadList = null;
        let photoNote = null;
        let uploadChain = Promise.resolve();
        let uploadsPending = 0;
        let draftPromise = null;
        const maxPhotos = config.maxPhotos > 0 ? config.maxPhotos : 5;
        const maxPhotoBytes = config.maxPhotoBytes > 0 ? config.maxPhotoBytes : 15 * 1024 * 1024;

        function draftsBase() { return String(config.draftsUrl || "").replace(/\/+$/, ""); }

        function photoCount() {
            return photoList ? photoList.querySelectorAll("li[data-photo-id]").length : 0;
        }

        function ensureDraft() {
            if (draftInput.value) { return Promise.resolve(draftInput.value); }
            if (!draftPromise) {
                draftPromise = fetch(draftsBase(), {
                    method: "POST",
                    credentials: "same-origin",
                    headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
                })
                    .then(function (response) {
                        if (!response.ok) { throw new Error("HTTP " + response.status); }
                        return response.json();
                    })
                    .then(function (data) {
                        if (!data || !data.token) { throw new Error("no token"); }
                        draftInput.value = data.token;
                        return data.token;
                    })
                    .catch(function (error) {
                        draftPromise = null;
                        throw error;
                    });
            }
            return draftPromise;
        }

        function statusItem(name) {
            const item = el("li", "defect-uploads__item");
            const text = el("p", "defect-uploads__text", t("uploading", { name: name }));
            item.appendChild(text);
            uploadList.appendChild(item);
            return item;
        }

        function itemError(item, message) {
            item.textContent = "";
            item.classList.add("is-error");
            const alert = el("p", "defect-uploads__text defect-message defect-message--error");
            alert.setAttribute("role", "alert");
            item.appendChild(alert);
            window.setTimeout(function () { alert.textContent = message; }, 50);
        }

        function itemText(item, message) {
            item.textContent = "";
            item.appendChild(el("p", "defect-uploads__text", message));
        }

        function uploadOne(file, item) {
            return ensureDraft().then(function (token) {
                return new Promise(function (resolve) {
                    const progress = el("progress", "defect-uploads__progress");
                    progress.max = 100;
                    progress.setAttribute("aria-label", t("uploadProgress", { name: file.name }));
                    item.appendChild(progress);
                    const xhr = new XMLHttpRequest();
                    xhr.open("POST", draftsBase() + "/" + encodeURIComponent(token) + "/photos");
                    xhr.setRequestHeader("X-CSRFToken", csrfToken());
                    xhr.setRequestHeader("Accept", "application/json");
                    xhr.upload.addEventListener("progress", function (event) {
                        if (event.lengthComputable) { progress.value = Math.round((event.loaded / event.total) * 100); }
                    });
                    xhr.addEventListener("load", function () {
                        let data = null;
                        try { data = JSON.parse(xhr.responseText); } catch (error) { data = null; }
                        if (xhr.status >= 200 && xhr.status < 300 && data && data.id !== undefined) {
                            photoAdded(data, file, item);
                        } else if (data && data.error) {
                            itemError(item, data.error);
                        } else if (xhr.status === 413) {
                            itemError(item, t("photoTooLarge", { name: file.name, max: Math.round(maxPhotoBytes / 1048576) }));
                        } else {
                            itemError(item, t("uploadFailed", { name: file.name }));
                        }
                        resolve();
                    });
                    xhr.addEventListener("error", function () {
                        itemError(item, t("uploadFailed", { name: file.name }));
                        resolve();
                    });
                    const body = new FormData();
                    body.append("photo", file, file.name);
                    xhr.send(body);
                });
            }).catch(function () {
                itemError(item, t("uploadFailed", { name: file.name }));
            });
        }

        function photoAdded(data, file, item) {
            const name = data.name || file.name;
            const lat = parseFloat(data.latitude);
            const lon = parseFloat(data.longitude);
            const hasPlace = validPoint(lat, lon);
            const photo = el("li", "defect-photo");
            photo.dataset.photoId = String(data.id);
            if (hasPlace) {
                photo.dataset.lat = String(lat);
                photo.dataset.lon = String(lon);
            }
            const image = el("img", "defect-photo__image");
            image.alt = "";
            image.decoding = "async";
            if (data.thumbnail_url && sameOriginUrl(data.thumbnail_url)) { image.src = data.thumbnail_url; }
            photo.appendChild(image);
            photo.appendChild(el("span", "defect-photo__name", name));
            const actions = el("span", "defect-photo__actions");
            const remove = el("button", "defect-button defect-button--secondary defect-button--small", t("remove"));
            remove.type = "button";
            remove.appendChild(el("span", "visually-hidden", " " + name));
            remove.addEventListener("click", function () { removePhoto(photo, remove); });
            actions.appendChild(remove);
            photo.appendChild(actions);
            photoList.appendChild(photo);
            if (hasPlace) { addPhotoPlaceButton(photo); }

            let message = t("uploaded", { name: name });
            if (hasPlace) {
                if (!point) {
                    pendingNotice = t("photoPlaceSet", { name: name });
                    message += " " + pendingNotice;
                    setPoint(lat, lon, "photo");
                } else {
                    message += " " + t("photoPlaceOffered", { name: name });
                }
            }
            itemText(item, message);
        }

        function addPhotoPlaceButton(photo) {
            const lat = parseFloat(photo.dataset.lat);
            const lon = parseFloat(photo.dataset.lon);
            if (!validPoint(lat, lon) || photo.querySelector(".defect-photo__place")) { return; }
            let actions = photo.querySelector(".defect-photo__actions");
            if (!actions) {
                actions = el("span", "defect-photo__actions");
                photo.appendChild(actions);
            }
            const button = el("button", "defect-button defect-button--secondary defect-button--small defect-photo__place", t("usePhotoPlace"));
            button.type = "button";
            button.addEventListener("click", function () {
                pendingNotice = t("photoPlaceUsed");
                setPoint(lat, lon, "photo");
                say(photoNote, t("photoPlaceUsed"));
            });
            actions.appendChild(button);
        }

        function removePhoto(photo, button) {
            const token = draftInput.value;
            const id = photo.dataset.photoId;
            button.disabled = true;
            fetch(draftsBase() + "/" + encodeURIComponent(token) + "/photos/" + encodeURIComponent(id) + "/delete", {
                method: "POST",
                credentials: "same-origin",
                headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
            }).then(function (response) {
                if (!response.ok) { throw new Error("HTTP " + response.status); }
                photo.remove();
                say(photoNote, t("removed"));
                if (fileInput) { fileInput.focus(); }
            }).catch(function () {
                button.disabled = false;
                say(photoNote, "");
                say(photoNote, t("removeFailed"));
            });
        }

        function buildPhotos() {
            if (!fileInput || !config.draftsUrl || !window.FormData) { return; }
            if (!draftInput) {
                draftInput = el("input");
                draftInput.type = "hidden";
                draftInput.name = "draft";
                form.appendChild(draftInput);
            }
            if (!photoList) {
                photoList = el("ul", "defect-photos");
                photoList.id = "draft-photos";
                fileInput.parentNode.insertBefore(photoList, fileInput.nextSibling);
            }
            // Messages go next to the file input, where the citizen chose the files.
            uploadList = el("ul", "defect-uploads");
            uploadList.setAttribute("aria-live", "polite");
            fileInput.parentNode.insertBefore(uploadList, fileInput.nextSibling);
            photoNote = el("p", "defect-message");
            photoNote.setAttribute("role", "status");
            uploadList.parentNode.insertBefore(photoNote, uploadList.nextSibling);

            photoList.querySelectorAll("li[data-photo-id]").forEach(addPhotoPlaceButton);

            fileInput.addEventListener("change", function () {
                const files = Array.prototype.slice.call(fileInput.files || []);
                fileInput.value = ""; // the files go up now, not again with the form
                if (!files.length) { return; }
                uploadList.textContent = "";
                say(photoNote, "");
                files.forEach(function (file) {
                    const item = statusItem(file.name);
                    if (file.size > maxPhotoBytes) {
                        itemError(item, t("photoTooLarge", { name: file.name, max: Math.round(maxPhotoBytes / 1048576) }));
                        return;
                    }
                    uploadsPending += 1;
                    // One after the other; the limit is checked when it is a file's turn, so a
                    // file the server refused leaves its place to the next one.
                    uploadChain = uploadChain
                        .then(function () {
                            if (photoCount() >= maxPhotos) {
                                itemError(item, t("tooManyPhotos", { name: file.name, max: maxPhotos }));
                                return null;
                            }
                            return uploadOne(file, item);
                        })
                        .then(function () { uploadsPending -= 1; }, function () { uploadsPending -= 1; });
                });
            });
        }

        // ----------------------------------------------------------------------------------
        // Start
        // ----------------------------------------------------------------------------------
        buildLocateButton();
        buildAddressCombobox();
        buildCounter();
        buildPhotos();

        if (latInput && lonInput) {
            const lat = parseFloat(latInput.value);
            const lon = parseFloat(lonInput.value);
            if (validPoint(lat, lon)) {
                point = { lat: round6(lat), lon: round6(lon) };
                schedulePlaceCheck("initial");
            }
        }

        if (useSteps) {
            buildSteps();
            showStep(startStep(), false);
        } else {
            ensureMap();
        }
        if (!useSteps || (placeStep && !placeStep.hidden)) { ensureMap(); }
    }

    function init() {
        const form = document.getElementById("defect-report-form");
        if (form && window.fetch && window.AbortController) { setup(form); }
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", init);
    } else {
        init();
    }
})();
