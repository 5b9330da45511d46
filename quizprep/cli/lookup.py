"""Look-up commands: list, explain, math.

No ``from __future__ import annotations`` in this package: typer would evaluate every
annotation string on each run.
"""

import sys
from collections.abc import Iterable
from typing import Annotated, Any

import typer

from quizprep.cli import complete
from quizprep.cli.app import (
    DeckOption,
    DifficultyOption,
    JsonOption,
    NoPagerOption,
    TagOption,
    TopicOption,
    app,
    console,
    handles_errors,
    paged,
    print_json,
)
from quizprep.errors import QuizprepError


@app.command("list")
@handles_errors
def list_cards(
    topic: TopicOption = None,
    difficulty: DifficultyOption = None,
    tag: TagOption = None,
    deck: DeckOption = None,
    as_json: JsonOption = False,
    no_pager: NoPagerOption = False,
) -> None:
    """List every card, with its difficulty, topic and question."""
    from quizprep.decks.catalog import load_catalog

    catalog = load_catalog(deck or ())
    try:
        if as_json:
            _stream_json(card.to_dict() for card in catalog.stream(topic, difficulty, tag))
            return
        shape = catalog.shape(topic, difficulty, tag)
        from quizprep.render.listing import render_card_list

        with paged(no_pager, prose=False) as out:
            render_card_list(out, catalog.rows(topic, difficulty, tag), shape)
    except BrokenPipeError:
        _quiet_broken_pipe()


def _stream_json(items: Iterable[Any]) -> None:
    """A JSON list written item by item (the same text ``print_json`` would write)."""
    import json

    out = sys.stdout
    first = True
    for item in items:
        text = json.dumps(item, indent=2, ensure_ascii=False)
        out.write(("[\n" if first else ",\n") + "  " + text.replace("\n", "\n  "))
        first = False
    out.write("[]\n" if first else "\n]\n")
    out.flush()


