"""Drawing ``quizprep math`` results: formula panel, worked example, gradient check, plots,
demo tables and the index.

Plots are drawn with Unicode braille (2×4 dots per character) on a terminal. When the output
is not a terminal (a pipe or a file) they fall back to plain ASCII
``*``/``o``/``+`` marks so logs stay readable; when the console is narrower than 60 columns
the plot is skipped with a one-line note. Everything fits 80 columns.
"""

from __future__ import annotations

import math
from typing import Any

from rich import box
from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

MIN_PLOT_WIDTH = 60
MAX_WIDTH = 80
PLOT_ROWS = 8
MAX_TABLE_ROWS = 40
SERIES_STYLES = ("cyan", "magenta", "yellow", "green")
ASCII_MARKS = ("*", "o", "+", "x")
# on a terminal without colour (NO_COLOR, TERM=dumb) lines are told apart by shape
GLYPH_MARKS = ("●", "○", "◆", "×")
_BRAILLE_BITS = ((0x01, 0x08), (0x02, 0x10), (0x04, 0x20), (0x40, 0x80))


def _num(v: Any, digits: int = 6) -> str:
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "true" if v else "false"
    if v is None:
        return "—"
    return f"{v:.{digits}g}"


def _flat(values: Any, prefix: tuple[int, ...] = ()) -> list[tuple[tuple[int, ...], float]]:
    """Nested lists as (index, value) pairs in row-major order."""
    if not isinstance(values, list):
        return [(prefix, values)]
    out: list[tuple[tuple[int, ...], float]] = []
    for i, v in enumerate(values):
        out.extend(_flat(v, (*prefix, i)))
    return out


# ---- plots --------------------------------------------------------------------------------


def _finite(v: Any) -> bool:
    return isinstance(v, (int, float)) and math.isfinite(v)


def _y_range(values: list[float]) -> tuple[float, float]:
    """Min and max, ignoring the top and bottom 1% so one spike does not flatten the curve.

    The span is kept finite and non-zero at any magnitude: a flat curve at 1e150 gets a
    relative margin (an absolute ±0.5 would vanish in rounding), and a span beyond float64
    (from -1e308 to 1e308) is narrowed to what can be represented.
    """
    finite = sorted(v for v in values if _finite(v))
    if not finite:
        return -1.0, 1.0
    cut = len(finite) // 100
    lo, hi = finite[cut], finite[len(finite) - 1 - cut]
    if not math.isfinite(hi - lo):
        lo, hi = max(lo, -8e307), min(hi, 8e307)
    if hi - lo <= 1e-12 * max(1.0, abs(hi), abs(lo)):
        pad = max(0.5, 1e-6 * max(abs(hi), abs(lo)))
        lo, hi = lo - pad, hi + pad
    return lo, hi


