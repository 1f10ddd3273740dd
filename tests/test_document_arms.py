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


# corpus/real_text/en_pmc/PMC2527839.txt (capecitabine vs S-1, neither called standard)
CAPECITABINE = (
    "Median times to progression and overall survival in the capecitabine arm (4.7 and 9.5 months, "
    "respectively) were similar to those in the S-1 arm (4.2 and 8.2 months, respectively). "
    "The 1-year survival rate was 30.2% for capecitabine and 27.3% for S-1."
)

# corpus/real_text/en_pmc/PMC4907713.txt (XEC vs FEC, neither called standard: both arms
# experimental in the gold, though the report compares XEC "to FEC")
XEC = (
    "Treatment with XEC led to an increased rate of pathological complete response in primary tumor "
    "(18% vs 6%, respectively, P=0.027) and objective remission rate (87% vs 73%, P=0.048) compared "
    "to FEC. Clinical complete response occurred in 20% and 7% for XEC and FEC, respectively. "
    "No patient progressed in the XEC arm, whereas eight patients progressed in the FEC arm."
)

# corpus/real_text/en_pmc/PMC3427491.txt (FOLFOX4 vs TOMOX: TOMOX tested for non-inferiority
# against FOLFOX4)
TOMOX = (
    "ORR was 36.3 % for FOLFOX4 and 45.6 % for TOMOX (p = 0.0032) (Table 2) and the non-inferiority "
    "of TOMOX in the primary endpoint when it is compared with FOLFOX4 was demonstrated. "
    "The FOLFOX4 group received a median of eight cycles of treatment and the TOMOX group received "
    "a median of six cycles of treatment."
)


def test_a_comparison_in_a_head_to_head_report_has_no_control():
    """The comparator reported last is no control when the report calls neither arm standard."""
    roles = _roles(CAPECITABINE)
    assert roles[30.2][0] == "experimental"
    assert roles[27.3][0] == "experimental"


def test_the_arm_a_comparison_is_made_to_is_no_control_by_that_alone():
    """ "compared to FEC" is how a head-to-head report writes, not a call of FEC standard."""
    roles = _roles(XEC)
    for v in (20, 7, 18, 6):
        assert roles[v][0] == "experimental", v


# corpus/real_text/en_pmc/PMC2817867.txt (resection vs RFA: "RFA is inferior to resection", the
# gold's control is resection)
RFA = (
    "The operative time was significantly longer for the resection group compared to the RFA "
    "group. For patients with solitary lesions, a 5-year survival was 48% after resection and "
    "15% after RFA. RFA is inferior to resection."
)

# corpus/real_text/en_pmc/PMC5131536.txt ("conventional chemoradiotherapy (CRT)": CRT control)
CRT_CONVENTIONAL = (
    "One hundred fifty patients diagnosed with stage II–III rectal cancer were randomized into one "
    "of two neoadjuvant treatment arms: conventional chemoradiotherapy (CRT) and short-term "
    "radiotherapy (RT) followed by surgery after 6–8 weeks. Three- years OS was 78% in RT group "
    "vs. 82.4% in CRT group (P = 0,145), while DFS was 59% in RT group vs. 75.1% in CRT group "
    "(P = 0,022) (Fig. 2)."
)

# corpus/real_text/en_pmc/PMC4518214.txt (RT vs CRT, chemotherapy added to RT: RT control)
CRT_ADDED = (
    "Pretreatment characteristics were well-balanced between the two arms (Table 1). The true "
    "study endpoint, 5-year OS, was 62% in the RT group and 72% in the CRT group (Plog-rank = "
    "0.038; Fig. 1)."
)


def test_the_arm_the_other_is_measured_against_is_the_control():
    roles = _roles(RFA)
    assert roles[48] == ("control", "resection")
    assert roles[15] == ("experimental", "RFA")


def test_the_arm_called_conventional_by_its_abbreviation_is_the_control():
    roles = _roles(CRT_CONVENTIONAL)
    for v in (82.4, 75.1):
        assert roles[v] == ("control", "CRT"), v
    for v in (78, 59):
        assert roles[v] == ("experimental", "RT"), v


def test_an_abbreviation_adding_a_letter_adds_a_treatment():
    """CRT is RT with chemotherapy: RT is its control; "superior" or not, no word says so."""
    roles = _roles(CRT_ADDED)
    assert roles[62] == ("control", "RT")
    assert roles[72] == ("experimental", "CRT")


# corpus/real_text/en_pmc/PMC5013640.txt (risk groups of one cohort: single in the gold)
RISK_GROUPS = (
    "Four distinct risk groups were identified by counting the number of risk factors (RF) "
    "including low insulin, high HGF, high OPN levels, and low C-peptide levels (0, 1, 2, and 3). "
    "Median PFS was 9.8, 2.0, 1.6, and 0.7 years for each, respectively (p < 0.001)."
)


