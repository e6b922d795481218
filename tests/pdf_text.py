"""The text on each page of a PDF that Chromium prints (``page.pdf()``), for the print tests.

Not a general PDF reader: enough of the format for what Chromium's PDF backend (Skia)
writes, with no dependency. Objects are read in sequence (a stream is skipped by its
``/Length``, or read up to ``endstream`` when that is an indirect object), pages in the
order of the page tree, and each page's text from its content streams: the strings shown
by ``Tj``/``TJ``, decoded through the ``ToUnicode`` map of the font selected by ``Tf``.
Glyphs with no entry in the map are dropped. Chromium splits runs of text where it kerns,
so spaces come out where words do not end: compare text with its whitespace removed
(``squeeze``).
"""

from __future__ import annotations

import re
import unicodedata
import zlib

_OBJ = re.compile(rb"(\d+)\s+(\d+)\s+obj\b")
_REF = re.compile(rb"(\d+)\s+\d+\s+R")
_STREAM = re.compile(rb">>\s*stream(?:\r\n|\n|\r)")
_LENGTH = re.compile(rb"/Length\s+(\d+)(\s+\d+\s+R)?")
_BFRANGE = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(\[[^\]]*\]|<[0-9A-Fa-f]+>)")


def _objects(data: bytes) -> dict[int, tuple[bytes, bytes | None]]:
    """Object number -> (its dictionary or value, its stream's raw bytes or None)."""
    objects: dict[int, tuple[bytes, bytes | None]] = {}
    pos = 0
    while (m := _OBJ.search(data, pos)) is not None:
        start = m.end()
        end = data.find(b"endobj", start)
        if end < 0:
            break
        # The keyword after the dictionary, not the word inside a name or string (the API
        # page's link targets hold names such as "merge_streams").
        stream = _STREAM.search(data, start, end)
        if stream is not None:
            head = data[start:stream.start() + 2]
            body = stream.end()
            length = _LENGTH.search(head)
            if length is not None and not length.group(2):
                raw = data[body:body + int(length.group(1))]
            else:  # an indirect /Length (Skia writes some): the stream ends at "endstream"
                stop = data.find(b"endstream", body)
                if stop < 0:
                    raise ValueError(f"object {m.group(1).decode()}: a stream with no end")
                raw = data[body:stop].removesuffix(b"\n").removesuffix(b"\r")
            objects[int(m.group(1))] = (head, raw)
            end = data.find(b"endobj", body + len(raw))
        else:
            objects[int(m.group(1))] = (data[start:end], None)
        pos = end + len(b"endobj")
    return objects


def _decoded(head: bytes, raw: bytes) -> bytes:
    return zlib.decompress(raw) if b"/FlateDecode" in head else raw


def _value(text: bytes, key: bytes) -> bytes | None:
    """The text after ``/key`` in a dictionary, up to the next key at the same level."""
    m = re.search(rb"/" + key + rb"\b\s*", text)
    return text[m.end():] if m else None


def _ref(text: bytes | None) -> int | None:
    m = _REF.match(text or b"")
    return int(m.group(1)) if m else None


def _dict_at(text: bytes) -> bytes:
    """The ``<< ... >>`` dictionary at the start of ``text`` (nesting counted)."""
    depth, i = 0, 0
    while i < len(text) - 1:
        pair = text[i:i + 2]
        if pair == b"<<":
            depth, i = depth + 1, i + 2
            continue
        if pair == b">>":
            depth, i = depth - 1, i + 2
            if depth == 0:
                return text[:i]
            continue
        i += 1
    return text


def _cmap(text: bytes) -> tuple[int, dict[int, str]]:
    """A ToUnicode CMap: (bytes per code, code -> text)."""
    width = 2
    space = re.search(rb"begincodespacerange\s*<([0-9A-Fa-f]+)>", text)
    if space:
        width = len(space.group(1)) // 2
    mapping: dict[int, str] = {}

    def chars(hexes: bytes) -> str:
        return bytes.fromhex(hexes.decode()).decode("utf-16-be", errors="replace")

    for block in re.findall(rb"beginbfchar(.*?)endbfchar", text, re.S):
        for code, uni in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>", block):
            mapping[int(code, 16)] = chars(uni)
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", text, re.S):
        for lo, hi, rest in re.findall(_BFRANGE, block):
            lo_i, hi_i = int(lo, 16), int(hi, 16)
            if rest.startswith(b"["):
                for k, uni in enumerate(re.findall(rb"<([0-9A-Fa-f]*)>", rest)):
                    mapping[lo_i + k] = chars(uni)
            else:
                first = int(rest[1:-1], 16)
                for k in range(hi_i - lo_i + 1):
                    mapping[lo_i + k] = chr(first + k)
    return width, mapping


def _pages(objects, number: int) -> list[int]:
    head = objects[number][0]
    if re.search(rb"/Type\s*/Pages\b", head):
        kids = _value(head, b"Kids") or b""
        kids = kids[:kids.find(b"]") + 1]
        return [page for kid in _REF.finditer(kids) for page in _pages(objects, int(kid.group(1)))]
    return [number]


def _strings(operands: bytes) -> list[bytes]:
    """The hex strings (and literal strings) among a Tj/TJ operand."""
    found = []
    for hexes, literal in re.findall(rb"<([0-9A-Fa-f\s]*)>|\(((?:\\.|[^\\)])*)\)", operands):
        if literal:
            found.append(re.sub(rb"\\(.)", rb"\1", literal))
        else:
            found.append(bytes.fromhex(re.sub(rb"\s", b"", hexes).decode()))
    return found


# "/F4 12 Tf" (group 1: the font), or a string or array (group 2) shown by an operator (3).
_TEXT_OPS = re.compile(rb"/([^\s/\[\]<>()]+)\s+[-\d.]+\s+Tf"
                       rb"|(\[(?:[^\]]*)\]|<[0-9A-Fa-f\s]*>|\((?:\\.|[^\\)])*\))\s*(TJ|Tj|'|\")")


def squeeze(text: str) -> str:
    """``text`` without any whitespace and with ligatures ("ﬁ") spelled out (NFKC), for
    comparing what a PDF shows with what a page says."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def page_texts(data: bytes) -> list[str]:
    """The text of each page of the PDF ``data``, in page order."""
    objects = _objects(data)
    catalog = next(n for n, (head, _) in objects.items() if re.search(rb"/Type\s*/Catalog\b", head))
    root = _ref(_value(objects[catalog][0], b"Pages"))
    cmaps: dict[int, tuple[int, dict[int, str]]] = {}
    texts = []
    for number in _pages(objects, root):
        head = objects[number][0]
        resources = _value(head, b"Resources") or b""
        if (ref := _ref(resources)) is not None:
            resources = objects[ref][0]
        fonts_text = _value(_dict_at(resources.lstrip()), b"Font") or b""
        if (ref := _ref(fonts_text)) is not None:
            fonts_text = objects[ref][0]
        fonts = {}
        font_refs = re.findall(rb"/([^\s/<>\[\]]+)\s+(\d+)\s+\d+\s+R",
                               _dict_at(fonts_text.lstrip()))
        for name, ref in font_refs:
            font_head = objects[int(ref)][0]
            to_unicode = _ref(_value(font_head, b"ToUnicode"))
            if to_unicode is not None and to_unicode not in cmaps:
                cmaps[to_unicode] = _cmap(_decoded(*objects[to_unicode]))
            fonts[name] = cmaps.get(to_unicode, (1, {}))
        contents = _value(head, b"Contents") or b""
        if contents.startswith(b"["):
            contents = contents[:contents.find(b"]")]
        else:
            contents = contents[:_REF.match(contents).end()] if _REF.match(contents) else b""
        stream = b"\n".join(_decoded(*objects[int(r.group(1))]) for r in _REF.finditer(contents))
        width, mapping = 1, {}
        out = []
        for m in _TEXT_OPS.finditer(stream):
            if m.group(1):
                width, mapping = fonts.get(m.group(1), (1, {}))
                continue
            for s in _strings(m.group(2)):
                for i in range(0, len(s) - width + 1, width):
                    out.append(mapping.get(int.from_bytes(s[i:i + width], "big"), ""))
            out.append(" " if m.group(3) != b"TJ" else "")
        texts.append("".join(out))
    return texts
