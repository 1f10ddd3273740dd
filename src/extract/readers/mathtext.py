"""LaTeX math in converter output → plain text, every output character mapped to the file.

PDF converters (MinerU, marker, Mathpix) wrap numbers and symbols in inline math and space
out every token: ``$4 8 . 4 8 \\%$`` is 48.48 %, ``$P { < } 0 . 0 5$`` is P<0.05,
``{ \\geqslant }`` is ≥, ``$\\mathrm { C D 4 ^ { + } }$`` is CD4+. In math mode LaTeX ignores
spaces, so the decoder drops them (``\\text{…}`` keeps its own) and keeps explicit spaces
(``~``, ``\\,``, ``\\ ``, ``\\quad``). Grouping braces go; font and size commands
(``\\mathrm``, ``\\mathbf``, ``\\scriptstyle``, ``\\phantom``…) leave their content or
nothing; symbols become their Unicode characters; ``x ^ { 2 }`` becomes ``x²`` and a bracketed
superscript ``^ { [ 3 , 4 ] }`` a caret citation ``^[3,4]`` for the citation puller.
Anything the decoder does not know leaves no backslash behind.

:func:`decode_markup` works on a whole file: inline ``$…$`` / ``\\(…\\)`` and display
``$$…$$`` math, and the Markdown escapes converters write in running text (``\\~``, ``\\*``).
"""

from __future__ import annotations

import re

