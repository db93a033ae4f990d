"""The launcher's one error type: a message a user can act on, printed without a traceback."""


class LauncherError(Exception):
    pass