def _quiet_broken_pipe() -> None:
    """``quizprep list | head``: the reader left; stop without a traceback."""
    import contextlib
    import os

    # Python flushes stdout again at exit: point it somewhere that accepts it.
    with contextlib.suppress(OSError, ValueError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


@app.command()
@handles_errors
def explain(
    query: Annotated[
        str,
        typer.Argument(
            metavar="QUERY",
            help="A card id, alias, tag or words of its question.",
            autocompletion=complete.card_refs,
        ),
    ],
    deck: DeckOption = None,
    as_json: JsonOption = False,
    show_math: Annotated[
        bool, typer.Option("--math", help="Also show the card's math: formula, numbers, plot.")
    ] = False,
    no_pager: NoPagerOption = False,
) -> None:
    """Look a card up by id, alias, tag or words of its question.

    \b
    Examples:
      quizprep explain focal
      quizprep explain "dead relu"
      quizprep explain losses/mse
    """
    from quizprep.decks.catalog import load_catalog
    from quizprep.decks.search import good_alternatives

    catalog = load_catalog(deck or ())
    result = catalog.search(query)
    if not result.matches:
        if as_json:
            print_json(
                {
                    "error": f"no card covers {query!r}",
                    "closest": [{"ref": c.ref, "question": c.question} for c in result.closest],
                    "suggestions": result.suggestions,
                }
            )
            raise typer.Exit(1)
        from quizprep.render.cards import render_no_match
        from quizprep.render.style import stderr_console

        render_no_match(stderr_console(), query, result.closest, result.suggestions)
        raise typer.Exit(1)
    best, others = result.matches[0], [m.card for m in good_alternatives(result.matches)]
    if as_json:
        extra: dict[str, Any] = {"other_matches": [c.ref for c in others]}
        if result.corrected:
            extra["showing_results_for"] = result.corrected
        print_json(best.card.to_dict() | extra)
        return
    from quizprep.render.cards import render_explain

    with paged(no_pager) as out:
        render_explain(out, best.card, others, catalog.resolve, corrected=result.corrected)
        if show_math:
            _show_card_math(out, best.card.math)


def _show_card_math(console: Any, name: str | None) -> None:
    if not name:
        console.print("This card has no math demo.", style="dim")
        return
    from quizprep.core import lab
    from quizprep.render.math import render

    render(console, lab.run(name))


# -- math ------------------------------------------------------------------------------
def _math_name_from_cards(name: str) -> str | None:
    """The math link of the card ``explain NAME`` would name outright (id, alias or tag), so
    ``math`` answers to every name ``explain`` knows; None when no card is named so."""
    from quizprep.decks.catalog import load_catalog
    from quizprep.decks.search import NAMED

    try:
        result = load_catalog(()).search(name)
    except QuizprepError:
        return None  # a broken user deck must not hide the built-in math
    if result.corrected:
        return None  # a typo's guess: `math` says "did you mean" instead
    named = [m.card.math for m in result.matches if m.score >= NAMED and m.card.math]
    return named[0] if named else None


def _math_option(text: str) -> Any:
    return typer.Option(
        help=text, show_default=False, rich_help_panel="Parameters", metavar="VALUE"
    )


@app.command("math")
@handles_errors
def math_cmd(
    name: Annotated[
        str | None,
        typer.Argument(
            metavar="[NAME]",
            help="A function (focal, cross_entropy, gelu…) or 'demo'.",
            autocompletion=complete.math_names,
        ),
    ] = None,
    demo: Annotated[
        str | None,
        typer.Argument(
            metavar="[DEMO]",
            help="With 'demo': the demo to run.",
            autocompletion=complete.demo_names,
        ),
    ] = None,
    x: Annotated[
        str | None,
        typer.Option("--x", help="Inputs, comma-separated; rows of logits separated by ';'."),
    ] = None,
    target: Annotated[str | None, typer.Option(help="Targets, comma-separated.")] = None,
    gamma: Annotated[
        str | None, _math_option("focal, softmax_focal, focal-vs-ce: focusing exponent γ ≥ 0.")
    ] = None,
    alpha: Annotated[
        str | None,
        _math_option("focal: weight of positives (< 0 off); softmax_focal: per class; elu: α."),
    ] = None,
    delta: Annotated[
        str | None, _math_option("huber: where the quadratic turns linear (> 0).")
    ] = None,
    margin: Annotated[
        str | None, _math_option("multi_margin, triplet_margin: the margin m in [0, 1e6].")
    ] = None,
    p: Annotated[
        str | None, _math_option("multi_margin: exponent, 1 or 2; triplet_margin: norm p ≥ 1.")
    ] = None,
    weight: Annotated[
        str | None,
        _math_option("cross_entropy, multi_margin: per-class weights; prelu: the slope."),
    ] = None,
    label_smoothing: Annotated[
        str | None, _math_option("cross_entropy: smoothing ε in [0, 1].")
    ] = None,
    pos_weight: Annotated[
        str | None, _math_option("bce_with_logits: weight of positive examples.")
    ] = None,
    negative_slope: Annotated[str | None, _math_option("leaky_relu: slope for x < 0.")] = None,
    approximate: Annotated[str | None, _math_option("gelu: none or tanh.")] = None,
    lam: Annotated[str | None, _math_option("l2: strength λ ≥ 0.")] = None,
    reduction: Annotated[str | None, _math_option("kl_div: batchmean, mean or sum.")] = None,
    temperature: Annotated[
        str | None, _math_option("info_nce, distill_kl: temperature in [0.001, 1000].")
    ] = None,
    q: Annotated[str | None, _math_option("pinball: the quantile q in [0, 1].")] = None,
    smooth: Annotated[str | None, _math_option("dice: smoothing s ≥ 0.")] = None,
    var: Annotated[
        str | None, _math_option("gaussian_nll: variance ≥ 0, one or one per input.")
    ] = None,
    eps: Annotated[
        str | None, _math_option("gaussian_nll, poisson_nll, triplet_margin: eps in (0, 0.01].")
    ] = None,
    full: Annotated[
        bool | None,
        typer.Option(
            "--full/--no-full",
            help="gaussian_nll, poisson_nll: add the constant terms.",
            show_default=False,
            rich_help_panel="Parameters",
        ),
    ] = None,
    log_input: Annotated[
        bool | None,
        typer.Option(
            "--log-input/--no-log-input",
            help="poisson_nll: x is log λ (default) or λ.",
            show_default=False,
            rich_help_panel="Parameters",
        ),
    ] = None,
    beta: Annotated[str | None, _math_option("softplus: sharpness β > 0.")] = None,
    threshold: Annotated[str | None, _math_option("softplus: βx above which y = x.")] = None,
    value: Annotated[
        str | None, _math_option("swiglu: the value half b = xV, one or one per input.")
    ] = None,
    plot: Annotated[bool, typer.Option("--plot/--no-plot", help="Draw the terminal plot.")] = True,
    as_json: JsonOption = False,
) -> None:
    """Show the math: formula, worked example, gradient check, plot. Alone: list everything.

    NAME may be an everyday or PyTorch name (swish, kl, ce, nn.HuberLoss) or anything
    `explain` finds by name; `math demo` alone lists the demos.

    
    Examples:
      quizprep math focal --gamma 2
      quizprep math cross_entropy --x 2,1,0.1 --target 0
      quizprep math demo vanishing
    """
    from quizprep.core import lab

    if name is None or (name == "demo" and demo is None):
        entries = lab.list_entries(None if name is None else "demo")
        if as_json:
            print_json(entries)
            return
        from quizprep.render.math import render_index

        render_index(console(), entries)
        return
    if name == "demo":
        name = demo
    elif demo is not None:
        raise typer.BadParameter(
            f"unexpected extra argument {demo!r} (only `math demo NAME` takes two)",
            param_hint="'demo'",
        )
    params = {
        "gamma": gamma, "alpha": alpha, "delta": delta, "margin": margin, "p": p,
        "weight": weight, "label_smoothing": label_smoothing, "pos_weight": pos_weight,
        "negative_slope": negative_slope, "approximate": approximate, "lam": lam,
        "reduction": reduction, "temperature": temperature, "q": q, "smooth": smooth,
        "var": var, "eps": eps, "beta": beta, "threshold": threshold, "value": value,
        "full": None if full is None else str(full), "log_input": None if log_input is None
        else str(log_input),
    }  # fmt: skip
    key = lab.canonical(name) or _math_name_from_cards(name) or name
    result = lab.run(key, x=x, target=target, params=params)
    if as_json:
        print_json(result)
        return
    from quizprep.render.math import render

    render(console(), result, plot=plot)
