"""Real photo files for the tests, made with Pillow: JPEG, PNG, WebP and HEIC with real EXIF
(GPS position, orientation, camera), XMP, and a decompression bomb."""

import io

import pillow_heif
from PIL import Image, ImageDraw
from PIL.ExifTags import GPS, IFD

pillow_heif.register_heif_opener()

# Marktplatz, Musterstadt (inside the demo boundary).
MARKTPLATZ = (51.0560, 12.5560)


def _dms(value: float):
    value = abs(value)
    degrees = int(value)
    minutes_full = (value - degrees) * 60
    minutes = int(minutes_full)
    seconds = round((minutes_full - minutes) * 60, 4)
    return (float(degrees), float(minutes), seconds)


def exif_bytes(latitude=None, longitude=None, orientation=1, camera="Rathaus-Testkamera"):
    exif = Image.Exif()
    exif[0x010F] = camera  # Make
    exif[0x0110] = "Model 7"  # Model
    exif[0x0112] = orientation
    if latitude is not None:
        gps = exif.get_ifd(IFD.GPSInfo)
        gps[GPS.GPSLatitudeRef] = "N" if latitude >= 0 else "S"
        gps[GPS.GPSLatitude] = _dms(latitude)
        gps[GPS.GPSLongitudeRef] = "E" if longitude >= 0 else "W"
        gps[GPS.GPSLongitude] = _dms(longitude)
    return exif.tobytes()


def scene(size=(1200, 900)) -> Image.Image:
    """A street with a pothole: a left half darker than the right, so rotation is visible."""
    image = Image.new("RGB", size, (150, 150, 150))
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 0, size[0] // 2, size[1]], fill=(60, 60, 60))
    draw.ellipse([size[0] // 3, size[1] // 3, size[0] // 2, size[1] // 2], fill=(20, 20, 20))
    return image


def photo(fmt="JPEG", size=(1200, 900), latitude=None, longitude=None, orientation=1, xmp=True):
    """Bytes of a photo in ``fmt`` (JPEG, PNG, WEBP, HEIF) with EXIF and, for JPEG, XMP."""
    image = scene(size)
    options = {"exif": exif_bytes(latitude, longitude, orientation)}
    if fmt == "JPEG" and xmp:
        options["xmp"] = (
            b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description '
            b'photoshop:City="Geheimhausen"/></rdf:RDF></x:xmpmeta>'
        )
    if fmt == "HEIF":
        options["quality"] = 70
    output = io.BytesIO()
    image.save(output, fmt, **options)
    return output.getvalue()


def decompression_bomb() -> bytes:
    """A tiny PNG that claims 20,000 × 20,000 pixels (400 megapixels) when decoded."""
    output = io.BytesIO()
    Image.new("1", (20_000, 20_000), 0).save(output, "PNG", optimize=True)
    return output.getvalue()
