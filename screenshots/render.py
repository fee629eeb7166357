#!/usr/bin/python3
"""Render a tmux capture of the dashboard (text with SGR escape sequences, as written by
`tmux capture-pane -e -p`) into a PNG picture of a terminal.

usage: render.py CAPTURE.ansi OUT.png --cols N --rows M [--font-size PX]
"""
import argparse
import re
import unicodedata

from PIL import Image, ImageDraw, ImageFont

FONT_DIR = "/usr/share/fonts/truetype/dejavu/"
FONTS = {  # (bold, italic) -> file
    (False, False): "DejaVuSansMono.ttf",
    (True, False): "DejaVuSansMono-Bold.ttf",
    (False, True): "DejaVuSansMono-Oblique.ttf",
    (True, True): "DejaVuSansMono-BoldOblique.ttf",
}
# Tried in order for a character the monospace font lacks (emoji, CJK, rare symbols).
FALLBACK_FONTS = [
    FONT_DIR + "DejaVuSans.ttf",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/noto/NotoSansSymbols2-Regular.ttf",
]

BACKGROUND = (0x1E, 0x1F, 0x29)
FOREGROUND = (0xE6, 0xE6, 0xE6)
PALETTE16 = [
    "#2c2e3b", "#e8676b", "#8fd07f", "#e5c07b", "#6fa8f0", "#c792ea", "#5fc8d3", "#c8ccd4",
    "#5f6475", "#ff8a8d", "#a9e89b", "#f4d897", "#96c2ff", "#dcb0ff", "#8ce2ea", "#f5f6f8",
]
PADDING = 14


def hex_rgb(s):
    return tuple(int(s[i:i + 2], 16) for i in (1, 3, 5))