def test_more_values_than_arms_and_no_arm_named_are_groups_of_one_cohort():
    roles = _roles(RISK_GROUPS)
    for v in (9.8, 2.0, 1.6, 0.7):
        assert roles[v] == ("single", None), v


def test_the_comparator_of_a_non_inferiority_test_is_the_control():
    roles = _roles(TOMOX)
    assert roles[36.3][0] == "control"
    assert roles[45.6][0] == "experimental"


# corpus/real_text/en_pmc/PMC3427491.txt (TOMOX vs FOLFOX4, FOLFOX4 the comparator: "the
# non-inferiority of TOMOX … when it is compared with FOLFOX4")
TOMOX = (
    "ORR was 36.3 % for FOLFOX4 and 45.6 % for TOMOX (p = 0.0032) (Table 2) and the "
    "non-inferiority of TOMOX in the primary endpoint when it is compared with FOLFOX4 was "
    "demonstrated. Disease control rate was similar for FOLFOX4 and TOMOX (69.3 and 74.9 %, "
    "respectively). "
    "Grades 3–4 hematologic AEs were more frequent in the FOLFOX4 group than the TOMOX group "
    "[neutropenia: 34.1 vs. 5.4 % (p < 0.0001); leucopenia: 7.7 vs. 1.1 % (p = 0.028)]. "
    "Hepatic disorders (25.0 vs. 14.3 %) and asthenia (19.6 vs. 11.0 %) had a numerically higher "
    "incidence in the TOMOX group than the FOLFOX4 group, but the differences did not reach "
    "statistical significance."
)


def test_arms_listed_once_give_the_order_of_the_values():
    roles = _roles(TOMOX)
    assert roles[69.3][0] == "control" and roles[74.9][0] == "experimental"
    assert roles[34.1][0] == "control" and roles[5.4][0] == "experimental"


def test_arms_named_after_the_values_give_their_order_too():
    roles = _roles(TOMOX)
    assert roles[25.0][0] == "experimental" and roles[14.3][0] == "control"


def test_a_comparison_that_names_no_arm_keeps_the_order_just_used():
    """ "OS was 17.2 versus 15.7 months" right after "similar for FOLFOX4 and TOMOX (…)":
    FOLFOX4's value first, as the paragraph has just reported them."""
    response, grades = TOMOX.split(" Hepatic")[0].split(" Grades")
    text = (
        "Grades"
        + grades
        + " "
        + response
        + (
            " With a median follow-up of 12.2 months, OS was 17.2 versus 15.7 months "
            "[HR 0.975 (95 % CI 0.655, 1.451; p = 0.475)] (Fig. 2)."
        )
    )
    roles = _roles(text)
    assert roles[17.2][0] == "control" and roles[15.7][0] == "experimental"


# corpus/real_text/en_pmc/PMC4101294.txt (CT-PFNECII + chemotherapy vs chemotherapy)
PFNEC = (
    "Patients were randomly assigned to the combination group (CT-PFNECII + chemotherapy) or the "
    "chemotherapy group. "
    "Compared with patients in the chemotherapy group, patients in the combination group had "
    "significantly longer PFS (5.4 months vs 3.0 months, P < .01) and median survival "
    "(9.5 months vs 5.3 months, P < .01)."
)


def test_the_arm_compared_with_comes_last_whatever_its_place():
    roles = _roles(PFNEC)
    assert roles[5.4][0] == "experimental" and roles[3.0][0] == "control"
    assert roles[9.5][0] == "experimental" and roles[5.3][0] == "control"


# corpus/real_text/en_pmc/PMC4282697.txt: the labels are defined by their treatments
LABELLED_BY_TREATMENT = (
    "From 2001 to July 2012, 103 postsurgical non-small cell lung cancer patients were randomly "
    "assigned to receive either chemo-immunotherapy (group A) or chemotherapy (group B). "
    "The 2- and 5-year overall survival rates were 93.4 % [95 % confidence interval (CI) "
    "80.8–97.8] and 81.4 % (60.1–92.1) in group A, and 66.0 % (50.4–77.7) and 48.3 % "
    "(31.4–63.3) in group B, respectively."
)

# corpus/real_text/en_pmc/PMC4914313.txt: arm B adds cetuximab to arm A's treatment
LABELLED_ADD_ON = (
    "Patients with stable disease or response after GEM-CAP were randomised to capecitabine or "
    "UFT plus radiotherapy (RT) (A), or capecitabine or UFT plus cetuximab plus RT (B). "
    "After a median follow-up of 61.2 months, no differences in median PFS from randomization "
    "were observed between arm A [median 7.6 months (95%CI: 5.1 - 10.3)] and arm B [median 9.5 "
    "months (95%CI: 4.1 - 15.0)]. "
    "Objective Response Rate (ORR) following CRT was 14.3% and 33.3% in groups A and B "
    "respectively (p > 0.05)."
)