SYMBOLS: dict[str, str] = {
    "geqslant": "≥",
    "geq": "≥",
    "ge": "≥",
    "leqslant": "≤",
    "leq": "≤",
    "le": "≤",
    "neq": "≠",
    "ne": "≠",
    "pm": "±",
    "mp": "∓",
    "times": "×",
    "div": "÷",
    "sim": "~",
    "approx": "≈",
    "simeq": "≃",
    "lt": "<",
    "gt": ">",
    "cdot": "·",
    "cdots": "…",
    "ldots": "…",
    "dots": "…",
    "bullet": "•",
    "circ": "°",
    "degree": "°",
    "prime": "′",
    "infty": "∞",
    "rightarrow": "→",
    "to": "→",
    "leftarrow": "←",
    "uparrow": "↑",
    "downarrow": "↓",
    "Rightarrow": "⇒",
    "%": "%",
    "_": "_",
    "&": "&",
    "#": "#",
    "$": "$",
    "{": "{",
    "}": "}",
    "alpha": "α",
    "beta": "β",
    "gamma": "γ",
    "delta": "δ",
    "epsilon": "ε",
    "varepsilon": "ε",
    "kappa": "κ",
    "lambda": "λ",
    "mu": "μ",
    "pi": "π",
    "rho": "ρ",
    "sigma": "σ",
    "tau": "τ",
    "chi": "χ",
    "omega": "ω",
    "Delta": "Δ",
    "Sigma": "Σ",
    "Omega": "Ω",
    "sum": "Σ",
    "textless": "<",
    "textgreater": ">",
    "textasciitilde": "~",
    "backslash": "\\",
    "vert": "|",
    "mid": "|",
    "lvert": "|",
    "rvert": "|",
    "langle": "⟨",
    "rangle": "⟩",
    "star": "*",
    "ast": "*",
    "S": "§",
    "partial": "∂",
    "surd": "√",
    "cap": "∩",
    "cup": "∪",
}
SPACES = {",", ";", ":", " ", "quad", "qquad", "enspace", "thinspace", "medspace", "thickspace"}
# commands whose braced argument is text to keep (font, accent-free wrappers)
KEEP_ARG = {
    "mathrm",
    "mathbf",
    "mathit",
    "mathsf",
    "mathtt",
    "mathcal",
    "mathbb",
    "mathfrak",
    "mathscr",
    "boldsymbol",
    "bm",
    "textbf",
    "textit",
    "textrm",
    "textsf",
    "texttt",
    "emph",
    "operatorname",
    "operatorname*",
    "mathnormal",
    "overline",
    "underline",
    "widetilde",
    "widehat",
    "tilde",
    "hat",
    "bar",
    "vec",
    "dot",
    "ddot",
    "overbrace",
    "underbrace",
    "mathop",
    "mathbin",
    "mathrel",
    "mathord",
    "displaylimits",
    "boxed",
    "cancel",
    "left",
    "right",
    "stackrel",
    "overset",
    "underset",
    "textcircled",
    "pmb",
    "textsuperscript",
    "textsubscript",
}
TEXT_ARG = {"text", "mbox", "hbox", "textnormal", "textup"}  # spaces inside are kept
DROP_ARG = {"phantom", "hphantom", "vphantom", "label", "tag", "hspace", "vspace"}
DROP = {
    "scriptstyle",
    "displaystyle",
    "textstyle",
    "scriptscriptstyle",
    "big",
    "Big",
    "bigg",
    "Bigg",
    "bigl",
    "bigr",
    "Bigl",
    "Bigr",
    "biggl",
    "biggr",
    "limits",
    "nolimits",
    "!",
    "nonumber",
    "hline",
    "cline",
    "tiny",
    "small",
    "large",
    "Large",
    "normalsize",
    "footnotesize",
}
CITATION_REFS = r"[0-9０-９,，\-–—~～、\s]{1,40}"
"""What a bracketed citation marker holds: ``3``, ``3,4``, ``1-2``, ``１、３``."""
_CITATION_SCRIPT = re.compile(rf"\[{CITATION_REFS}\]")
_COMMAND = re.compile(r"\\([A-Za-z]+\*?|.)")
SUPERSCRIPT = str.maketrans("0123456789+-−=()n", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻⁼⁽⁾ⁿ")

Piece = tuple[str, int]  # one output character and the file offset it came from


class _Math:
    """Recursive-descent decoding of one math span ``src[start:end]``."""

    def __init__(self, src: str, start: int, end: int) -> None:
        self.s, self.i, self.end = src, start, end

    def run(self) -> list[Piece]:
        return self._seq(stop=None, keep_spaces=False)

    def _seq(self, stop: str | None, keep_spaces: bool) -> list[Piece]:
        out: list[Piece] = []
        s = self.s
        while self.i < self.end:
            c = s[self.i]
            if stop is not None and c == stop:
                self.i += 1
                return out
            if c == "{":
                self.i += 1
                out += self._seq("}", keep_spaces)
            elif c == "}":  # unbalanced: skip
                self.i += 1
            elif c == "\\":
                out += self._command(keep_spaces)
            elif c in "^_":
                out += self._script(c)
            elif c == "~":
                out.append((" ", self.i))
                self.i += 1
            elif c.isspace():
                if keep_spaces:
                    out.append((" ", self.i))
                self.i += 1
            elif c == "&":  # array column separator
                out.append((" ", self.i))
                self.i += 1
            else:
                out.append((c, self.i))
                self.i += 1
        return out

    def _arg(self, keep_spaces: bool = False) -> list[Piece]:
        """The next argument: a braced group or a single token."""
        s = self.s
        while self.i < self.end and s[self.i].isspace():
            self.i += 1
        if self.i >= self.end:
            return []
        if s[self.i] == "{":
            self.i += 1
            return self._seq("}", keep_spaces)
        if s[self.i] == "\\":
            return self._command(keep_spaces)
        piece = [(s[self.i], self.i)]
        self.i += 1
        return piece

    def _command(self, keep_spaces: bool) -> list[Piece]:
        s, at = self.s, self.i
        m = _COMMAND.match(s, at, self.end)
        if m is None:
            self.i += 1
            return []
        name = m.group(1)
        self.i = m.end()
        if name in ("\\",):  # line break in an array
            return [(" ", at)]
        if name in SPACES:
            return [(" ", at)]
        if name in SYMBOLS:
            return [(ch, at) for ch in SYMBOLS[name]]
        if name in TEXT_ARG:
            return self._arg(keep_spaces=True)
        if name in KEEP_ARG:
            if name in ("left", "right"):  # \left( … \right): the delimiter is the next token
                d = self._arg()
                return [p for p in d if p[0] != "."]
            return self._arg(keep_spaces)
        if name in DROP_ARG:
            self._arg()
            return []
        if name in ("begin", "end"):
            self._arg()  # the environment's name
            while self.i < self.end and s[self.i].isspace():
                self.i += 1
            if name == "begin" and self.i < self.end and s[self.i] == "{":
                self._arg()  # array column spec
            return []
        if name in DROP:
            return []
        if name in ("frac", "dfrac", "tfrac"):
            num, den = self._arg(keep_spaces), self._arg(keep_spaces)
            return num + [("/", at)] + den
        if name == "sqrt":
            return [("√", at)] + self._arg(keep_spaces)
        # unknown command: its name is dropped, whatever follows is read on
        return []

    def _script(self, kind: str) -> list[Piece]:
        at = self.i
        self.i += 1
        body = self._arg()
        text = "".join(ch for ch, _ in body)
        if kind == "^":
            flat = text.strip()
            if _CITATION_SCRIPT.fullmatch(flat):
                return [("^", at)] + body  # a citation: ^[3,4] for the citation puller
            if flat in ("*", "**", "***", "#", "△", "▲", "a", "b", "c", "d", "†", "‡"):
                return body  # a footnote mark stays a plain character
            if flat and all(ch in "0123456789+-−=()n" for ch in flat):
                return [(ch.translate(SUPERSCRIPT), pos) for ch, pos in body]
        return body


_DISPLAY = re.compile(r"\$\$(.+?)\$\$", re.S)
_INLINE = re.compile(r"(?<!\\)\$([^$]{1,400}?)\$|\\\((.{1,400}?)\\\)", re.S)
# what makes a $…$ span math rather than two dollar signs of prices: a command, a brace, a
# script, an operator, or the converters' spaced-out digits
_MATHY = re.compile(r"\\|[{}^_]|\d \d|[<>=]|^\s*[\d.]+\s*$")
_MD_ESCAPE = re.compile(r"\\([~*_#`\[\]()<>|!{}.+\-%&])")
_ANY_COMMAND = re.compile(r"\\[A-Za-z]+")


def has_converter_math(text: str) -> bool:
    """True when ``text`` carries inline math the way converters write it (spaced tokens,
    braces or commands inside ``$…$``), as opposed to a lone dollar sign."""
    return bool(
        re.search(r"\$[^$\n]{0,80}(?:\d \d|\\[A-Za-z%]|\{ ?[<>=]|[<>=]) ?[^$\n]{0,80}\$", text)
    )


def decode_markup(text: str, all_math: bool = True) -> tuple[str, list[int]]:
    """Decode math and Markdown escapes: the text and each character's offset in ``text``.

    With ``all_math`` (converter output, where a dollar sign always opens math) every
    ``$…$`` span is math, ``$P$`` and ``$+$`` included; otherwise only spans that look like
    math (:data:`_MATHY`) are, so that prices keep their dollar signs.
    """
    pieces: list[Piece] = []
    spans: list[tuple[int, int, int, int]] = []  # (start, end, inner start, inner end)
    for m in _DISPLAY.finditer(text):
        spans.append((m.start(), m.end(), m.start(1), m.end(1)))
    taken = [(a, b) for a, b, _, _ in spans]

    def free(a: int, b: int) -> bool:
        return all(b <= x or a >= y for x, y in taken)

    for m in _INLINE.finditer(text):
        g = 1 if m.group(1) is not None else 2
        if free(m.start(), m.end()) and (g == 2 or all_math or _MATHY.search(m.group(1))):
            spans.append((m.start(), m.end(), m.start(g), m.end(g)))
    spans.sort()
    pos = 0
    for a, b, ia, ib in spans:
        pieces += _plain(text, pos, a, all_math)
        pieces += _Math(text, ia, ib).run()
        pos = b
    pieces += _plain(text, pos, len(text), all_math)
    return "".join(ch for ch, _ in pieces), [o for _, o in pieces]


_KNOWN = re.compile(
    r"\\("
    + "|".join(
        sorted(
            (
                re.escape(n)
                for n in {*SYMBOLS, *KEEP_ARG, *TEXT_ARG, *DROP_ARG, *DROP}
                if n[:1].isalpha()
            ),
            key=len,
            reverse=True,
        )
    )
    + r")(?![A-Za-z])"
)


def _plain(text: str, a: int, b: int, all_math: bool = False) -> list[Piece]:
    """Running text between math spans: Markdown escapes lose their backslash; a LaTeX
    command whose opening ``$`` the converter lost (``\\scriptstyle { P = 0 . 0 1 6 }$``)
    is decoded as math up to that stray ``$`` or the end of the line. In converter output
    (``all_math``) any command counts, and a dollar sign left unpaired is dropped."""
    out: list[Piece] = []
    i = a
    known = _ANY_COMMAND if all_math else _KNOWN
    while i < b:
        if all_math and text[i] == "$":
            i += 1
            continue
        k = known.match(text, i, b)
        if k:
            stop = min(x for x in (text.find("$", i, b), text.find("\n", i, b), b) if x != -1)
            out += _Math(text, i, stop).run()
            i = stop + 1 if stop < b and text[stop] == "$" else stop
            continue
        m = _MD_ESCAPE.match(text, i, b)
        if m:
            out.append((m.group(1), i + 1))
            i = m.end()
            continue
        out.append((text[i], i))
        i += 1
    return out
