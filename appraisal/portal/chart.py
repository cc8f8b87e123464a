"""A bar chart as inline SVG: no JavaScript and no front-end build for one picture."""

from html import escape

COLOURS = ("#2e7d32", "#558b2f", "#1565c0", "#ef6c00", "#c62828", "#6d4c41")


def bar_chart(counts: dict[str, int], *, width: int = 420, bar_height: int = 26) -> str:
    """Horizontal bars, one per label, with the count at the end of each bar."""
    top = max(counts.values(), default=0) or 1
    label_w, gap = 80, 8
    height = len(counts) * (bar_height + gap) + gap
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}"'
        f' viewBox="0 0 {width} {height}" aria-label="等次分布">'
    ]
    for i, (label, n) in enumerate(counts.items()):
        y = gap + i * (bar_height + gap)
        w = round((width - label_w - 50) * n / top)
        colour = COLOURS[i % len(COLOURS)]
        parts.append(
            f'<text x="{label_w - 8}" y="{y + bar_height * 0.7:.0f}" text-anchor="end"'
            f' font-size="14">{escape(label)}</text>'
            f'<rect x="{label_w}" y="{y}" width="{w}" height="{bar_height}" fill="{colour}"/>'
            f'<text x="{label_w + w + 6}" y="{y + bar_height * 0.7:.0f}" font-size="14">{n}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
