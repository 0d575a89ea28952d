"""Every failure scaffolder reports to a user.

Only the CLI turns these into click errors; the core raises them with a message
that reads as one complete sentence.
"""


class ScaffolderError(Exception):
    """Base class of scaffolder's own errors."""


class UnknownTemplateError(ScaffolderError):
    """Raised when `new` is given a template name that does not exist."""


class TemplateError(ScaffolderError):
    """Raised when a template itself is broken: a bad manifest or cookiecutter.json."""


class ManifestError(TemplateError):
    """Raised when an exercises manifest is missing, unreadable or invalid."""


class MarkerError(TemplateError):
    """Raised when exercise region markers are nested, unclosed or malformed."""


class InvalidContextError(ScaffolderError):
    """Raised when a template variable (key=value or prompt answer) is unusable."""


class TargetExistsError(ScaffolderError):
    """Raised when the directory a project would be generated into already exists."""


class RenderError(ScaffolderError):
    """Raised when cookiecutter fails to render a template."""


class NotAProjectError(ScaffolderError):
    """Raised when a command needs a practice project and the path is not one."""


class UnknownExerciseError(ScaffolderError):
    """Raised when an exercise number or slug does not exist in the project."""


class StateError(ScaffolderError):
    """Raised when a project's .scaffolder/state.json is damaged or of an unknown version."""


class TestRunError(ScaffolderError):
    """Raised when the practice project's test run cannot start, crashes or hangs."""

    __test__ = False  # not a test class, whatever pytest thinks of the name
