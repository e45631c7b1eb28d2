"""What the import commands share: an error that lists every problem of a file at once."""


class ImportProblems(Exception):
    """The file cannot be imported; ``problems`` says why, one message per problem."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems
