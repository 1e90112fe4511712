#!/usr/bin/env python3
"""Checks of a rendered audit report, used by Scripts/check-report-render.sh (standard library only).

  check-report-render.py wrapper REPORT.html WRAPPER.html W1 W2 …
      writes a page that loads REPORT.html in one iframe per width and, once loaded, writes into its <title>
      `overflow-check ok` or `overflow-check FAIL w=…: …` naming the elements whose right edge passes the
      frame's width (or a document wider than the frame).
  check-report-render.py title DUMPED.html
      exits 1 unless the dumped DOM's title says `overflow-check ok` (prints the title).
  check-report-render.py png SCREENSHOT.png
      exits 1 when the screenshot is blank: fewer than 16 distinct colours or under 2 % non-white pixels.
"""
import html
import json
import re
import struct
import sys
import zlib


def wrapper(report, out, widths):
    frames = "\n".join(
        f'<iframe data-width="{w}" src="{html.escape(report)}" style="width:{w}px;height:1200px;border:0"></iframe>'
        for w in widths)
    script = """
const frames = [...document.querySelectorAll('iframe')];
let pending = frames.length;
const failures = [];
function check(frame) {
  const width = frame.clientWidth;
  const doc = frame.contentDocument;
  if (!doc || !doc.body || !doc.querySelector('main')) { failures.push('w=' + width + ': report did not load'); return; }
  const root = doc.documentElement;
  if (root.scrollWidth > width) failures.push('w=' + width + ': document is ' + root.scrollWidth + ' px wide');
  const wide = [];
  for (const e of doc.body.querySelectorAll('*')) {
    const r = e.getBoundingClientRect();
    if (r.width > 0 && r.right > width + 0.5) {
      wide.push(e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className && e.className.baseVal === undefined ? '.' + e.className : '') + ' right=' + Math.round(r.right));
    }
  }
  if (wide.length) failures.push('w=' + width + ': ' + wide.slice(0, 5).join(', '));
}
for (const frame of frames) {
  frame.addEventListener('load', () => {
    check(frame);
    if (--pending === 0) document.title = failures.length ? 'overflow-check FAIL ' + failures.join(' | ') : 'overflow-check ok';
  });
}
"""
    page = f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"/><title>overflow-check pending</title></head>
<body style="margin:0">
{frames}
<script>{script}</script>
</body></html>
"""
    with open(out, "w", encoding="utf-8") as f:
        f.write(page)


def title(dumped):
    text = open(dumped, encoding="utf-8", errors="replace").read()
    m = re.search(r"<title>(.*?)</title>", text, re.S)
    found = html.unescape(m.group(1)) if m else "(no title)"
    print(found)
    return 0 if found == "overflow-check ok" else 1


def read_png(path):
    """(width, height, rows of (r, g, b)) of an 8-bit RGB or RGBA, non-interlaced PNG."""
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, header = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = header
    if depth != 8 or colour not in (2, 6) or interlace:
        raise ValueError(f"unsupported PNG (depth {depth}, colour type {colour}, interlace {interlace})")
    bpp = 3 if colour == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows, previous, i = [], bytearray(stride), 0
    for _ in range(height):
        kind = raw[i]
        line = bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = previous[x]
            c = previous[x - bpp] if x >= bpp else 0
            if kind == 1:
                line[x] = (line[x] + a) & 255
            elif kind == 2:
                line[x] = (line[x] + b) & 255
            elif kind == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append([tuple(line[x:x + 3]) for x in range(0, stride, bpp)])
        previous = line
    return width, height, rows


def png(path):
    width, height, rows = read_png(path)
    colours, ink = set(), 0
    for row in rows:
        for p in row:
            colours.add(p)
            if p != (255, 255, 255):
                ink += 1
    share = ink / (width * height)
    summary = {"file": path, "width": width, "height": height, "colours": len(colours), "non_white": round(share, 4)}
    print(json.dumps(summary))
    return 0 if len(colours) >= 16 and share >= 0.02 else 1


if __name__ == "__main__":
    command, args = sys.argv[1], sys.argv[2:]
    if command == "wrapper":
        wrapper(args[0], args[1], [int(w) for w in args[2:]])
        sys.exit(0)
    sys.exit({"title": title, "png": png}[command](*args))
