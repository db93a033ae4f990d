"""The one error type whose message clients may see, with the code they can act on."""


class ApiError(Exception):
    """An expected failure: its message is shown as is, with `code` in `extensions.code`."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


def bad_input(message: str) -> ApiError:
    return ApiError(message, "BAD_USER_INPUT")
