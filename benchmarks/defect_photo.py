"""Benchmark: processing one 12-megapixel phone photo (JPEG and HEIC, with EXIF GPS and
orientation): the check by content, turning it upright, dropping its metadata, scaling it
down and encoding it, and the thumbnail.

    .venv/bin/python benchmarks/defect_photo.py [--runs 5]

Prints the median seconds per photo. Not part of the test suite.
"""

import argparse
import io
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rathaus.settings.test")
    import django

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image, ImageFilter

    from defect_reports import photos
    from tests.defect_reports.photo_files import exif_bytes

    # 4000 × 3000 with noise, so the encoders have real detail to work on, like a photo.
    noise = Image.effect_noise((4000, 3000), 64).convert("RGB").filter(ImageFilter.SMOOTH)
    for fmt, name in (("JPEG", "IMG_0001.jpg"), ("HEIF", "IMG_0002.heic")):
        buffer = io.BytesIO()
        noise.save(buffer, fmt, exif=exif_bytes(51.056, 12.556, orientation=6), quality=90)
        data = buffer.getvalue()
        times, thumb_times = [], []
        for _ in range(args.runs):
            started = time.perf_counter()
            cleaned = photos.clean_photo(SimpleUploadedFile(name, data))
            times.append(time.perf_counter() - started)
            started = time.perf_counter()
            photos.thumbnail(cleaned.content)
            thumb_times.append(time.perf_counter() - started)
        print(
            f"{fmt:<5} {len(data) / 1e6:5.1f} MB, 12 MP → {cleaned.width}×{cleaned.height} "
            f"{len(cleaned.content) / 1e6:4.2f} MB: clean {statistics.median(times):5.2f} s, "
            f"thumbnail {statistics.median(thumb_times):5.2f} s (median of {args.runs})"
        )


if __name__ == "__main__":
    main()
