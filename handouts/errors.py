"""Errors: one hierarchy; each error names the file, key or line at fault."""

from __future__ import annotations


class HandoutError(Exception):
    """Base of every error the tool reports as `Error: …` with exit code 1."""

    def __init__(self, *problems: str) -> None:
        super().__init__("\n".join(problems))
        self.problems: tuple[str, ...] = problems

    def lines(self) -> list[str]:
        """Return one readable line per problem."""
        return list(self.problems)


class ConfigError(HandoutError):
    """A clinic folder or clinic.toml is invalid (every problem at once)."""


class SelectionError(HandoutError):
    """An unknown or unusable practitioner, handout, language or paper size."""


class TemplateError(HandoutError):
    """A handout template is broken: Jinja2, front matter or Markdown."""


class RenderError(HandoutError):
    """Text cannot be laid out: a missing glyph, a handout that overflows."""


class OutputError(HandoutError):
    """The PDF cannot be written where it was asked to go."""


def problem(file: object, key: str, message: str) -> str:
    """Format one problem as `<file>: <key path>: <what is wrong>`."""
    return f"{file}: {key}: {message}" if key else f"{file}: {message}"


class DeliveryError(HandoutError):
    """A printer or mail server refused the handout, or cannot be reached."""
