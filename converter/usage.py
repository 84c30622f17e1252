"""The command line's own texts in French: help option, usage line, value names, usage errors.

Typer (0.29) vendors Click with its texts written in English in f-strings, not through gettext,
so they cannot be translated by a catalogue. Typer lets a command choose its class
(``cls=``): ``FrenchCommand`` and ``FrenchGroup`` write the usage line and the help option in
French and name each value in French (``DOSSIER``, ``ENTIER``) instead of ``<path>`` or
``<int range> [x>=1]``; ``usage_message`` says each kind of usage error in French from the
error's own fields (its parameter, its option name), reading Click's English text only where
that is all it gives (an unknown command, extra arguments).
"""

from __future__ import annotations

import difflib
import re
import sys
from typing import Any

import typer
from typer._click import Context, HelpFormatter
from typer._click import exceptions as click_errors
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

HELP_TEXT = "Affiche cette aide et s'arrête."
USAGE_PREFIX = "Utilisation : "
OPTIONS = "[OPTIONS]"
SUBCOMMAND = "COMMANDE [ARGUMENTS]..."
USAGE_EXIT = 2

# A value's name in help and usage when the command does not give one, by Python type name.
VALUE_NAMES = {"Path": "CHEMIN", "int": "ENTIER", "float": "NOMBRE", "str": "TEXTE"}


def _annotation_name(param: TyperArgument | TyperOption) -> str:
    annotation = param.type_descriptor.annotation
    return getattr(annotation, "__name__", str(annotation))


def value_name(param: TyperArgument | TyperOption) -> str:
    """What a parameter's value is called in French: its metavar, its choices, or its type."""
    if param.metavar:
        return param.metavar
    choices = param.type_descriptor.choices
    if choices:
        return "|".join(str(getattr(c, "value", c)) for c in choices)
    name = VALUE_NAMES.get(_annotation_name(param), "VALEUR")
    return name


class _French:
    """What ``FrenchCommand`` and ``FrenchGroup`` share."""

    params: list[Any]
    options_metavar: str | None

    def _name_values(self) -> None:
        for param in self.params:
            if isinstance(param, TyperOption):
                # an option shows its metavar as its type; a flag takes no value
                param.metavar = "" if param.is_flag else value_name(param)
            elif isinstance(param, TyperArgument):
                param.metavar = value_name(param)
                # Typer shows an argument's Python type beside its name: the name says it all
                param.display_type_rich = lambda ctx: None  # type: ignore[method-assign]

    def get_help_option(self, ctx: Context) -> TyperOption | None:
        option: TyperOption | None = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help, option.metavar = HELP_TEXT, ""
        return option

    def collect_usage_pieces(self, ctx: Context) -> list[str]:
        pieces = [OPTIONS] if self.options_metavar else []
        for param in self.params:
            if isinstance(param, TyperArgument):
                name = value_name(param) + ("..." if param.nargs != 1 else "")
                pieces.append(name if param.required else f"[{name}]")
        return pieces

    def format_usage(self, ctx: Context, formatter: HelpFormatter) -> None:
        pieces = self.collect_usage_pieces(ctx)
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix=USAGE_PREFIX)


class FrenchCommand(_French, TyperCommand):
    """A command whose help and usage are in French."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._name_values()


class FrenchGroup(_French, TyperGroup):
    """The ``cskg`` group, in French; its commands are ``FrenchCommand``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._name_values()

    def collect_usage_pieces(self, ctx: Context) -> list[str]:
        return [*super().collect_usage_pieces(ctx), SUBCOMMAND]

    def main(  # type: ignore[override]
        self, args: list[str] | None = None, prog_name: str | None = None, **kwargs: Any
    ) -> Any:
        """Run ``cskg``; a usage error is told in French on stderr, with exit status 2."""
        standalone_mode = kwargs.pop("standalone_mode", True)
        try:
            done = super().main(args, prog_name, standalone_mode=False, **kwargs)
        except click_errors.NoArgsIsHelpError:
            if not standalone_mode:
                raise
            sys.exit(USAGE_EXIT)  # the help was shown already
        except click_errors.UsageError as error:
            if not standalone_mode:
                raise
            sys.stderr.write(f"erreur : {usage_message(error)}\n")
            for line in usage_help(error):
                sys.stderr.write(line + "\n")
            sys.exit(USAGE_EXIT)
        except typer.Abort:
            if not standalone_mode:
                raise
            sys.stderr.write("interrompu\n")
            sys.exit(1)
        if not standalone_mode:
            return done
        sys.exit(done if isinstance(done, int) else 0)


