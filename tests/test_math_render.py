"""quizprep.render.math: every function and demo draws within 80 columns, with braille plots on
a terminal, ASCII plots off one, and a note instead of a plot when the console is too narrow."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from quizprep.core import lab as mathlab
from quizprep.core.names import DEMOS, FUNCTIONS
from quizprep.render import math as render_math


def draw(result: dict, terminal: bool, width: int = 80, plot: bool = True) -> str:
    console = Console(file=io.StringIO(), width=width, force_terminal=terminal, record=True)
    render_math.render(console, result, plot=plot)
    return console.export_text()


def has_braille(text: str) -> bool:
    return any(0x2800 < ord(ch) <= 0x28FF for ch in text)


@pytest.mark.parametrize("name", FUNCTIONS + DEMOS)
def test_everything_fits_80_columns_on_a_terminal(name: str) -> None:
    result = mathlab.run(name)
    text = draw(result, terminal=True)
    assert max(len(line) for line in text.splitlines()) <= 80
    assert name in text
    if result["kind"] == "function":
        assert result["formula"].split()[0] in text
        assert "largest |analytic − numeric|" in text
        assert has_braille(text)
    else:
        assert result["takeaway"].split()[0] in text
        assert has_braille(text) == bool(result["series"])


@pytest.mark.parametrize("name", ["sigmoid", "cross_entropy", "outliers"])
def test_off_a_terminal_plots_are_ascii(name: str) -> None:
    text = draw(mathlab.run(name), terminal=False)
    assert not has_braille(text)
    assert "*" in text
    assert max(len(line) for line in text.splitlines()) <= 80


def test_narrow_console_skips_the_plot_with_a_note() -> None:
    text = draw(mathlab.run("tanh"), terminal=True, width=50)
    assert "plot skipped" in text
    assert not has_braille(text)


def test_no_plot_option() -> None:
    text = draw(mathlab.run("gelu"), terminal=True, plot=False)
    assert not has_braille(text) and "x axis" not in text


def test_worked_example_shows_values_and_the_kink_note() -> None:
    text = draw(mathlab.run("relu", x="-1,0,2"), terminal=False)
    assert "5.0e-01" in text  # the central difference's ½ at the kink
    assert "kink" in text
    ce = draw(mathlab.run("cross_entropy", x="2,1,0.1", target="0"), terminal=False)
    assert "0.417030016278" in ce  # the loss, to 12 digits
    assert "●" in ce  # the target class is marked
    assert "-0.3409988611" in ce


def test_softmax_shows_its_jacobian_and_prelu_its_slope_gradient() -> None:
    assert "Jacobian" in draw(mathlab.run("softmax"), terminal=False)
    assert "∂y/∂a" in draw(mathlab.run("prelu"), terminal=False)


def test_demo_table_and_takeaway() -> None:
    text = draw(mathlab.run("stable-softmax"), terminal=False)
    assert "nan" in text and "0.09003" in text
    assert "→" in text


def test_index_lists_every_function_and_demo() -> None:
    console = Console(file=io.StringIO(), width=80, record=True)
    render_math.render_index(console, mathlab.list_entries())
    text = console.export_text()
    for name in FUNCTIONS + DEMOS:
        assert name in text
    assert max(len(line) for line in text.splitlines()) <= 80


def test_plot_lines_draws_a_rising_diagonal() -> None:
    xs = [i / 10 for i in range(11)]
    rows, x_range, y_range = render_math.plot_lines([(xs, xs)], 10, 5, braille=False)
    assert x_range == (0.0, 1.0) and y_range == (0.0, 1.0)
    assert rows[0].plain[-1] == "*"  # top right
    assert rows[-1].plain[0] == "*"  # bottom left
    assert rows[-1].plain[-1] == " " and rows[0].plain[0] == " "


@pytest.mark.parametrize("name", DEMOS)
def test_demo_title_is_not_squeezed_to_the_table_width(name: str) -> None:
    result = mathlab.run(name)
    text = draw(result, terminal=False, plot=False)
    title = f"{result['name']} — {result['title']}"
    assert len(title) <= 80, "titles are written to fit one line"
    assert title in [line.rstrip() for line in text.splitlines()]


def test_index_footer_says_what_each_form_shows() -> None:
    console = Console(file=io.StringIO(), width=80, record=True)
    render_math.render_index(console, mathlab.list_entries())
    footer = console.export_text().splitlines()[-2:]
    assert "worked example" in footer[0] and "plot" in footer[0]
    assert "demo" in footer[1]


def test_demo_cells_are_never_cut_short_at_80_columns() -> None:
    for name in DEMOS:
        text = draw(mathlab.run(name), terminal=False, plot=False)
        assert "…" not in text, name
    softmax = draw(mathlab.run("stable-softmax"), terminal=False, plot=False)
    assert "-1000,-1001,-1002" in softmax  # the row label stays on one line


def test_a_jacobian_too_wide_for_the_console_is_left_to_json() -> None:
    small = draw(mathlab.run("softmax", x="2,1,0.1"), terminal=False, plot=False)
    assert "Jacobian" in small and "-0.1598" in small
    x = ",".join(str(i % 7 - 3) for i in range(12))
    big = draw(mathlab.run("softmax", x=x), terminal=False, plot=False)
    assert "…" not in big
    assert "12×12" in big and "--json" in big


def test_formula_lines_fit_an_80_column_panel_without_wrapping() -> None:
    from quizprep.core.names import FUNCTIONS
    from quizprep.render.math import _formula_lines

    for name in FUNCTIONS:
        result = mathlab.run(name)
        for text in (result["formula"], result["derivative"]):
            for line in _formula_lines(text).splitlines():
                assert len(line) <= 76, (name, line)
