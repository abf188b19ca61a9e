"""The one exception a route raises to answer with something other than 200."""

from __future__ import annotations

from adapter.outcome import Issue, OperationOutcome


class HttpProblem(Exception):
    """An answer that is not 200: an HTTP status, an OperationOutcome, and headers to add."""

    def __init__(self, status: int, outcome: OperationOutcome, headers: dict[str, str] | None = None) -> None:
        super().__init__(str(outcome))
        self.status = status
        self.outcome = outcome
        self.headers = headers or {}

    @classmethod
    def single(
        cls,
        status: int,
        code: str,
        message_id: str,
        text: str,
        expression: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> HttpProblem:
        return cls(status, OperationOutcome.of([Issue.error(code, message_id, text, expression)]), headers)
