"""The texts of the maps' scripts, translated on the server and handed to them in the map's
JSON configuration (the scripts fall back to English when a text is missing)."""

from django.utils.translation import gettext_lazy as _

#: defect-report.js: the reporter form's steps, map, address search and photo upload.
REPORTER_STRINGS = {
    "step": _("Step {current} of {total}"),
    "stepsLabel": _("Steps of your report"),
    "next": _("Next"),
    "back": _("Back"),
    "chooseCategory": _("Please choose what kind of problem you want to report."),
    "categoryElsewhere": _(
        "The town cannot take reports of this kind. Please see below the category where to report it instead."
    ),
    "choosePlace": _(
        "Please set the place: click on the map, type an address or use your location. If a photo you add in the next step contains the place where it was taken, press Next again and we will use it."
    ),
    "waitForUploads": _("Please wait until your photos have been uploaded."),
    "mapLabel": _("Map for setting the place"),
    "mapHint": _(
        "Click or tap on the map to set the place, or drag the marker. With the keyboard: move the map with the arrow keys and zoom with + and −, then press Enter to set the place at the crosshair. When the marker has the focus, the arrow keys move it (with Shift in bigger steps)."
    ),
    "markerLabel": _("Place of the defect. Arrow keys move it."),
    "zoomIn": _("Zoom in"),
    "zoomOut": _("Zoom out"),
    "useMyLocation": _("Use my location"),
    "locating": _("Finding your location …"),
    "locationSet": _("The place was set to your location (accurate to about {meters} m)."),
    "locationFailed": _(
        "Your location could not be found. Please set the place on the map or choose an address."
    ),
    "locationDenied": _(
        "Your browser does not allow the page to use your location. Please set the place on the map or choose an address."
    ),
    "locationUnavailable": _(
        "Your browser cannot find your location here. Please set the place on the map or choose an address."
    ),
    "pickedPlace": _("Place set: {lat}, {lon}."),
    "pickedCentre": _("The place was set at the crosshair."),
    "nearestAddress": _("Nearest address: {address}"),
    "outside": _("This place is outside the town's area. The town cannot take care of it."),
    "placeCheckFailed": _("The place could not be checked just now. You can still continue."),
    "nearbyHeading": _("Already reported nearby"),
    "nearbyIntro": _(
        "If your defect is one of these, you do not need to report it again: you can follow the report instead."
    ),
    "nearbyDistance": _("{distance} m away"),
    "nearbyCreated": _("reported on {date}"),
    "followInstead": _("Follow this one instead"),
    "addressSuggestions": _("Address suggestions"),
    "addressNone": _("No address found."),
    "addressOne": _("1 address found. Choose it with the arrow keys and Enter."),
    "addressMany": _("{count} addresses found. Choose one with the arrow keys and Enter."),
    "addressChosen": _("The place was set to {address}."),
    "charactersLeft": _("{count} of {max} characters left"),
    "uploading": _("Uploading “{name}” …"),
    "uploadProgress": _("Upload of “{name}”"),
    "uploaded": _("“{name}” was added."),
    "uploadFailed": _("“{name}” could not be uploaded. Please try again."),
    "photoTooLarge": _("“{name}” is too large. A photo may have at most {max} MB."),
    "tooManyPhotos": _("“{name}” was not added: you can add at most {max} photos."),
    "remove": _("Remove"),
    "removed": _("The photo was removed."),
    "removeFailed": _("The photo could not be removed. Please try again."),
    "usePhotoPlace": _("Use the place where this photo was taken"),
    "photoPlaceSet": _(
        "The place was set to where the photo “{name}” was taken. Please check it on the map."
    ),
    "photoPlaceOffered": _(
        "The photo “{name}” contains the place where it was taken. You can use it with the button next to the photo."
    ),
    "photoPlaceUsed": _("The place was set to where the photo was taken."),
}

#: defect-map.js: the public map of released reports.
MAP_STRINGS = {
    "mapLabel": _("Map of the reported defects"),
    "zoomIn": _("Zoom in"),
    "zoomOut": _("Zoom out"),
    "closePopup": _("Close"),
    "openReport": _("Show report {reference}"),
    "reportedOn": _("reported on {date}"),
    "clusterLabel": _("{count} reports here. Zoom in to see them."),
    "countNone": _("No reports in this area."),
    "countOne": _("1 report in this area."),
    "countMany": _("{count} reports in this area."),
    "loadFailed": _("The reports could not be loaded. Please try again later."),
}


def strings(kind: str) -> dict:
    """The texts of one script ("reporter" or "map") in the active language."""
    source = REPORTER_STRINGS if kind == "reporter" else MAP_STRINGS
    return {key: str(value) for key, value in source.items()}
