"""The exceptions a clerk can meet, each carrying a Vietnamese sentence.

    DeskError                 -- anything we expect and can explain; .message is Vietnamese
     +-- InvalidInput         -- a field the clerk typed is wrong (.field names it)
     +-- NotAllowed           -- the action breaks a rule (status transition, second extension...)
     +-- NotFound             -- no such dossier / procedure
     +-- StoreError           -- the data file cannot be used (newer schema, locked, corrupt)
     +-- CodeExhausted        -- no dossier numbers left for this desk today
"""


class DeskError(Exception):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidInput(DeskError):
    pass


class NotAllowed(DeskError):
    pass


class NotFound(DeskError):
    pass


class StoreError(DeskError):
    pass


class CodeExhausted(DeskError):
    pass
