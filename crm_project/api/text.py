"""The characters no parameter may carry, written once for the parsers and the renderers."""

import re

# C0 controls but tab, LF and CR: what XML 1.0 and a text column refuse.
_CONTROLS = "\x00-\x08\x0b\x0c\x0e-\x1f"
CONTROL_CHARACTER = re.compile(f"[{_CONTROLS}]")
# Besides the controls, lone surrogates (not encodable as UTF-8) and the non-characters
# U+FFFE/U+FFFF: the text XML 1.0 cannot carry, even escaped, and the API refuses as input.
NOT_XML_TEXT = re.compile(f"[{_CONTROLS}\ud800-\udfff\ufffe\uffff]")
