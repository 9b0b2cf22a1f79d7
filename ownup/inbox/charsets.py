"""Reading text whose charset label is missing or wrong: the declared charset (or the
superset every mail client really means by it), then UTF-8, then a detected reading of
multi-byte text, then Windows-1252 — with a warning naming which reading was used.
No Django."""

from __future__ import annotations

import codecs

# What mail clients write under these labels is really the superset (as browsers read it).
SUPERSETS = {
    "gb2312": "gb18030", "gbk": "gb18030", "euc-cn": "gb18030", "x-gbk": "gb18030",
    "ks_c_5601-1987": "cp949", "ks_c_5601": "cp949", "euc-kr": "cp949",
    "shift_jis": "cp932", "shift-jis": "cp932", "sjis": "cp932", "x-sjis": "cp932",
    "iso-8859-1": "cp1252", "latin-1": "cp1252", "latin1": "cp1252",
    "iso-8859-8-i": "iso-8859-8",
    "big5": "big5hkscs", "tis-620": "cp874", "iso-8859-11": "cp874",
}
# Detection results read as the single-byte Western default instead: on short Latin text a
# detector guesses among these nearly at random, and Windows-1252 is what such mail is.
_LATIN_GUESSES = ("cp125", "latin", "iso8859", "mac_", "cp850", "cp437", "kz1048", "ptcp154",
                  "hp_roman8", "koi8", "cp1006", "tis_620", "cp874")
_ANY_BYTES = {"cp1252", "iso8859-1", "iso8859-15"}
# Python codecs no mail charset means: they would rewrite the text or refuse every byte.
_NOT_CHARSETS = {"undefined", "unicode-escape", "raw-unicode-escape", "idna", "punycode"}
_DETECT_FROM = 8  # non-ASCII bytes: below this a detector has nothing to go on


def codec_name(label: str | None) -> str | None:
    """The Python codec for a charset label (its superset where mail means that), or None."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    label = SUPERSETS.get(label, label)
    try:
        info = codecs.lookup(label)
    except (LookupError, ValueError):  # ValueError: a NUL in the label
        return None
    # base64, zlib, rot13 …: not charsets (decoding text with them raises LookupError)
    if not getattr(info, "_is_text_encoding", True) or info.name in _NOT_CHARSETS:
        return None
    return info.name


def _detect(data: bytes) -> str | None:
    if sum(b > 0x7F for b in data[:4096]) < _DETECT_FROM:
        return None
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - installed with the project
        return None
    best = from_bytes(data[:65536]).best()
    if best is None or best.encoding.startswith(_LATIN_GUESSES):
        return None
    try:
        data.decode(best.encoding)
    except (UnicodeDecodeError, LookupError):
        return None
    return best.encoding


def decode_text(data: bytes, label: str | None, what: str, warnings: list[str]) -> str:
    """``data`` as text: never raises, and never silently guesses."""
    codec = codec_name(label)
    if codec in _ANY_BYTES and not data.isascii():
        # Every byte decodes in these, so the label proves nothing: text that is valid
        # UTF-8 (mislabelled by the sender's client) is read as UTF-8.
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            warnings.append(f"{what}: declared {label} but the bytes are UTF-8; read as UTF-8")
            return text
    if codec is not None:
        try:
            return data.decode(codec)
        except UnicodeError:
            pass
    if label and codec is None:
        said = f"unknown charset {label!r}"
    elif label:
        said = f"declared {label} but not valid {label}"
    else:
        said = "no charset declared and not ASCII"
    if data.isascii():
        if label and codec is None:
            warnings.append(f"{what}: {said}; read as ASCII")
        return data.decode("ascii")
    if codec != "utf-8":
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            if label:
                warnings.append(f"{what}: {said}; read as UTF-8")
            return text
    detected = _detect(data)
    if detected:
        warnings.append(f"{what}: {said}; read as {detected} (detected)")
        return data.decode(detected)
    warnings.append(f"{what}: {said}; read as Windows-1252")
    return data.decode("utf-8", errors="ownup-cp1252")


def _cp1252_fallback(exc: UnicodeDecodeError) -> tuple[str, int]:
    """Decode error handler: bytes that are not UTF-8 are read as Windows-1252 (else Latin-1)."""
    bad = exc.object[exc.start:exc.end]
    return "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in bad), exc.end


codecs.register_error("ownup-cp1252", _cp1252_fallback)


def repair_surrogates(text: str) -> str:
    """A header value the stdlib read with surrogate escapes (raw 8-bit bytes): UTF-8 where
    the bytes are UTF-8, Windows-1252 elsewhere."""
    if text.isascii() or not any("\udc80" <= ch <= "\udcff" for ch in text):
        return text
    data = text.encode("utf-8", "surrogateescape")
    return data.decode("utf-8", errors="ownup-cp1252")