def palette256():
    colours = [hex_rgb(c) for c in PALETTE16]
    levels = [0, 95, 135, 175, 215, 255]
    colours += [(levels[i // 36], levels[i // 6 % 6], levels[i % 6]) for i in range(216)]
    colours += [(8 + 10 * i,) * 3 for i in range(24)]
    return colours


PALETTE = palette256()


class Style:
    """The SGR state of one cell. Colours are None (default), a palette index or an RGB tuple."""

    def __init__(self):
        self.fg = self.bg = None
        self.bold = self.dim = self.italic = self.underline = self.reverse = self.strike = False

    def copy(self):
        s = Style()
        s.__dict__.update(self.__dict__)
        return s

    def apply(self, params):
        """Apply the parameters of one SGR sequence (`ESC [ params m`)."""
        parts = params.split(";") if params else ["0"]
        i = 0
        while i < len(parts):
            sub = [int(x) if x.isdigit() else 0 for x in parts[i].split(":")]
            code = sub[0]
            if code in (38, 48):
                # 38;5;N and 38;2;R;G;B, or the same with ':' between sub-parameters
                colon = len(sub) > 1
                args = sub[1:] if colon else [int(x) if x.isdigit() else 0 for x in parts[i + 1:i + 5]]
                colour = None
                if args[:1] == [5] and len(args) >= 2:
                    colour, used = args[1] % 256, 2
                elif args[:1] == [2] and len(args) >= 4:
                    colour, used = tuple(min(v, 255) for v in (args[-3:] if colon else args[1:4])), 4
                else:
                    used = len(args)
                if not colon:
                    i += used
                if code == 38:
                    self.fg = colour
                else:
                    self.bg = colour
            elif code == 0:
                self.__init__()
            elif code == 1:
                self.bold = True
            elif code == 2:
                self.dim = True
            elif code == 3:
                self.italic = True
            elif code == 4:
                self.underline = sub[1:] != [0]
            elif code == 7:
                self.reverse = True
            elif code == 9:
                self.strike = True
            elif code == 22:
                self.bold = self.dim = False
            elif code == 23:
                self.italic = False
            elif code == 24:
                self.underline = False
            elif code == 27:
                self.reverse = False
            elif code == 29:
                self.strike = False
            elif 30 <= code <= 37:
                self.fg = code - 30
            elif code == 39:
                self.fg = None
            elif 40 <= code <= 47:
                self.bg = code - 40
            elif code == 49:
                self.bg = None
            elif 90 <= code <= 97:
                self.fg = code - 90 + 8
            elif 100 <= code <= 107:
                self.bg = code - 100 + 8
            i += 1

    def colours(self):
        """The foreground and background RGB as a terminal would show them."""
        def rgb(c, default):
            if c is None:
                return default
            return PALETTE[c] if isinstance(c, int) else c

        fg, bg = rgb(self.fg, FOREGROUND), rgb(self.bg, BACKGROUND)
        if self.reverse:
            fg, bg = bg, fg
        if self.dim:
            fg = tuple((a + b) // 2 for a, b in zip(fg, bg))
        return fg, bg


def char_width(ch):
    if unicodedata.combining(ch) or ch in "\u200b\u200c\u200d\ufe0e\ufe0f":
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


TOKEN = re.compile(r"\x1b\[([0-9;:?<=>]*)([ -/]*[@-~])|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b.|.",
                   re.S)


def parse(text, cols, rows):
    """Lay the capture out on a grid of rows x cols cells: each cell is (text, Style, width),
    or None for the right half of a wide character."""
    blank = Style()
    grid = [[(" ", blank, 1) for _ in range(cols)] for _ in range(rows)]
    style, row, col = Style(), 0, 0
    for m in TOKEN.finditer(text):
        tok = m.group(0)
        if m.group(2) == "m":
            style.apply(m.group(1))
            continue
        if tok.startswith("\x1b"):
            continue  # other escape sequences do not change what is on screen here
        if tok == "\n":
            row, col = row + 1, 0
            continue
        if tok == "\t":
            col = min(cols, (col // 8 + 1) * 8)
            continue
        if ord(tok) < 0x20 or row >= rows:
            continue
        width = char_width(tok)
        if width == 0:
            if col > 0:  # a combining mark joins the character before it
                prev = col - 1 if grid[row][col - 1] is not None else col - 2
                t, s, w = grid[row][prev]
                grid[row][prev] = (t + tok, s, w)
            continue
        if col + width > cols:
            continue
        grid[row][col] = (tok, style.copy(), width)
        if width == 2:
            grid[row][col + 1] = None
        col += width
    return grid


class Fonts:
    def __init__(self, size):
        self.main = {k: ImageFont.truetype(FONT_DIR + f, size) for k, f in FONTS.items()}
        self.fallback = []
        for path in FALLBACK_FONTS:
            try:
                self.fallback.append(ImageFont.truetype(path, size))
            except OSError:
                pass
        regular = self.main[(False, False)]
        self.ascent, self.descent = regular.getmetrics()
        self.cell_w = round(regular.getlength("M"))
        self.cell_h = self.ascent + self.descent
        self.cache = {}

    @staticmethod
    def has_glyph(font, text):
        """False when the font would draw its 'missing glyph' box for this text."""
        missing = font.getmask("\U0010fffd")
        mask = font.getmask(text)
        return mask.size != missing.size or bytes(mask) != bytes(missing)

    def pick(self, text, bold, italic):
        key = (text, bold, italic)
        if key not in self.cache:
            font = self.main[(bold, italic)]
            if not self.has_glyph(font, text):
                font = next((f for f in self.fallback if self.has_glyph(f, text)), font)
            self.cache[key] = font
        return self.cache[key]


def render(grid, fonts, out):
    rows, cols = len(grid), len(grid[0])
    cw, ch = fonts.cell_w, fonts.cell_h
    img = Image.new("RGB", (cols * cw + 2 * PADDING, rows * ch + 2 * PADDING), BACKGROUND)
    draw = ImageDraw.Draw(img)
    for y, line in enumerate(grid):
        top = PADDING + y * ch
        for x, cell in enumerate(line):
            if cell is None:
                continue
            text, style, width = cell
            left = PADDING + x * cw
            fg, bg = style.colours()
            if bg != BACKGROUND:
                draw.rectangle([left, top, left + width * cw - 1, top + ch - 1], fill=bg)
            if text != " ":
                font = fonts.pick(text, style.bold, style.italic)
                # centre the glyph in its cells (wide glyphs from fallback fonts vary in width)
                dx = (width * cw - font.getlength(text)) / 2
                draw.text((left + dx, top + fonts.ascent), text, font=font, fill=fg, anchor="ls")
            if style.underline:
                draw.line([left, top + fonts.ascent + 2, left + width * cw - 1,
                           top + fonts.ascent + 2], fill=fg)
            if style.strike:
                mid = top + fonts.ascent * 2 // 3
                draw.line([left, mid, left + width * cw - 1, mid], fill=fg)
    img.save(out)


def main():
    ap = argparse.ArgumentParser(description="Render a tmux capture with SGR colours to PNG.")
    ap.add_argument("capture")
    ap.add_argument("out")
    ap.add_argument("--cols", type=int, required=True)
    ap.add_argument("--rows", type=int, required=True)
    ap.add_argument("--font-size", type=int, default=16)
    args = ap.parse_args()
    with open(args.capture, encoding="utf-8", errors="replace") as f:
        text = f.read()
    render(parse(text, args.cols, args.rows), Fonts(args.font_size), args.out)


if __name__ == "__main__":
    main()