def _hint(param: Any) -> str:
    if isinstance(param, TyperOption):
        return " / ".join(sorted(param.opts, key=len, reverse=True))
    if isinstance(param, TyperArgument):
        return value_name(param)
    return "un paramètre"


def _suggest(word: str, known: list[str]) -> str:
    close = difflib.get_close_matches(word, known, n=3, cutoff=0.6)
    return f" ; vouliez-vous dire {' ou '.join(close)} ?" if close else ""


def _bad_value(error: click_errors.BadParameter) -> str:
    param = error.param
    hint = _hint(param)
    if isinstance(param, TyperArgument | TyperOption):
        choices = param.type_descriptor.choices
        if choices:
            given = re.search(r"'([^']*)' is not one of", error.message)
            value = f"« {given.group(1)} » " if given else ""
            known = ", ".join(str(getattr(c, "value", c)) for c in choices)
            return f"{hint} : valeur {value}inconnue ; valeurs possibles : {known}"
        kind = _annotation_name(param)
        if kind == "int":
            return f"{hint} : nombre entier attendu"
        if kind == "float":
            return f"{hint} : nombre attendu (par exemple 30 ou 2.5)"
    return f"{hint} : valeur invalide"


def usage_message(error: click_errors.UsageError) -> str:
    """``error`` said in French, from its own fields.

    Click's text is read only for the errors that carry nothing else (unknown command,
    extra arguments); anything else keeps Click's text behind a French prefix, so no usage
    error is ever hidden.
    """
    ctx = error.ctx
    if isinstance(error, click_errors.NoSuchOption):
        known = sorted(
            {o for p in (ctx.command.get_params(ctx) if ctx else []) for o in p.opts if "-" in o}
        )
        return f"option inconnue : {error.option_name}" + _suggest(error.option_name, known)
    if isinstance(error, click_errors.MissingParameter):
        if isinstance(error.param, TyperArgument):
            return f"argument manquant : {_hint(error.param)}"
        return f"option obligatoire manquante : {_hint(error.param)}"
    if isinstance(error, click_errors.BadParameter):
        return _bad_value(error)
    if isinstance(error, click_errors.BadOptionUsage):
        if "requires an argument" in error.message:
            return f"l'option {error.option_name} attend une valeur"
        if "does not take a value" in error.message:
            return f"l'option {error.option_name} ne prend pas de valeur"
        return f"usage incorrect de l'option {error.option_name}"
    message = error.message
    unknown = re.match(r"No such command '(.*?)'", message)
    if unknown:
        commands = list(getattr(ctx.command, "commands", {}) if ctx else {})
        name = unknown.group(1)
        return f"commande inconnue « {name} »" + _suggest(name, commands)
    if message.startswith("Missing command"):
        return "commande manquante"
    extra = re.match(r"Got unexpected extra argument(?:s|\(s\))? \((.*)\)", message)
    if extra:
        return f"argument(s) en trop : {extra.group(1)}"
    return f"usage incorrect ({message})"


def usage_help(error: click_errors.UsageError) -> list[str]:
    """The usage line and where to find help, for the command the error is about."""
    ctx = error.ctx
    if ctx is None:
        return []
    return [ctx.get_usage(), f"Aide : {ctx.command_path} --help"]
