"""Does a stored photo file hold anything but what images.clean_photo writes: its pixels, the headers and tables
needed to decode them, and its ICC colour profile?

Cleaning a file again is no way to tell: a JPEG or a lossy WebP encoded again from its own pixels comes out a little
different each time, so a photo already clean would be re-encoded, and lose a little, on every run. Instead the file's
parts are read (JPEG segments, PNG chunks, WebP chunks) and each must be one the encoder writes; anything else, a part
this module does not know included, and bytes after the end of the picture (where a phone puts a second picture) mean
the file still needs cleaning."""

# JPEG markers (the byte after 0xFF) of the segments that describe the picture: its frame (SOF0-SOF15, but 0xC4, 0xC8
# and 0xCC, which are DHT, a reserved marker and DAC), its quantization and Huffman tables, restart interval, scans.
_SOF = {marker for marker in range(0xC0, 0xD0) if marker not in (0xC4, 0xC8, 0xCC)}
_JPEG_TABLES = _SOF | {0xC4, 0xDB, 0xDD, 0xDA}
_APP0, _APP2, _APP14, _SOS, _EOI = 0xE0, 0xE2, 0xEE, 0xDA, 0xD9
# PNG chunks of the picture and its colour profile; text, eXIf and every other chunk are what cleaning drops.
_PNG_KEPT = {b"IHDR", b"PLTE", b"tRNS", b"iCCP", b"IDAT", b"IEND"}
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# WebP chunks of a still picture (VP8X says which others follow), its alpha and its colour profile: not EXIF or XMP.
_WEBP_KEPT = {b"VP8 ", b"VP8L", b"VP8X", b"ALPH", b"ICCP"}


def carries_no_metadata(data: bytes) -> bool:
    """Whether `data` is a JPEG, PNG or WebP made only of the parts clean_photo writes."""
    if data.startswith(b"\xff\xd8"):
        return _jpeg_carries_no_metadata(data)
    if data.startswith(_PNG_SIGNATURE):
        return _png_carries_no_metadata(data)
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return _webp_carries_no_metadata(data)
    return False


def _jpeg_carries_no_metadata(data: bytes) -> bool:
    """Walks the segments from SOI to EOI, which must end the file after at least one scan. Each segment is 0xFF, its
    marker, a 2-byte length counting itself, and its body; a scan's compressed data follows its SOS segment up to the
    next marker."""
    offset, scanned = 2, False
    while offset + 2 <= len(data):
        if data[offset] != 0xFF:
            return False
        marker = data[offset + 1]
        if marker == 0xFF:  # a fill byte before a marker
            offset += 1
            continue
        if marker == _EOI:
            return scanned and offset + 2 == len(data)
        length = int.from_bytes(data[offset + 2:offset + 4], "big")
        body = data[offset + 4:offset + 2 + length]
        if length < 2 or len(body) != length - 2 or not _jpeg_segment_kept(marker, body):
            return False
        offset += 2 + length
        if marker == _SOS:
            offset, scanned = _end_of_scan(data, offset), True
    return False


def _jpeg_segment_kept(marker: int, body: bytes) -> bool:
    """Tables and headers; the JFIF header without a thumbnail (14 bytes: its thumbnail's width and height last, both
    0), the ICC profile, and Adobe's colour-transform segment (12 bytes) that a CMYK JPEG carries. Not EXIF or XMP
    (APP1), IPTC (APP13), a comment (COM) or any other application segment."""
    if marker in _JPEG_TABLES:
        return True
    if marker == _APP0:
        return body.startswith(b"JFIF\x00") and len(body) == 14 and body[12:14] == b"\x00\x00"
    if marker == _APP2:
        return body.startswith(b"ICC_PROFILE\x00")
    if marker == _APP14:
        return body.startswith(b"Adobe") and len(body) == 12
    return False


def _end_of_scan(data: bytes, offset: int) -> int:
    """Where the marker after a scan's compressed data starts (len(data) when none does). Within that data 0xFF is
    followed by 0x00 (a stuffed byte), a restart marker (0xD0-0xD7) or another 0xFF (fill): none of them ends it."""
    while True:
        offset = data.find(b"\xff", offset)
        if offset < 0 or offset + 1 >= len(data):
            return len(data)
        following = data[offset + 1]
        if following == 0xFF:
            offset += 1
        elif following == 0x00 or 0xD0 <= following <= 0xD7:
            offset += 2
        else:
            return offset


def _png_carries_no_metadata(data: bytes) -> bool:
    """Each chunk is a 4-byte length, a 4-byte name, its data and a 4-byte CRC; IEND must end the file after the
    picture (IDAT)."""
    offset, names = len(_PNG_SIGNATURE), set()
    while offset + 8 <= len(data):
        length, name = int.from_bytes(data[offset:offset + 4], "big"), data[offset + 4:offset + 8]
        if name not in _PNG_KEPT:
            return False
        names.add(name)
        offset += 12 + length
        if name == b"IEND":
            return b"IDAT" in names and offset == len(data)
    return False


def _webp_carries_no_metadata(data: bytes) -> bool:
    """The RIFF header's size (after its first 8 bytes) must be the file's, the chunks must end it, and one chunk
    must be the picture (VP8 or VP8L)."""
    if int.from_bytes(data[4:8], "little") + 8 != len(data):
        return False
    chunks = list(webp_chunks(data))
    names, end = {name for name, _end in chunks}, chunks[-1][1] if chunks else 12
    return names <= _WEBP_KEPT and end == len(data) and bool(names & {b"VP8 ", b"VP8L"})


def webp_chunks(data: bytes):
    """Each chunk of a WebP as (its name, where it ends). The chunks follow the 12-byte RIFF header, each a 4-byte
    name, a 4-byte little-endian size and its data padded to an even length."""
    offset = 12
    while offset + 8 <= len(data):
        name, size = data[offset:offset + 4], int.from_bytes(data[offset + 4:offset + 8], "little")
        offset += 8 + size + size % 2
        yield name, offset