def plot_lines(
    series: list[tuple[list[float], list[float]]],
    width: int,
    height: int,
    braille: bool,
    marks: tuple[str, ...] = ASCII_MARKS,
) -> tuple[list[Text], tuple[float, float], tuple[float, float]]:
    """Draw curves on a width×height character canvas; returns the rows and the ranges.

    Braille draws 2×4 dots per character, told apart by colour; without braille each
    character is one point, drawn with the series' own mark from ``marks``."""
    xs_all = [x for xs, _ in series for x in xs]
    x_lo, x_hi = min(xs_all), max(xs_all)
    y_lo, y_hi = _y_range([y for _, ys in series for y in ys])
    sub_w, sub_h = (2, 4) if braille else (1, 1)
    px_w, px_h = width * sub_w, height * sub_h
    dots: dict[tuple[int, int], int] = {}  # pixel -> series index (last one drawn wins)

    def pixel(x: float, y: float) -> tuple[int, int]:
        y = min(max(y, y_lo), y_hi)
        col = round((x - x_lo) / ((x_hi - x_lo) or 1) * (px_w - 1))
        # halves first: y_hi - y can overflow where y_hi/2 - y/2 cannot
        row = round((y_hi / 2 - y / 2) / (y_hi / 2 - y_lo / 2) * (px_h - 1))
        return col, row

    for index, (xs, ys) in enumerate(series):
        # a gap (None, inf, nan) breaks the line: pieces are joined only between neighbours
        pieces: list[list[tuple[int, int]]] = [[]]
        for x, y in zip(xs, ys, strict=True):
            if _finite(y):
                pieces[-1].append(pixel(x, y))
            elif pieces[-1]:
                pieces.append([])
        for points in pieces:
            for (c0, r0), (c1, r1) in zip(points, points[1:] or points, strict=False):
                steps = max(abs(c1 - c0), abs(r1 - r0), 1)
                for k in range(steps + 1):  # join neighbours so steep parts stay connected
                    dots[(c0 + (c1 - c0) * k // steps, r0 + (r1 - r0) * k // steps)] = index
    # one pass over the dots (not over every cell's 8 sub-pixels): each character's braille
    # bits, and the series that owns it (the last in (row, column) order of its dots, as
    # before: later curves are drawn over earlier ones)
    cells: dict[tuple[int, int], list[int]] = {}
    for (col, row), index in sorted(dots.items(), key=lambda item: (item[0][1], item[0][0])):
        cell = cells.setdefault((row // sub_h, col // sub_w), [0, index])
        cell[0] |= _BRAILLE_BITS[row % sub_h][col % sub_w]
        cell[1] = index
    rows = []
    for r in range(height):
        line = Text()
        run: list[str] = []
        run_style = ""
        for c in range(width):
            cell = cells.get((r, c))
            if cell is None:
                char, style = " ", ""
            elif braille:
                char, style = chr(0x2800 + cell[0]), SERIES_STYLES[cell[1] % 4]
            else:
                char, style = marks[cell[1] % 4], ""
            if style != run_style and run:  # one append per run of a style, not per character
                line.append("".join(run), style=run_style or None)
                run = []
            run_style = style
            run.append(char)
        if run:
            line.append("".join(run), style=run_style or None)
        rows.append(line)
    return rows, (x_lo, x_hi), (y_lo, y_hi)


def _framed(
    title: str,
    series: list[tuple[list[float], list[float]]],
    width: int,
    braille: bool,
    marks: tuple[str, ...] = ASCII_MARKS,
) -> list[Text]:
    """A plot with y labels on the left and x labels underneath, ``width`` columns wide."""
    # The y labels are only known after the ranges are; draw once to learn them, and size
    # the canvas so that label + axis + canvas is exactly ``width`` (side-by-side plots
    # must not overflow, or the grid wraps them).
    _, _, (y_lo, y_hi) = plot_lines(series, 10, PLOT_ROWS, braille, marks)
    top, bottom = _num(y_hi, 3), _num(y_lo, 3)
    label_w = max(len(top), len(bottom))
    canvas_w = width - label_w - 1
    rows, (x_lo, x_hi), (y_lo, y_hi) = plot_lines(series, canvas_w, PLOT_ROWS, braille, marks)
    out = [Text(title[:width], style="bold")]
    for i, row in enumerate(rows):
        label = top if i == 0 else bottom if i == len(rows) - 1 else ""
        out.append(Text(f"{label:>{label_w}}" + ("│" if braille else "|")) + row)
    left, right = _num(x_lo, 3), _num(x_hi, 3)
    gap = max(1, canvas_w - len(left) - len(right))
    axis = " " * (label_w + 1) + left + " " * gap + right
    out.append(Text(axis[:width], style="dim"))
    return out


def _plot_allowed(console: Console) -> tuple[bool, str | None]:
    if console.width < MIN_PLOT_WIDTH:
        return False, f"(plot skipped: it needs a console {MIN_PLOT_WIDTH} columns wide)"
    return True, None


def _side_by_side(left: list[Text], right: list[Text]) -> Table:
    grid = Table.grid(padding=(0, 2))
    grid.add_column()
    grid.add_column()
    for a, b in zip(left, right, strict=True):
        grid.add_row(a, b)
    return grid


def _plot_mode(console: Console, lines: int) -> tuple[bool, tuple[str, ...]]:
    """(braille?, marks): braille on a terminal, unless several lines would have to be told
    apart without colour (NO_COLOR, a dumb terminal); then one distinct glyph per line.
    Off a terminal, ASCII marks."""
    if not console.is_terminal:
        return False, ASCII_MARKS
    coloured = not console.no_color and console.color_system is not None
    if coloured or lines <= 1:
        return True, ASCII_MARKS
    utf = (console.encoding or "").lower().replace("-", "").startswith("utf")
    return False, GLYPH_MARKS if utf else ASCII_MARKS


def render_function_plot(console: Console, plot: dict[str, Any]) -> None:
    ok, note = _plot_allowed(console)
    if not ok:
        console.print(Text(note or "", style="dim"))
        return
    braille, _ = _plot_mode(console, 1)
    half = (min(console.width, MAX_WIDTH) - 2) // 2
    xs = plot["x"]
    left = _framed(plot["y_label"], [(xs, plot["y"])], half, braille)
    right = _framed(plot["dy_label"], [([], []), (xs, plot["dy"])], half, braille)
    console.print(_side_by_side(left, right))
    console.print(Text(f"x axis: {plot['x_label']}", style="dim"))


def render_demo_plot(console: Console, series: list[dict[str, Any]]) -> None:
    ok, note = _plot_allowed(console)
    if not ok:
        console.print(Text(note or "", style="dim"))
        return
    braille, marks = _plot_mode(console, len(series))
    width = min(console.width, MAX_WIDTH)
    curves = [(s["x"], s["y"]) for s in series]
    for line in _framed("", curves, width, braille, marks)[1:]:
        console.print(line)
    legend = Text()
    for i, s in enumerate(series):
        mark = "⣿" if braille else marks[i % 4]
        legend.append(f"{mark} {s['label']}   ", style=SERIES_STYLES[i % 4] if braille else "")
    legend.rstrip()
    console.print(legend)


# ---- results ------------------------------------------------------------------------------


def _formula_lines(formula: str) -> str:
    """One definition per line: a formula's clauses are separated by two spaces after a
    comma or semicolon, and wrapping inside an expression would make it unreadable."""
    lines = []
    for i, part in enumerate(formula.split(";  ")):
        first, *rest = part.split(",  ")
        lead = "" if i == 0 else ";\n"
        lines.append(lead + _break_long(first) + "".join(f",\n    {_break_long(c)}" for c in rest))
    return "".join(lines)


def _break_long(clause: str, width: int = 70) -> str:
    """Break a clause too long for an 80-column panel before its last ' + ' that fits."""
    if len(clause) <= width:
        return clause
    cut = clause.rfind(" + ", 0, width)
    if cut <= 0:
        return clause
    return clause[:cut] + "\n      " + clause[cut + 1 :]


def _header(result: dict[str, Any]) -> Panel:
    body = Text()
    body.append(_formula_lines(result["formula"]) + "\n", style="bold")
    body.append(_formula_lines(result["derivative"]))
    params = {k: v for k, v in result["params"].items() if v is not None}
    if params:
        shown = ", ".join(
            f"{k} = {_num(v) if not isinstance(v, list) else v}" for k, v in params.items()
        )
        body.append(f"\n{shown}", style="dim")
    if result.get("point"):
        body.append(f"\n{result['point']}", style="italic")
    title = f"[bold]{result['name']}[/] — {result['summary']}"
    return Panel(body, title=title, title_align="left", box=box.ROUNDED, width=MAX_WIDTH)


def _example_table(result: dict[str, Any]) -> tuple[Table, int]:
    loss = result["family"] == "loss"
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("#", style="dim")
    table.add_column("x", justify="right")
    xs = _flat(result["x"])
    targets: dict[tuple[int, ...], str] = {}
    class_rows = result["input"] == "class-logits"
    if result["target"] is not None:
        if class_rows:
            for i, y in enumerate(result["target"]):
                targets[(i, y)] = "●"
        else:
            targets = {k: _num(v) for k, v in _flat(result["target"])}
        table.add_column("target", justify="right")
    if not loss:
        table.add_column("y", justify="right")
    column = result["extra"].get("column")
    extra = None if column is None else column["values"]
    table.add_column("∂ analytic", justify="right", style="cyan")
    table.add_column("∂ numeric", justify="right", style="magenta")
    table.add_column("|diff|", justify="right", style="dim")
    if column is not None:
        table.add_column(column["label"], justify="right")
    values = dict(_flat(result["value"])) if not loss else {}
    analytic, numeric = dict(_flat(result["analytic"])), dict(_flat(result["numeric"]))
    extras = dict(_flat(extra)) if extra is not None else {}
    for index, x in xs[:MAX_TABLE_ROWS]:
        cells = [",".join(map(str, index)), _num(x)]
        if result["target"] is not None:
            cells.append(targets.get(index, ""))
        if not loss:
            cells.append(_num(values[index]))
        a, n = analytic[index], numeric[index]
        gap = f"{abs(a - n):.1e}" if _finite(a) and _finite(n) else "—"
        cells += [_num(a, 10), _num(n, 10), gap]
        if extra is not None:
            cells.append(_num(extras[index]))
        table.add_row(*cells)
    return table, max(0, len(xs) - MAX_TABLE_ROWS)


def _render_function(console: Console, result: dict[str, Any], plot: bool) -> None:
    console.print(_header(result))
    table, hidden = _example_table(result)
    console.print(table)
    if hidden:
        console.print(Text(f"… {hidden} more elements (see --json for all)", style="dim"))
    summary = Text()
    if result["family"] == "loss":
        summary.append("value = ", style="bold")
        summary.append(_num(result["value"], 12) + "   ")
    where = ",".join(map(str, result["worst_index"])) or "-"
    summary.append(f"largest |analytic − numeric| = {result['max_abs_diff']:.2e} at [{where}]")
    console.print(summary)
    second = result["extra"].get("second")
    if second is not None:
        shown = ", ".join(_num(v, 8) for v in second["values"][:MAX_TABLE_ROWS])
        console.print(Text(f"{second['label']} = [{shown}]"))
        console.print(
            Text(f"{second['label']}: largest |analytic − numeric| = {second['max_abs_diff']:.2e}")
        )
    for note in result["notes"]:
        console.print(Text(note, style="yellow"))
    jacobian = result["extra"].get("jacobian")
    if jacobian is not None:
        cells = [[_num(v, 4) for v in row] for row in jacobian]
        widest = max(len(c) for row in cells for c in row)
        n = len(cells)
        if 2 + n * (widest + 2) <= console.width:
            jt = Table(
                title="Jacobian ∂yᵢ/∂xⱼ", box=box.SIMPLE, show_header=False, title_justify="left"
            )
            for row in cells:
                jt.add_row(*row)
            console.print(jt)
        else:  # squeezed, every cell would be cut to "0.0…"
            console.print(
                Text(f"Jacobian ∂yᵢ/∂xⱼ: {n}×{n}, too wide here; see --json", style="dim")
            )
    if plot:
        render_function_plot(console, result["plot"])


def _render_demo(console: Console, result: dict[str, Any], plot: bool) -> None:
    # The title goes above the table, not in it: a table title wraps at the table's width,
    # which for a narrow table cuts a one-line title in two.
    console.print(Text.assemble((result["name"], "bold"), f" — {result['title']}"))
    table = Table(box=box.SIMPLE_HEAD)
    for i, column in enumerate(result["columns"]):
        # the first column labels the row (e.g. "-1000, -1001, -1002"): keep it on one line
        table.add_column(column, justify="right", no_wrap=i == 0)
    for row in result["rows"]:
        table.add_row(*(_num(v, 4) for v in row))
    console.print(table)
    console.print(Text("→ " + result["takeaway"], style="bold"))
    if plot and result.get("series"):
        render_demo_plot(console, result["series"])


def render(console: Console, result: dict[str, Any], plot: bool = True) -> None:
    """Draw a result of :func:`quizprep.core.lab.run` (a function or a demo)."""
    if result["kind"] == "demo":
        _render_demo(console, result, plot)
    else:
        _render_function(console, result, plot)


def render_index(console: Console, entries: list[dict[str, str]]) -> None:
    """The table of every function and demo ``quizprep math`` knows."""
    table = Table(box=box.SIMPLE_HEAD, title="quizprep math", title_justify="left")
    table.add_column("name", style="bold cyan", no_wrap=True)
    table.add_column("kind", style="dim")
    table.add_column("what it shows")
    for entry in entries:
        table.add_row(entry["name"], entry["kind"], entry["summary"])
    console.print(table)
    console.print(
        Group(
            Text(
                "quizprep math NAME [--x 1,2,3] [--target ...]   formula, worked example, plot",
                style="dim",
            ),
            Text("quizprep math demo NAME                         a demo", style="dim"),
        )
    )
