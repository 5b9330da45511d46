"""Settings: ``quizprep config`` shows them, ``config set`` / ``config unset`` change them.

No ``from __future__ import annotations`` in this package: typer would evaluate every
annotation string on each run.
"""

from typing import Annotated, Any

import typer

from quizprep.cli.app import JsonOption, app, console, handles_errors, print_json

config_app = typer.Typer(
    help="Show and change settings (grader, retention), kept in your progress database.",
    invoke_without_command=True,
)
app.add_typer(config_app, name="config")


@config_app.callback(invoke_without_command=True)
@handles_errors
def config_show(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Every setting with its value; `config set NAME VALUE` changes one."""
    if ctx.invoked_subcommand is not None:
        return
    from quizprep.paths import database_path
    from quizprep.study.settings import current_settings

    if database_path().exists():
        from quizprep.study.storage import Storage

        with Storage.open() as storage:
            rows = current_settings(storage)
    else:  # showing settings must not create a database
        rows = current_settings(None)
    if as_json:
        print_json({s.name: value if value is not None else s.default for s, value in rows})
        return
    from quizprep.render.settings import render_settings

    render_settings(console(), rows)


def _setting_names(incomplete: str) -> list[str]:
    from quizprep.study.settings import SETTINGS

    return [name for name in SETTINGS if name.startswith(incomplete)]


NameArgument = Annotated[
    str,
    typer.Argument(metavar="NAME", help="grader or retention.", autocompletion=_setting_names),
]


@config_app.command("set")
@handles_errors
def config_set(
    name: NameArgument,
    value: Annotated[str, typer.Argument(metavar="VALUE", help="e.g. llm:gpt-4o-mini, 0.9")],
) -> None:
    """Remember a setting, e.g. `quizprep config set grader llm:gpt-4o-mini`."""
    from quizprep.study.settings import change_setting
    from quizprep.study.storage import Storage

    with Storage.open() as storage:
        stored = change_setting(storage, name, value)
    _say(f"{name} = {stored}")


@config_app.command("unset")
@handles_errors
def config_unset(name: NameArgument) -> None:
    """Forget a setting; its default applies again."""
    from quizprep.study.settings import change_setting, setting_named
    from quizprep.study.storage import Storage

    setting = setting_named(name)
    with Storage.open() as storage:
        change_setting(storage, name, None)
    _say(f"{name} = {setting.default} (default)")


def _say(line: str) -> None:
    out: Any = console()
    out.print(line, markup=False, highlight=False, soft_wrap=True)
