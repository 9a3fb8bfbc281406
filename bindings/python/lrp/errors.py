"""The library's failures as Python exceptions.

:class:`LrpError` is the base; there is one subclass per ``LRP_ERR_*`` status of the
header, generated from the header's constants when the package is imported (so a status
added to the C ABI gets its class without an edit here): ``LRP_ERR_SHAPE_MISMATCH`` becomes
``ShapeMismatchError``, ``LRP_ERR_IO`` ``IoError``, and so on. Each carries the status
code (``status``), its constant name (``status_name``) and the library's message
(``message``, naming the argument, expected and given, or file and line).

Some classes also derive from the built-in exception a Python user would catch for that
failure (``ValueError`` for bad arguments and shapes, ``OSError`` for files,
``KeyError``-free ``LookupError`` for unknown names), so generic handlers keep working.
"""

__all__ = ["LrpError", "error_for", "STATUS_CLASSES"]


class LrpError(Exception):
    """A failed library call: ``status`` (the LRP_ERR_* code), ``status_name``, ``message``."""

    def __init__(self, status, status_name, message):
        super().__init__(f"{status_name}: {message}")
        self.status = status
        self.status_name = status_name
        self.message = message

    def __reduce__(self):
        # Picklable, so errors raised on a Dask worker reach the client intact.
        return (type(self), (self.status, self.status_name, self.message))


#: The built-in base each status adds, where one fits.
_BUILTIN_BASES = {
    "LRP_ERR_NULL_ARGUMENT": (ValueError,),
    "LRP_ERR_INVALID_ARGUMENT": (ValueError,),
    "LRP_ERR_SHAPE_MISMATCH": (ValueError,),
    "LRP_ERR_UNKNOWN_RULE": (LookupError,),
    "LRP_ERR_PARSE": (ValueError,),
    "LRP_ERR_IO": (OSError,),
    "LRP_ERR_OUT_OF_ORDER": (RuntimeError,),
    "LRP_ERR_NON_FINITE": (ValueError,),
    "LRP_ERR_PANIC": (RuntimeError,),
}

#: status code -> exception class, filled by _generate.
STATUS_CLASSES = {}


def class_name(status_name):
    """LRP_ERR_SHAPE_MISMATCH -> ShapeMismatchError."""
    words = status_name[len("LRP_ERR_"):].lower().split("_")
    return "".join(w.capitalize() for w in words) + "Error"


def _init(self, status, status_name, message):
    LrpError.__init__(self, status, status_name, message)


def _generate(constants):
    """Creates one LrpError subclass per LRP_ERR_* constant of the header."""
    for name, code in sorted(constants.items(), key=lambda kv: kv[1]):
        if not name.startswith("LRP_ERR_"):
            continue
        cls = type(
            class_name(name),
            (LrpError,) + _BUILTIN_BASES.get(name, ()),
            {
                "__doc__": f"The library returned {name} ({code}).",
                "__module__": __name__,
                "__init__": _init,
                "__str__": lambda self: f"{self.status_name}: {self.message}",
                "STATUS": code,
            },
        )
        globals()[cls.__name__] = cls
        __all__.append(cls.__name__)
        STATUS_CLASSES[code] = cls


def error_for(status, status_name, message):
    """The exception for a status (LrpError itself for a code the header does not name)."""
    return STATUS_CLASSES.get(status, LrpError)(status, status_name, message)
