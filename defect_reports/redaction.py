"""Blacking out areas of a report's photo (faces, number plates) before it is released.

The original stays untouched for staff (until the retention deadline); the blacked-out copy is
stored beside it as ``redacted`` and is the only version the public ever gets. The thumbnail is
made again from the blacked-out copy, so that lists and the map never show what was covered.
"""

import io

from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image, ImageDraw

from . import photos

BLACK = (0, 0, 0)


class RedactionError(ValueError):
    """Rectangles that do not describe areas of the photo."""


def clean_rectangles(value, width: int, height: int) -> list[list[int]]:
    """Rectangles as ``[x, y, width, height]`` in whole pixels, clipped to the photo; raises
    RedactionError for anything else. Empty rectangles (after clipping) are dropped."""
    if not isinstance(value, (list, tuple)):
        raise RedactionError("expected a list of rectangles")
    if len(value) > 100:
        raise RedactionError("too many rectangles")
    rectangles = []
    for item in value:
        if not isinstance(item, (list, tuple)) or len(item) != 4:
            raise RedactionError("a rectangle is [x, y, width, height]")
        try:
            x, y, w, h = (int(round(float(number))) for number in item)
        except (TypeError, ValueError, OverflowError) as error:
            raise RedactionError("a rectangle's values must be numbers") from error
        if w < 0 or h < 0:
            raise RedactionError("width and height must not be negative")
        left, top = max(0, x), max(0, y)
        right, bottom = min(width, x + w), min(height, y + h)
        if right > left and bottom > top:
            rectangles.append([left, top, right - left, bottom - top])
    return rectangles


def black_out(content: bytes, rectangles) -> bytes:
    """JPEG bytes of the photo with the rectangles filled black (no metadata, like the
    cleaned original)."""
    image = Image.open(io.BytesIO(content))
    image.load()
    image = image.convert("RGB")
    draw = ImageDraw.Draw(image)
    for x, y, w, h in rectangles:
        draw.rectangle([x, y, x + w - 1, y + h - 1], fill=BLACK)
    output = io.BytesIO()
    image.save(output, "JPEG", quality=85, optimize=True, progressive=True)
    return output.getvalue()


def apply_redactions(photo, rectangles) -> None:
    """Store the photo's blacked-out areas, make its public copy and its thumbnail again.

    With no rectangles the public copy is removed and the thumbnail made from the original.
    """
    with photo.image.open("rb") as file:
        original = file.read()
    width, height = photo.width, photo.height
    if not (width and height):
        with Image.open(io.BytesIO(original)) as image:
            width, height = image.size
    rectangles = clean_rectangles(rectangles, width, height)
    old_files = [photo.redacted.name, photo.thumbnail.name]
    base = f"photo-{photo.pk}"
    if rectangles:
        redacted = black_out(original, rectangles)
        photo.redacted.save(f"{base}-redacted.jpg", ContentFile(redacted), save=False)
        public = redacted
    else:
        photo.redacted = ""
        public = original
    photo.thumbnail.save(f"{base}-thumb.jpg", ContentFile(photos.thumbnail(public)), save=False)
    photo.redactions = rectangles
    photo.save(update_fields=["redacted", "thumbnail", "redactions"])
    # The old files go only once the new ones are saved for good.
    storage = photo.image.storage
    # After the retention deadline the blacked-out copy may have become the photo itself.
    keep = {photo.image.name, photo.redacted.name, photo.thumbnail.name}

    def remove_old_files():
        for name in old_files:
            if name and name not in keep and storage.exists(name):
                storage.delete(name)

    transaction.on_commit(remove_old_files)
