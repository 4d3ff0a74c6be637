"""The printed tables of an evaluation: outcomes, abstention curve, confidence reliability.

`qa eval` and bench/wikiqa.py print the same tables; this is the one place that lays
them out.
"""

from __future__ import annotations

from qa.evaluation.metrics import OUTCOME_COUNTS, EvalReport

RELIABILITY_EDGES = (0.0, 0.1, 0.2, 0.3, 0.4, 0.6, 1.01)


def threshold_table(
    report: EvalReport, thresholds: list[float], default: float | None = None
) -> list[str]:
    """Coverage and precision at each threshold; the configured default is marked."""
    lines = ["threshold  coverage  precision  answerable_correct  unanswerable_answered"]
    for row in report.curve(thresholds):
        mark = "  <- QA_MIN_CONFIDENCE" if row["threshold"] == default else ""
        lines.append(
            f"{row['threshold']:9.2f}  {row['coverage']:8.3f}  {row['precision'] or 0:9.3f}  "
            f"{row['answerable_correct']:18.3f}  {row['unanswerable_answered']:21d}{mark}"
        )
    return lines


def reliability_table(
    report: EvalReport, edges: tuple[float, ...] = RELIABILITY_EDGES
) -> list[str]:
    """Per confidence band: how many questions, their mean confidence, the share right."""
    lines = ["confidence band  questions  mean confidence  top quote right"]
    for row in report.reliability(list(edges)):
        lo, hi = row["band"]
        lines.append(
            f"{lo:6.2f}-{min(hi, 1.0):4.2f}  {row['questions']:11d}  "
            f"{row['mean_confidence']:15.3f}  {row['right']:15.3f}"
        )
    return lines


def summary_table(reports: dict[str, EvalReport]) -> list[str]:
    """One line per question set: the ranker, the quote as shown, and the plain baseline."""
    lines = [
        "set                     questions  answerable  acc@1  quote@1  baseline  acc@3    mrr"
    ]
    for name, report in reports.items():
        s = report.summary()
        lines.append(
            f"{name[:22]:22s}  {s['questions']:9d}  {s['answerable']:10d}  {s['acc@1']:5.3f}  "
            f"{s['quote@1']:7.3f}  {s['baseline_acc@1']:8.3f}  {s['acc@3']:5.3f}  {s['mrr']:5.3f}"
        )
    return lines


def outcome_table(reports: dict[str, EvalReport], answer_at: float, hedge_at: float) -> list[str]:
    """Per set, how many questions land in each outcome at the two thresholds, and the
    share of the answerable ones answered right (alone, and with the hedged ones)."""
    heads = ("right ans", "right hedged", "wrong ans", "wrong hedged", "refused ans", "refused un")
    lines = [
        f"outcomes at QA_MIN_CONFIDENCE {answer_at:.2f}, QA_HEDGE_CONFIDENCE {hedge_at:.2f}",
        f"{'set':22s}  " + "  ".join(heads) + "  right/answerable  +hedged",
    ]
    for name, report in reports.items():
        counts = report.outcomes(answer_at, hedge_at)
        answerable = sum(r.answerable for r in report.results) or 1
        cells = "  ".join(f"{counts[key]:{len(head)}d}" for key, head in zip(OUTCOME_COUNTS, heads))
        right = counts["right_answered"] / answerable
        hedged = (counts["right_answered"] + counts["right_hedged"]) / answerable
        lines.append(f"{name[:22]:22s}  {cells}  {right:16.3f}  {hedged:7.3f}")
    return lines
