"""Values as XML character data and attributes (GraphML, GEXF)."""

import re
from xml.sax.saxutils import escape, quoteattr

# Characters XML 1.0 cannot hold at all, even escaped; a quote from a web page may carry one.
_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(value: object) -> str:
    return _INVALID.sub(
        "", value if isinstance(value, str) else repr(value) if isinstance(value, float) else str(value)
    )


def text(value: object) -> str:
    return escape(_clean(value))


def attr(value: object) -> str:
    return quoteattr(_clean(value))
