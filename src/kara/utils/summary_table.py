"""A table drawn as the `rich` library draws it (for `model.summary()`).

Keras 3 prints its summary with rich; kara draws the same characters
itself, with no dependency. This module re-implements the part of rich
the summary uses: fixed column widths, padding 1 on each side, a rule
between rows (`show_lines=True`), cells wrapped at word boundaries and cut
with `…` when a word does not fit, and rich's ASCII fallback box for
consoles that cannot show the box characters.

Example:
>>> table = render(["a", "b"], [["x", "1"]], [4, 4], ["left", "right"], 11)
>>> for line in table:
...     print(line)
┏━━━━┳━━━━┓
┃ a  ┃  b ┃
┡━━━━╇━━━━┩
│ x  │  1 │
└────┴────┘
"""

import re
import sys

# Keras 3's box (rich's HEAVY_HEAD) and rich's ASCII fallback:
# top, header row, header rule, body row, row rule, bottom;
# each is (left, horizontal, divider, right).
_BOX = {
    "top": "┏━┳┓",
    "head": "┃ ┃┃",
    "head_rule": "┡━╇┩",
    "row": "│ ││",
    "row_rule": "├─┼┤",
    "bottom": "└─┴┘",
}
_ASCII_BOX = {
    "top": "+--+",
    "head": "| ||",
    "head_rule": "|-+|",
    "row": "| ||",
    "row_rule": "|-+|",
    "bottom": "+--+",
}


def unicode_ok(print_fn):
    """Whether stdout can show the box characters (rich's ascii_only)."""
    if print_fn is not None:
        return True
    encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
    try:
        "┏━┳┓│└…".encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def _column_widths(widths, line_length):
    """Final column widths (padding included), as rich computes them."""
    n = len(widths)
    max_width = line_length - (n + 1)  # minus the n + 1 vertical borders
    out = [min(w + 2, max_width) for w in widths]
    if sum(out) > max_width:
        out = _ratio_reduce(sum(out) - max_width, [1] * n, out, out)
    return out


def _ratio_reduce(total, ratios, maximums, values):
    """Takes `total` off `values` in proportion to `ratios` (rich's rule,
    with Python's round-half-to-even)."""
    ratios = [r if m else 0 for r, m in zip(ratios, maximums)]
    total_ratio = sum(ratios)
    if not total_ratio:
        return list(values)
    remaining = total
    out = []
    for ratio, maximum, value in zip(ratios, maximums, values):
        if ratio and total_ratio > 0:
            cut = min(maximum, round(ratio * remaining / total_ratio))
            out.append(value - cut)
            remaining -= cut
            total_ratio -= ratio
        else:
            out.append(value)
    return out


_WORD = re.compile(r"\s*\S+\s*")


def _wrap(text, width, justify):
    """The lines of one cell: word wrap, `…` for words too long, justify."""
    lines = []
    for line in text.split("\n"):
        breaks, offset = [], 0
        for match in _WORD.finditer(line):
            start, word = match.start(), match.group(0)
            length = len(word.rstrip())
            if width - offset >= length:
                offset += len(word)
            elif length > width:  # never fits: own line, cut with …
                if start:
                    breaks.append(start)
                offset = len(word)
            elif offset and start:
                breaks.append(start)
                offset = len(word)
        pieces = [line[a:b] for a, b in zip([0] + breaks, breaks + [len(line)])]
        for piece in pieces:
            if len(piece) > width:  # drop trailing spaces beyond the width
                trailing = len(piece) - len(piece.rstrip())
                piece = piece[: len(piece) - min(trailing, len(piece) - width)]
            if justify != "left":
                piece = piece.rstrip()
            if len(piece) > width:
                piece = piece[: width - 1] + "…"
            if justify == "left":
                piece = piece.ljust(width)
            elif justify == "right":
                piece = piece.rjust(width)
            else:
                left = (width - len(piece)) // 2
                piece = " " * left + piece
                piece = piece.ljust(width)
            lines.append(piece)
    return lines


def render(header, rows, widths, align, line_length, ascii_only=False):
    """The lines of the table, as rich draws it with `show_lines=True`.

    Args:
        header: the header cells.
        rows: lists of cells (strings), one per row.
        widths: the column widths asked for (padding excluded).
        align: per column, `"left"`, `"right"` or `"center"`.
        line_length: the width of the whole table.
        ascii_only: draw with `+`, `-`, `|` (for consoles that cannot
            show the box characters).

    Returns:
        A list of strings, one per line.
    """
    box = _ASCII_BOX if ascii_only else _BOX
    widths = _column_widths(widths, line_length)

    def rule(kind):
        left, horizontal, divider, right = box[kind]
        return left + divider.join(horizontal * w for w in widths) + right

    def row_lines(cells, kind, bottom_align):
        rendered = [
            _wrap(str(c), w - 2, a) for c, w, a in zip(cells, widths, align)
        ]
        height = max(len(r) for r in rendered)
        out = []
        for r, w in zip(rendered, widths):
            blank = [" " * (w - 2)] * (height - len(r))
            out.append(blank + r if bottom_align else r + blank)
        left, _, divider, right = box[kind]
        return [
            left
            + divider.join(" " + out[c][i] + " " for c in range(len(out)))
            + right
            for i in range(height)
        ]

    lines = [rule("top")]
    lines += row_lines(header, "head", bottom_align=True)
    lines.append(rule("head_rule"))
    for i, cells in enumerate(rows):
        if i:
            lines.append(rule("row_rule"))
        lines += row_lines(cells, "row", bottom_align=False)
    lines.append(rule("bottom"))
    return lines
