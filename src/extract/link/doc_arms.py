"""The arms of a primary report: the groups the whole document compares, and their roles.

A trial report names its arms throughout ("the TEGAFOX arm", "in the IL-2 group",
"the control group"), and a sentence often reports one arm's value without the other
("In the TEGAFOX arm, … an overall response rate of 38.9%", "13% of cases with
TEGAFIRI"). The sentence alone cannot say that value is an arm's rather than a single
cohort's; the document can. :func:`document_arms` collects the arms an English report
names as groups, and gives each a role by the words of its name, as the curators do
(``corpus/gold/NOTES_adjudication.md``, convention 1): placebo / control / "alone" /
a bare standard treatment is the control. When no arm is so named, the arm the report
calls its standard ("standard FOLFOX4", the comparator of its non-inferiority test), else
the one it names most often as the reference of a comparison ("… compared with FEC"), else
the one the other adds a treatment to (nivolumab in relatlimab–nivolumab), is the control; every other arm of a comparison is experimental — two arms of which neither
is the standard are both experimental (``DocArms.head_to_head``).

Reviews of many trials and meta-analyses have no document arms: their groups are
other trials' arms.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..recognize.arms import arm_role
from .rules import lexicon, rx


@dataclass(frozen=True)
class DocArms:
    """Arm cores (lower-cased names without "the … group") → (name as written, role)."""

    roles: dict[str, tuple[str, str]] = field(default_factory=dict)

    @property
    def comparative(self) -> bool:
        return len(self.roles) >= 2

    @property
    def head_to_head(self) -> bool:
        """Two regimens compared, neither of them the standard or a control (convention 1 is
        about two arms; of three or more, the rules keep the comparator reported last)."""
        return len(self.roles) == 2 and all(role != "control" for _, role in self.roles.values())

    def role_of(self, arm: str | None) -> str | None:
        """Role of the document arm that ``arm`` (words of a sentence) names; None if none."""
        if not arm or not self.comparative:
            return None
        key = core(arm)
        hit = self.roles.get(key) or next(
            (v for k, v in self.roles.items() if _has_word(key, k) or _has_word(k, key)), None
        )
        return hit[1] if hit else None

    def named_near(self, text: str, lo: int, hi: int, last: bool) -> tuple[int, int, str] | None:
        """``(start, end, name)`` of the document arm named in ``text[lo:hi]`` (the last one
        named there, or the first)."""
        if not self.comparative or hi <= lo:
            return None
        window = text[lo:hi].lower()
        found = [
            (lo + pos, lo + pos + len(key), name)
            for key, (name, _) in self.roles.items()
            for pos in _word_positions(window, key)
        ]
        if not found:
            return None
        return max(found) if last else min(found)

    def named_in_order(self, text: str, lo: int, hi: int) -> list[tuple[int, str]]:
        """``(offset, key)`` of each document arm named in ``text[lo:hi]``, once, in the order
        first named (a longer name wins over one it contains: "FOLFOX4" over "FOLFOX")."""
        if not self.comparative or hi <= lo:
            return []
        window = text[lo:hi].lower()
        found = sorted(
            [(pos, -len(key), key) for key in self.roles for pos in _word_positions(window, key)]
            + self._listed_labels(text, lo, hi)
        )
        out: list[tuple[int, str]] = []
        covered = -1
        for pos, neg_len, key in found:
            if pos < covered:
                continue  # inside a longer name found at the same place
            covered = pos - neg_len
            if key not in (k for _, k in out):
                out.append((lo + pos, key))
        return out

    def _listed_labels(self, text: str, lo: int, hi: int) -> list[tuple[int, int, str]]:
        """``(offset in window, -1, key)`` of each labelled arm a plural list names ("in arms A
        and B respectively")."""
        by_letter = _label_keys(self.roles)
        if not by_letter:
            return []
        out = []
        for m in rx("link.arm_label_list_en.v1").finditer(text, lo, hi):
            listed = text[m.start("first") : m.end()]
            for i, ch in enumerate(listed):
                alone = not listed[i + 1 : i + 2].isalnum() and not listed[i - 1 : i].isalnum()
                if (ch.isupper() or ch.isdigit()) and alone and ch.lower() in by_letter:
                    out.append((m.start("first") + i - lo, -1, by_letter[ch.lower()][0]))
        return out

    def role_and_name(self, key: str) -> tuple[str, str]:
        """(role, name as written) of the document arm ``key``."""
        name, role = self.roles[key]
        return role, name


def document_arms(
    text: str, spans: list[tuple[int, int]], n_trials: int, meta_analysis: bool
) -> DocArms:
    """The arms a primary report names as groups ("the X arm / group") in its English
    sentences (``spans``)."""
    names: dict[str, str] = {}
    rules = ("link.document_arm_en.v1", "link.document_arm_label_en.v1")
    hits = (m for r in rules for lo, hi in spans for m in rx(r).finditer(text, lo, hi))
    for m in hits:
        name = m.group("arm").strip()
        role = arm_role(name + " group")
        if role == "single" or core(name) in lexicon("not_arm_cores"):
            continue  # a group by a patient or tumour factor is a subgroup, not an arm
        if rx("link.other_trials_arm_en.v1").match(text, m.end()):
            continue  # "the pertuzumab arm of the CLEOPATRA trial": another study's arm
        names.setdefault(core(name), name)
    labelled_control = _label_control_aliases(names)
    if len(names) < 2 or n_trials > 1 or meta_analysis:
        return DocArms()
    roles = {k: (name, arm_role(name + " group") or "experimental") for k, name in names.items()}
    if all(role != "control" for _, role in roles.values()):
        standard = (
            labelled_control
            or _labelled_standard(text, spans, roles)
            or _named_standard(text, spans, roles)
            or _benchmark_arm(text, spans, roles)
            or _added_to(roles)
        )
        for key in _same_label(roles, standard) if standard else _combined_bases(roles):
            roles[key] = (roles[key][0], "control")
    _labels_as_defined(text, spans, roles)
    return DocArms(roles)


def _labels_as_defined(
    text: str, spans: list[tuple[int, int]], roles: dict[str, tuple[str, str]]
) -> None:
    """A labelled arm and the treatment arm its label is defined as ("Arm A (PC)", "PC (arm A)")
    are one arm: when either is the control, both are."""
    letters = _label_keys(roles)
    for label, treat in _label_definitions(text, spans):
        key = core(treat)
        if label not in letters or key not in roles or key in letters[label]:
            continue
        same = [*letters[label], key]
        if any(roles[k][1] == "control" for k in same):
            for k in same:
                roles[k] = (roles[k][0], "control")


def _label_control_aliases(names: dict[str, str]) -> str | None:
    """Drop "group B control" (from "the group B control arm") from ``names``, another name
    of "group B"; return the key of the label so named the control."""
    found = None
    for key in list(names):
        m = rx("link.label_control_en.v1").match(key)
        if m is not None:
            del names[key]
            label = core(m.group("label"))
            names.setdefault(label, m.group("label"))
            found = label
    return found


def _label_keys(roles: dict[str, tuple[str, str]]) -> dict[str, list[str]]:
    """Letter (or number) of each labelled arm → its keys ("b" → ["arm b", "group b"])."""
    out: dict[str, list[str]] = {}
    for k, (name, _) in roles.items():
        if rx("link.document_arm_label_en.v1").fullmatch(name):
            out.setdefault(k.split()[-1], []).append(k)
    return out


def _same_label(roles: dict[str, tuple[str, str]], key: str | None) -> list[str]:
    """``key`` and the other names of its labelled arm ("arm a" and "group a")."""
    if key is None:
        return []
    same = next((keys for keys in _label_keys(roles).values() if key in keys), None)
    return same or [key]


def _labelled_standard(
    text: str, spans: list[tuple[int, int]], roles: dict[str, tuple[str, str]]
) -> str | None:
    """The labelled arm whose treatment, as the report defines the label ("chemo-immunotherapy
    (group A) or chemotherapy (group B)"), is the control: a bare standard treatment, or the
    treatment the other label's adds to ("… plus RT (A), or … plus cetuximab plus RT (B)")."""
    letters = _label_keys(roles)
    if len(letters) != 2:
        return None  # no two labelled arms: nothing to look up
    treatments: dict[str, str] = {}
    for label, treat in _label_definitions(text, spans):
        if label in letters and treat:
            treatments.setdefault(letters[label][-1], treat.lower())  # the first definition
    if len(treatments) != 2 or len(set(treatments.values())) != 2:
        return None
    standard = [k for k, t in treatments.items() if arm_role(t) == "control"]
    if len(standard) == 1:
        return standard[0]
    base = _added_to({t: (t, "") for t in treatments.values()})
    return next((k for k, t in treatments.items() if t == base), None)


def _label_definitions(text: str, spans: list[tuple[int, int]]) -> list[tuple[str, str]]:
    """(label letter, treatment words) of each "TREATMENT (arm A)" in the English sentences,
    an abbreviation the treatment defines ("radiotherapy (RT)") standing for its word, then
    of each "Arm A (TREATMENT)"."""
    out = []
    for lo, hi in spans:
        for m in rx("link.arm_label_definition_en.v1").finditer(text, lo, hi):
            window = text[max(lo, m.start() - 120) : m.start()]
            window = rx("link.abbreviation_defined.v1").sub(lambda a: a.group("abbr"), window)
            starts = [b.end() for b in rx("link.arm_label_treatment_start.v1").finditer(window)]
            treat = window[starts[-1] if starts else 0 :].strip()
            out.append((m.group("label").lower(), treat))
        for m in rx("link.arm_label_defined_en.v1").finditer(text, lo, hi):
            out.append((m.group("label").lower(), m.group("treat").strip()))  # "Arm A (PC)"
    return out


def _named_standard(
    text: str, spans: list[tuple[int, int]], roles: dict[str, tuple[str, str]]
) -> str | None:
    """The arm the report calls its standard ("standard FOLFOX4", "cisplatin (the standard
    arm)", the comparator of its non-inferiority test), when it names exactly one; by the
    abbreviation it defines there too ("conventional chemoradiotherapy (CRT)" names the CRT
    group)."""
    found = set()
    for lo, hi in spans:
        for m in rx("link.standard_arm_en.v1").finditer(text, lo, hi):
            group = next((g for g in ("arm", "arm2", "arm3") if m.group(g)), None)
            if group is None:
                continue
            defined = rx("link.abbreviation_defined.v1").match(text, m.start(group), hi)
            words = [m.group(group).lower()] + ([defined.group("abbr").lower()] if defined else [])
            found.update(k for k in roles for w in words if k == w or _has_word(k, w))
    return found.pop() if len(found) == 1 else None


def _benchmark_arm(
    text: str, spans: list[tuple[int, int]], roles: dict[str, tuple[str, str]]
) -> str | None:
    """The arm the report measures the other against as its benchmark ("RFA is inferior to
    resection", "a safe alternative … with outcomes equivalent to those achieved with hepatic
    resection", "whether vinorelbine … is equally effective as cisplatin"), when it names exactly
    one so. Only the arm named right after the phrase (no punctuation between) counts."""
    arms = DocArms(roles)
    found = set()
    for lo, hi in spans:
        for m in rx("link.benchmark_arm_en.v1").finditer(text, lo, hi):
            hit = arms.named_near(text, m.end(), min(hi, m.end() + 30), last=False)
            if hit is not None and not any(c in ",.;:()" for c in text[m.end() : hit[0]]):
                found.add(core(hit[2]))
    return found.pop() if len(found) == 1 else None


def _added_to(roles: dict[str, tuple[str, str]]) -> str | None:
    """The arm the other adds a treatment to, which is therefore its control: nivolumab in
    relatlimab–nivolumab vs nivolumab, CT in PET/CT vs CT. Another name of the same arm ("1 cm"
    and "1 cm excision margin") adds only generic words, and a schedule only a number ("3" of
    "3-weekly docetaxel" over "weekly docetaxel"): no treatment."""
    generic = set(lexicon("add_on_generic_words"))
    words = {
        k: _words(k, generic) for k in roles if not rx("link.document_arm_label_en.v1").fullmatch(k)
    }
    base = {
        a
        for a, wa in words.items()
        for b, wb in words.items()
        if a != b
        and wa
        and (
            (wa < wb and any(_is_word(w) for w in (wb - wa) - generic))
            or _abbreviation_adds(roles[a][0], roles[b][0])
        )
    }
    return base.pop() if len(base) == 1 else None


def _abbreviation_adds(base: str, other: str) -> bool:
    """Whether the abbreviation ``other`` is ``base`` with a treatment's letters put before or
    after it: CRT (chemoradiotherapy) over RT, XT (capecitabine/docetaxel) over T, DZ
    (docetaxel with zoledronic acid) over D (PMC4317856). Capitals only: "nab-paclitaxel" over
    "paclitaxel" is another drug, not an add-on."""
    a, b = (rx("link.arm_core_edges.v1").sub("", n.strip()).strip() for n in (base, other))
    if not (a.isalpha() and b.isalpha() and a.isupper() and b.isupper()) or b == a:
        return False
    return b.endswith(a) or b.startswith(a)


def _combined_bases(roles: dict[str, tuple[str, str]]) -> list[str]:
    """The arms a combination arm joins, when a report compares the combination with each of
    its parts alone ("fulvestrant plus anastrozole versus either agent alone", PMC3672778): every
    other arm adds no treatment word to the one, so each is a control. Three arms or more."""
    generic = set(lexicon("add_on_generic_words"))
    words = {k: _words(k, generic) for k in roles}
    if len(words) < 3 or not all(words.values()):
        return []
    for combo, wc in words.items():
        parts = [k for k in words if k != combo]
        if all(
            words[k] < wc and any(_is_word(w) for w in (wc - words[k]) - generic) for k in parts
        ):
            return parts
    return []


def _is_word(token: str) -> bool:
    """A treatment's word, not a number ("3" of "3-weekly"): a letter at least ("D" of "PC + D",
    "fulvestrant500" of a table header run together)."""
    return any(c.isalpha() for c in token)


def combination_bases(names: list[str]) -> list[int]:
    """Indexes of the arms of a table (three or more) that one combination arm joins, each
    compared alone: "Fulvestrant500 mg", "Anastrozole 1 mg" beside "Fulvestrant500 mg +
    anastrozole 1 mg" (PMC3672778 Table 3)."""
    keys = [n.strip().lower() for n in names]
    if len(set(keys)) != len(keys):
        return []
    return [keys.index(k) for k in _combined_bases({k: (k, "") for k in keys})]


def add_on_base(names: list[str]) -> int | None:
    """Index of the one of ``names`` (a table's two arms) that the other adds a treatment to:
    "CRT ARM A (RT+FLUO)" of "CRT ARM B (RT + FLUO + CETUX)" (PMC4914313)."""
    keys = [n.strip().lower() for n in names]
    if len(set(keys)) != len(keys):
        return None
    base = _added_to({k: (n, "") for k, n in zip(keys, names, strict=True)})
    return keys.index(base) if base is not None else None


_BRACKETS = str.maketrans({c: " " for c in "()[]（）"})


def _words(arm: str, generic: set[str]) -> set[str]:
    """An arm's treatment words: joiners and brackets out, and the letter of a label ("arm a")
    that names the arm, not its treatment."""
    for joiner in lexicon("arm_word_joiners"):
        arm = arm.replace(joiner, " ")
    words = arm.translate(_BRACKETS).split()
    return {w for i, w in enumerate(words) if not (i and len(w) == 1 and words[i - 1] in generic)}


def core(arm: str) -> str:
    """An arm's words without article and group noun: "the TEGAFOX arm" → "tegafox"."""
    return rx("link.arm_core_edges.v1").sub("", arm.strip()).strip().lower()


def _has_word(haystack: str, needle: str) -> bool:
    return bool(needle) and bool(_word_positions(haystack, needle))


def _word_positions(haystack: str, needle: str) -> list[int]:
    """Where ``needle`` stands in ``haystack`` as whole words."""
    out, i = [], haystack.find(needle)
    while i >= 0:
        before = haystack[i - 1] if i else " "
        after = haystack[i + len(needle)] if i + len(needle) < len(haystack) else " "
        if not (before.isalnum() or after.isalnum()):
            out.append(i)
        i = haystack.find(needle, i + 1)
    return out
