"""The README's command table cannot drift from the commands: every command, argument and option agree."""

from __future__ import annotations

import re
from pathlib import Path

import click

from scaffolder.cli import main

README = Path(__file__).parent.parent / "README.md"


def commands(group: click.Group, prefix: str = "scaffolder"):
    """(full name, command) of every command below the group, subcommands of subgroups included."""
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            yield from commands(command, f"{prefix} {name}")
        else:
            yield f"{prefix} {name}", command


def table_rows() -> list[str]:
    text = README.read_text(encoding="utf-8")
    section = text.split("## Commands", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| `(scaffolder [^`]*)` \|", section, re.M)


def test_every_command_has_a_row_and_every_row_a_command():
    names = {name for name, _ in commands(main)}
    rows = table_rows()
    row_names = {
        next(n for n in sorted(names, key=len, reverse=True) if (row + " ").startswith(n + " ")) for row in rows
    }
    assert names - row_names == set(), "commands the README's table leaves out"
    for row in rows:
        assert any((row + " ").startswith(name + " ") for name in names), f"{row!r} is no command"


def test_each_row_names_the_commands_own_arguments_and_options():
    problems = []
    rows = table_rows()
    for name, command in commands(main):
        mine = [row for row in rows if (row + " ").startswith(name + " ")]
        said = " ".join(row[len(name) :] for row in mine)
        options = {opt for param in command.params if isinstance(param, click.Option) for opt in param.opts}
        for param in command.params:
            if isinstance(param, click.Option) and param.opts and not any(_shows(said, o) for o in param.opts):
                problems.append(f"{name}: the table does not show {max(param.opts, key=len)}")
        for option in re.findall(r"(?<![\w-])--?[a-z][\w-]*", said):
            if option not in options:
                problems.append(f"{name}: the table shows {option}, which the command does not take")
        wanted = [p.human_readable_name.upper() for p in command.params if isinstance(p, click.Argument)]
        wanted = [re.sub(r"[\[\].]", "", a) for a in wanted]
        usage = re.sub(r"\[-[^\]]*\]", "", mine[0][len(name) :]) if mine else ""
        shown = [re.sub(r"[\[\].]", "", word) for word in usage.split()]
        if shown != wanted:
            problems.append(f"{name}: the table's first row shows arguments {shown}, the command takes {wanted}")
    assert problems == []


def _shows(said: str, option: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", said) is not None
