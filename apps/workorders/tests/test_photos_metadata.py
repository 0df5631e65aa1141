import io

from PIL import Image

from apps.workorders.photos import check_photo


def _jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (40, 30), (200, 30, 40))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (35.0, 3.0, 0.0), 3: "E", 4: (118.0, 20.0, 0.0)}  # GPSInfo
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def test_uploaded_photos_lose_their_gps_and_exif():
    raw = _jpeg_with_gps()
    with Image.open(io.BytesIO(raw)) as original:
        assert original.getexif()  # the test image really carries EXIF
    checked = check_photo(raw)
    with Image.open(io.BytesIO(checked.content)) as stored:
        assert not stored.getexif()
        assert stored.size == (40, 30)


def test_png_and_palette_images_survive_stripping():
    image = Image.new("P", (10, 10))
    image.putpalette([i % 256 for i in range(768)])
    out = io.BytesIO()
    image.save(out, format="PNG")
    checked = check_photo(out.getvalue())
    with Image.open(io.BytesIO(checked.content)) as stored:
        assert stored.size == (10, 10)
