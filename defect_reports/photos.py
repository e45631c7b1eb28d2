"""Citizens' photos: checked by their content, turned upright, stripped of every piece of
metadata (EXIF, GPS, XMP, ICC, comments) and scaled down before anything is stored.

The place a photo was taken is read from its EXIF before the metadata is dropped, so that the
reporter can offer it; it is kept beside the photo, never in it.
"""

import io
import warnings
from dataclasses import dataclass

import pillow_heif
from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError
from PIL.ExifTags import GPS, IFD

pillow_heif.register_heif_opener()

# What phones and cameras send. Pillow names HEIC and HEIF both "HEIF".
ACCEPTED_FORMATS = {"JPEG", "MPO", "PNG", "WEBP", "HEIF"}
ACCEPT_ATTRIBUTE = "image/jpeg,image/png,image/webp,image/heic,image/heif,.heic,.heif"


class PhotoError(ValueError):
    """A photo that cannot be taken, with a message for the citizen in their language."""


@dataclass
class CleanedPhoto:
    """A photo ready to be stored: JPEG bytes without metadata, and where it was taken."""

    content: bytes
    width: int
    height: int
    latitude: float | None = None
    longitude: float | None = None

    def as_file(self, name: str = "photo.jpg") -> ContentFile:
        return ContentFile(self.content, name=name)


def limits() -> dict:
    return settings.DEFECT_REPORTS


def clean_photo(upload) -> CleanedPhoto:
    """Check an uploaded file and return it cleaned; raise PhotoError with a clear message."""
    max_bytes = limits()["MAX_PHOTO_BYTES"]
    name = getattr(upload, "name", "") or _("the photo")
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, io.SEEK_END)
        size = upload.tell()
    if size > max_bytes:
        raise PhotoError(
            _("%(name)s is larger than %(limit)s MB. Please send a smaller photo.")
            % {"name": name, "limit": max_bytes // (1024 * 1024)}
        )
    if size == 0:
        raise PhotoError(_("%(name)s is empty.") % {"name": name})
    upload.seek(0)
    data = upload.read()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            image_format = image.format
            if image_format not in ACCEPTED_FORMATS:
                raise PhotoError(
                    _("%(name)s is not a photo in JPEG, PNG, WebP or HEIC format.") % {"name": name}
                )
            _check_pixels(image, name)
            latitude, longitude = gps_position(image)
            image = ImageOps.exif_transpose(image)
            _check_pixels(image, name)
            image.load()
    except PhotoError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise PhotoError(_too_many_pixels(name)) from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as error:
        raise PhotoError(
            _("%(name)s is not a photo in JPEG, PNG, WebP or HEIC format, or it is damaged.")
            % {"name": name}
        ) from error
    return _encode(image, latitude, longitude)


def _check_pixels(image, name):
    if image.width * image.height > limits()["MAX_PHOTO_PIXELS"]:
        raise PhotoError(_too_many_pixels(name))


def _too_many_pixels(name):
    return _("%(name)s has too many pixels (more than %(limit)s megapixels).") % {
        "name": name,
        "limit": limits()["MAX_PHOTO_PIXELS"] // 1_000_000,
    }


def _encode(image, latitude, longitude) -> CleanedPhoto:
    """Draw the pixels into a new image, so that nothing of the original file comes along."""
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        image = Image.new("RGB", rgba.size, (255, 255, 255))
        image.paste(rgba, mask=rgba.getchannel("A"))
    elif image.mode != "RGB":
        image = image.convert("RGB")
    max_side = limits()["PHOTO_MAX_SIDE"]
    if max(image.size) > max_side:
        image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    clean = Image.new("RGB", image.size)
    clean.paste(image)
    output = io.BytesIO()
    clean.save(output, "JPEG", quality=85, optimize=True, progressive=True)
    return CleanedPhoto(output.getvalue(), clean.width, clean.height, latitude, longitude)


def gps_position(image) -> tuple[float | None, float | None]:
    """Latitude and longitude from a photo's EXIF GPS data, or (None, None)."""
    try:
        gps = image.getexif().get_ifd(IFD.GPSInfo)
        if not gps:
            return None, None
        latitude = _degrees(gps[GPS.GPSLatitude], gps.get(GPS.GPSLatitudeRef, "N"))
        longitude = _degrees(gps[GPS.GPSLongitude], gps.get(GPS.GPSLongitudeRef, "E"))
    except (KeyError, TypeError, ValueError, ZeroDivisionError, AttributeError, SyntaxError):
        return None, None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180) or (latitude, longitude) == (0, 0):
        return None, None
    return round(latitude, 6), round(longitude, 6)


def _degrees(value, ref) -> float:
    degrees, minutes, seconds = (float(part) for part in value)
    result = degrees + minutes / 60 + seconds / 3600
    if isinstance(ref, bytes):
        ref = ref.decode("ascii", "ignore")
    return -result if str(ref).strip().upper() in ("S", "W") else result


def thumbnail(content: bytes) -> bytes:
    """A small JPEG of an already cleaned photo, for lists and the map."""
    side = limits()["THUMBNAIL_SIDE"]
    image = Image.open(io.BytesIO(content))
    image.thumbnail((side, side), Image.Resampling.LANCZOS)
    output = io.BytesIO()
    image.save(output, "JPEG", quality=80, optimize=True)
    return output.getvalue()