def test_a_label_defined_by_a_standard_treatment_is_the_control():
    roles = _roles(LABELLED_BY_TREATMENT)
    assert roles[93.4] == ("experimental", "group A")
    assert roles[66.0] == ("control", "group B")


def test_bare_intervals_after_rates_are_their_cis_and_each_arm_lists_its_landmarks():
    res = process_text(LABELLED_BY_TREATMENT)
    got = {
        r.value: (r.timepoint_months, r.ci_low, r.ci_high)
        for r in res.records
        if r.kind == "outcome"
    }
    assert got == {
        93.4: (24.0, 80.8, 97.8),
        81.4: (60.0, 60.1, 92.1),
        66.0: (24.0, 50.4, 77.7),
        48.3: (60.0, 31.4, 63.3),
    }


def test_the_label_whose_treatment_the_other_adds_to_is_the_control():
    roles = _roles(LABELLED_ADD_ON)
    assert roles[14.3][0] == "control" and roles[33.3][0] == "experimental"
    assert roles[7.6] == ("control", "arm A") and roles[9.5] == ("experimental", "arm B")


# corpus/real_text/en_pmc/PMC4282697.txt: a median with a bare bracket before its unit
MEDIAN_WITH_BRACKET = (
    "From 2001 to July 2012, 103 postsurgical non-small cell lung cancer patients were randomly "
    "assigned to receive either chemo-immunotherapy (group A) or chemotherapy (group B). "
    "The median survival time of group B was 47.5 (from 26.3 to not reached) months and was "
    "never reached in group A. "
    "The median recurrence-free survival was 16.56 (9.00–32.01) months in group B, but was not "
    "reached in group A."
)


def test_a_median_with_a_bracket_before_its_unit_is_the_arm_named_before_or_after_it():
    """The bracket is no value of its own (RECORDS.md: a range after a median is not recorded);
    the arm is the one the value's clause names, not the one of the clause after it."""
    res = process_text(MEDIAN_WITH_BRACKET)
    got = sorted(
        (r.endpoint, r.value, r.unit, r.arm, r.arm_role, r.value_high)
        for r in res.records
        if r.kind == "outcome"
    )
    assert got == [
        ("OS", 47.5, "month", "group B", "control", None),
        ("RFS", 16.56, "month", "group B", "control", None),
    ]


# corpus/real_text/en_pmc/PMC4710681.txt: pemetrexed/cisplatin (PC) with or without dalotuzumab
# (D); each arm's paragraph opens with its label and its treatment
DALOTUZUMAB = (
    "We initiated a randomized phase II trial to test the combination of P and Cisplatin (C) ± D "
    "in NSQL. "
    "Arm A (PC) had two partial responses (PR) (14%), one stable disease (SD) and three disease "
    "progression with two patients not evaluable (NE). The median time to progression was 173 "
    "days and the median survival was 262 days. Arm B (PC + D) had three patients with PR (25%), "
    "four SD, four disease progression, and one NE. The median time to progression was 199 days "
    "and median survival was 276.5 days (Table 3)."
)


def test_a_label_defined_by_its_treatment_takes_that_arms_role_and_lends_it_to_what_follows():
    roles = _roles(DALOTUZUMAB)
    # PC + D adds dalotuzumab to PC: PC, arm A, is the control
    assert roles[173][0] == roles[262][0] == "control"
    assert roles[199][0] == roles[276.5][0] == "experimental"


# corpus/real_text/en_pmc/PMC4317856.txt (docetaxel with zoledronic acid, DZ, vs docetaxel, D)
ZOLEDRONIC = (
    "In this study, patients randomly received docetaxel (60 mg/m2) with (group DZ) or without "
    "(group D) zoledronic acid every 21 days. "
    "From May 2007 to March 2010, 100 patients from 15 Japanese institutions were enrolled in this "
    "study: 50 patients were randomly assigned to the DZ group and 50 to the D group (Fig. 1). "
    "The most common adverse events worse than grade 3 were leukopenia (63% and 56% for DZ and D, "
    "respectively), neutropenia (78% and 80% for DZ and D, respectively), febrile neutropenia (4% "
    "and 12% for DZ and D, respectively) and elevated ALT level (27% and 30% for DZ and D, "
    "respectively)."
)


def test_arms_listed_after_each_pair_of_values_take_the_documents_roles_in_their_order():
    roles = _roles(ZOLEDRONIC)
    # DZ adds zoledronic acid to D: D is the control; every pair is (DZ, D), not only the first
    for v in (63, 78, 4, 27):
        assert roles[v] == ("experimental", "DZ"), v
    for v in (56, 80, 12, 30):
        assert roles[v] == ("control", "D"), v
