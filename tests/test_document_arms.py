"""A primary report's arms decide the role of a value its sentence gives one arm alone.

Real sentences, quoted from the documents whose gold (``corpus/gold/<stem>.jsonl``, curated by
reading the article) gives the roles asserted here. A sentence read on its own cannot tell one
arm's value from a single cohort's; the report around it can.
"""

from __future__ import annotations

from extract.pipeline import process_text

# corpus/real_text/en_pmc/PMC2360030.txt (TEGAFIRI vs TEGAFOX, neither called standard: both
# arms experimental, convention 1 of corpus/gold/NOTES_adjudication.md)
TEGAFOX = (
    "Six CR and 19 PR were recorded in the TEGAFIRI arm, for an overall response rate of 41.7% "
    "(95% CL, from 29.1 to 55.1%). "
    "In the TEGAFOX arm, six CR and 22 PR were recorded, corresponding to an overall response "
    "rate of 38.9% (95% CL, from 27.6 to 51.1)."
)

# corpus/real_text/en_pmc/PMC2360567.txt (IL-2 vs control group)
IL2 = (
    "Tumour-specific survival in the IL-2 group and the control group was 98 vs 81% after 1 year "
    "and 86 vs 73% after 5 years (P=0.04). "
    "All patients who received IL-2 suffered from IL-2-related toxicity grade 1 (24%), 2 (67%), "
    "or 3 (9%)."
)


def _roles(text: str) -> dict[float, tuple[str, str | None]]:
    res = process_text(text)
    return {r.value: (r.arm_role, r.arm) for r in res.records if r.kind == "outcome"}


def test_each_arm_of_a_head_to_head_report_is_experimental():
    roles = _roles(TEGAFOX)
    assert roles[41.7] == ("experimental", "TEGAFIRI")
    assert roles[38.9] == ("experimental", "TEGAFOX")


def test_a_value_of_the_treated_arm_named_by_its_drug():
    roles = _roles(IL2)
    for v in (24, 67, 9):
        assert roles[v][0] == "experimental", v
    assert roles[73][0] == "control"


def test_one_sentence_alone_stays_a_single_cohort():
    """Without the other arm in the document, "the TEGAFOX arm" is no comparison."""
    only = TEGAFOX.split(". In the ")[1]
    roles = _roles("In the " + only)
    assert roles[38.9][0] == "single"


def test_a_review_of_several_trials_has_no_document_arms():
    """en_review_gastric_io: values of other trials' arms are not one report's arms."""
    text = (
        "In KEYNOTE-062, median overall survival was 10.6 months in the pembrolizumab group. "
        "In CheckMate 649, the objective response rate was 60% in the nivolumab group and 45% "
        "in the chemotherapy group."
    )
    roles = _roles(text)
    assert roles[10.6][0] == "single"
