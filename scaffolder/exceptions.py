"""Every failure scaffolder reports to a user, each with the exit code it ends the command with.

Only the CLI turns these into click errors; the core raises them with a message
that reads as one complete sentence. As in click (`ClickException.exit_code`), the
class says the exit code: 2 for bad input from the user, 1 for everything else.
"""

BAD_INPUT = 2
FAILURE = 1


class ScaffolderError(Exception):
    """Base class of scaffolder's own errors."""

    exit_code = FAILURE


class InputError(ScaffolderError):
    """Base class of errors in what the user typed: a name, a path, an answer."""

    exit_code = BAD_INPUT


class UnknownTemplateError(InputError):
    """Raised when `new` is given a template name that does not exist."""


class InvalidContextError(InputError):
    """Raised when a template variable (key=value or prompt answer) is unusable."""


class TargetExistsError(InputError):
    """Raised when the directory a project would be generated into already exists."""


class NotAProjectError(InputError):
    """Raised when a command needs a practice project and the path is not one."""


class UnknownExerciseError(InputError):
    """Raised when an exercise number or slug does not exist in the project."""


class TemplateError(ScaffolderError):
    """Raised when a template itself is broken: a bad manifest or cookiecutter.json."""


class ManifestError(TemplateError):
    """Raised when an exercises manifest is missing, unreadable or invalid."""


class MarkerError(TemplateError):
    """Raised when exercise region markers are nested, unclosed or malformed."""


class RenderError(ScaffolderError):
    """Raised when cookiecutter fails to render a template."""


class WriteError(ScaffolderError):
    """Raised when the file system refuses a write: a full disk, a read-only folder, no permission."""


class StateError(ScaffolderError):
    """Raised when a record scaffolder keeps (state.json, journey.json) is damaged or of an unknown version."""


class RestoreError(ScaffolderError):
    """Raised when an exercise's code cannot be found in the learner's files, or the reference cannot be made."""


class WatchError(ScaffolderError):
    """Raised when the project's files cannot be watched for changes."""


class ReviewError(ScaffolderError):
    """Raised when `review` cannot review: the app does not build for the route probe, or a tool cannot run."""


class TestRunError(ScaffolderError):
    """Raised when the practice project's test run cannot start, crashes or hangs."""

    __test__ = False  # not a test class, whatever pytest thinks of the name
