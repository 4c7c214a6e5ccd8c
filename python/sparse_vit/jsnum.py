"""JavaScript's number parsing and printing, so that values and messages read exactly as the
TypeScript decoder writes them (``String(1e-5)`` is ``0.00001`` in JS, ``1e-05`` in Python)."""
from __future__ import annotations

import math
import re

# The characters String.prototype.trim() removes (WhiteSpace and LineTerminator in ECMAScript).
JS_WHITESPACE = "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"

_DECIMAL = re.compile(r"[+-]?(?:(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|Infinity)", re.ASCII)
_RADIX = re.compile(r"0([xX][0-9a-fA-F]+|[oO][0-7]+|[bB][01]+)", re.ASCII)

MAX_SAFE_INTEGER = 2 ** 53 - 1


def js_trim(s: str) -> str:
    return s.strip(JS_WHITESPACE)


def as_js_number(x: int | float) -> int | float:
    """A Python int as the double JS would hold: exact below 2^53, else rounded like Number()."""
    if isinstance(x, int) and not isinstance(x, bool) and abs(x) > MAX_SAFE_INTEGER:
        return float(x)
    return x


def js_number(raw: str) -> float:
    """Number(raw): NaN where JS gives NaN."""
    s = js_trim(raw)
    if s == "":
        return 0.0
    if _RADIX.fullmatch(s):
        return float(int(s, 0))
    if _DECIMAL.fullmatch(s):
        if s.endswith("Infinity"):
            return -math.inf if s.startswith("-") else math.inf
        return float(s)
    return math.nan


def _digits_exponent(x: float) -> tuple[str, int]:
    """Shortest round-trip digits d1d2…dk and n with x = 0.d1…dk × 10^n (x > 0, finite)."""
    r = repr(x)
    mantissa, _, exp = r.partition("e")
    whole, _, frac = mantissa.partition(".")
    digits = (whole + frac).lstrip("0")
    lead_zeros = len(whole + frac) - len((whole + frac).lstrip("0"))
    n = len(whole) - lead_zeros + (int(exp) if exp else 0)
    digits = digits.rstrip("0") or "0"
    return digits, n


def js_str(v: object) -> str:
    """String(v) for the values a config holds: booleans, strings, ints and floats."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return v
    if v is None:
        return "null"
    if isinstance(v, int):
        return str(v) if abs(v) < 10 ** 21 else js_str(float(v))
    x = float(v)  # type: ignore[arg-type]
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    if x == 0:
        return "0"
    if x < 0:
        return "-" + js_str(-x)
    digits, n = _digits_exponent(x)
    k = len(digits)
    if k <= n <= 21:
        return digits + "0" * (n - k)
    if 0 < n <= 21:
        return digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return "0." + "0" * (-n) + digits
    e = n - 1
    head = digits[0] + ("." + digits[1:] if k > 1 else "")
    return f"{head}e{'+' if e >= 0 else '-'}{abs(e)}"


def is_integer(v: object) -> bool:
    """Number.isInteger."""
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return False
    return isinstance(v, int) or (math.isfinite(v) and v == int(v))


def is_finite(v: object) -> bool:
    """Number.isFinite."""
    return not isinstance(v, bool) and isinstance(v, (int, float)) and math.isfinite(v)
