"""Question sets, the metrics of `qa eval`, and the command itself on a small WikiQA file."""

from __future__ import annotations

import json

import pytest

from qa.corpus.loader import document_id
from qa.evaluation.datasets import EvalQuestion, load_jsonl, load_squad, load_wikiqa
from qa.evaluation.metrics import EvalReport, QuestionResult, matches
from tests.support.cli import run_qa

HEADER = "QuestionID\tQuestion\tDocumentID\tDocumentTitle\tSentenceID\tSentence\tLabel"
ROWS = [
    (
        "Q1",
        "How tall is Mount Etna?",
        "D1",
        "Mount Etna",
        "D1-1",
        "Etna is about 3,357 metres tall.",
        "1",
    ),
    (
        "Q1",
        "How tall is Mount Etna?",
        "D1",
        "Mount Etna",
        "D1-0",
        "Mount Etna is an active volcano on the east coast of Sicily.",
        "0",
    ),
    (
        "Q2",
        "Where does the peregrine falcon nest?",
        "D2",
        "Peregrine falcon",
        "D2-0",
        "The peregrine falcon is the fastest bird in the world.",
        "0",
    ),
    (
        "Q2",
        "Where does the peregrine falcon nest?",
        "D2",
        "Peregrine falcon",
        "D2-1",
        "It nests on cliff ledges and on tall buildings in cities.",
        "1",
    ),
    (
        "Q3",
        "Who founded the falcon club?",
        "D2",
        "Peregrine falcon",
        "D2-0",
        "The peregrine falcon is the fastest bird in the world.",
        "0",
    ),
]


def write_tsv(path, rows=ROWS) -> None:
    path.write_text("\n".join([HEADER, *("\t".join(r) for r in rows)]) + "\n", encoding="utf-8")


def result(rank, doc_rank=1, answerable=True, confidence=0.5, quote_ok=None, **kw):
    return QuestionResult(
        id="q",
        question="?",
        answerable=answerable,
        correct_rank=rank,
        document_rank=doc_rank,
        baseline_correct=False,
        confidence=confidence,
        top_quote="x",
        top_quotable=True,
        expected=("x",) if answerable else (),
        has_gold_document=True,
        quote_correct=rank == 1 if quote_ok is None else quote_ok,
        **kw,
    )


def test_wikiqa_documents_are_written_in_sentence_order_with_their_gold(tmp_path):
    write_tsv(tmp_path / "dev.tsv")
    questions = load_wikiqa(tmp_path / "dev.tsv", tmp_path / "corpus")

    etna = (tmp_path / "corpus" / "D1.txt").read_text(encoding="utf-8")
    assert etna.startswith("Mount Etna\n\nMount Etna is an active volcano")
    assert etna.index("Sicily.") < etna.index("3,357 metres")
    by_id = {q.id: q for q in questions}
    assert by_id["Q2"].expected == ("It nests on cliff ledges and on tall buildings in cities.",)
    assert by_id["Q2"].gold_document == document_id("D2.txt")
    assert by_id["Q3"].expected == ()  # no answer sentence: counted as unanswerable


def test_a_file_that_is_not_wikiqa_is_refused(tmp_path):
    (tmp_path / "other.tsv").write_text("a\tb\n1\t2\n", encoding="utf-8")
    with pytest.raises(ValueError, match="not a WikiQA TSV"):
        load_wikiqa(tmp_path / "other.tsv", tmp_path / "corpus")


def test_jsonl_takes_one_or_several_expected_facts_and_names_a_bad_line(tmp_path):
    path = tmp_path / "q.jsonl"
    path.write_text(
        '{"question": "A?", "expected": "fact"}\n\n'
        '{"id": "b", "question": "B?", "expected": ["one", "two"]}\n'
        '{"question": "C?"}\n',
        encoding="utf-8",
    )
    questions = load_jsonl(path)
    assert [(q.id, q.expected) for q in questions] == [
        ("1", ("fact",)),
        ("b", ("one", "two")),
        ("4", ()),
    ]
    path.write_text('{"question": "A?"}\n{"expected": "no question"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"q\.jsonl:2"):
        load_jsonl(path)


def test_matching_ignores_case_and_spacing_but_not_words():
    question = EvalQuestion("1", "?", ("41 illegal mining sites",))
    assert matches("The operation destroyed 41  Illegal\nmining sites.", question)
    assert not matches("The operation destroyed 40 illegal mining sites.", question)


def test_summary_counts_only_answerable_questions_for_accuracy():
    report = EvalReport(
        [
            result(1),
            result(2, doc_rank=2),
            result(None, doc_rank=None),
            result(3, quote_ok=True),
            result(None, answerable=False),
        ]
    )
    summary = report.summary()

    assert summary["questions"] == 5 and summary["answerable"] == 4
    assert summary["acc@1"] == 0.25 and summary["acc@3"] == 0.75
    assert summary["quote@1"] == 0.5
    assert summary["mrr"] == round((1 + 1 / 2 + 1 / 3) / 4, 4)
    assert summary["doc_hit@1"] == 0.5 and summary["doc_hit@5"] == 0.75


def test_curve_and_reliability_split_questions_by_confidence():
    report = EvalReport(
        [
            result(1, confidence=0.9),
            result(2, confidence=0.6),
            result(1, confidence=0.15),
            result(None, answerable=False, confidence=0.7),
            result(None, answerable=False, confidence=0.05),
        ]
    )
    at_half = report.curve([0.5])[0]
    assert at_half["coverage"] == 0.6 and at_half["precision"] == round(1 / 3, 4)
    assert at_half["unanswerable_answered"] == 1
    assert at_half["answerable_correct"] == 0.3333

    bands = {row["band"]: row for row in report.reliability([0.0, 0.1, 0.5, 1.01])}
    assert bands[(0.0, 0.1)]["questions"] == 1 and bands[(0.0, 0.1)]["right"] == 0.0
    assert bands[(0.1, 0.5)]["right"] == 1.0
    assert bands[(0.5, 1.01)]["questions"] == 3
    assert bands[(0.5, 1.01)]["mean_confidence"] == round((0.9 + 0.6 + 0.7) / 3, 4)


def test_qa_eval_on_a_wikiqa_file_builds_its_corpus_and_reports(tmp_path):
    write_tsv(tmp_path / "dev.tsv")

    done = run_qa("eval", "dev.tsv", "--workdir", "work", "--report", "out.jsonl", cwd=tmp_path)

    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout[: done.stdout.index("\n}") + 2])
    assert summary["questions"] == 3 and summary["answerable"] == 2
    assert summary["doc_hit@5"] == 1.0
    assert summary["answer_latency"]["n"] == 3
    assert "<- QA_MIN_CONFIDENCE" in done.stdout and "confidence band" in done.stdout
    outcomes = done.stdout.splitlines()
    row = outcomes[outcomes.index(next(x for x in outcomes if x.startswith("outcomes at"))) + 2]
    assert row.split()[0] == "dev" and sum(int(c) for c in row.split()[1:7]) == 3
    lines = [json.loads(x) for x in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert [r["id"] for r in lines] == ["Q1", "Q2", "Q3"]
    assert all(r["top_quote"] for r in lines)
    assert (tmp_path / "work" / "index" / "CURRENT").exists()


def test_qa_eval_refuses_a_missing_file(tmp_path):
    done = run_qa("eval", "nowhere.jsonl", cwd=tmp_path)
    assert done.returncode == 2 and "no such question file" in done.stderr


SQUAD = {
    "version": "test",
    "data": [
        {
            "title": "Peregrine_falcon",
            "paragraphs": [
                {
                    "context": "The peregrine falcon is the fastest bird. It nests on cliff "
                    "ledges and tall buildings. Its diet is mostly medium-sized birds.",
                    "qas": [
                        {
                            "id": "s1",
                            "question": "Where does the peregrine falcon nest?",
                            "answers": [{"text": "cliff ledges", "answer_start": 54}],
                        },
                        {
                            "id": "s2",
                            "question": "What does the peregrine falcon eat?",
                            "answers": [{"text": "medium-sized birds", "answer_start": 106}],
                        },
                    ],
                }
            ],
        }
    ],
}


def test_squad_questions_carry_their_answer_span_in_the_written_document(tmp_path):
    path = tmp_path / "set.json"
    path.write_text(json.dumps(SQUAD), encoding="utf-8")

    questions = load_squad(path, tmp_path / "corpus")

    assert [q.id for q in questions] == ["s1", "s2"]
    for q in questions:
        (doc,) = list((tmp_path / "corpus").iterdir())
        assert q.gold_document == document_id(doc.name)
        text = doc.read_text(encoding="utf-8")
        assert text.startswith("Peregrine falcon\n\n")
        start, end = q.answer_span
        assert text[start:end] == q.expected[0]


def test_a_file_that_is_not_squad_json_is_refused_with_its_name(tmp_path):
    path = tmp_path / "odd.json"
    path.write_text('{"data": [{"title": "x"}]}', encoding="utf-8")
    with pytest.raises(ValueError, match="odd.json is not SQuAD-format JSON"):
        load_squad(path, tmp_path / "corpus")


def test_qa_eval_reports_each_set_with_its_baseline(tmp_path):
    (tmp_path / "squad.json").write_text(json.dumps(SQUAD), encoding="utf-8")
    write_tsv(tmp_path / "dev.tsv")

    done = run_qa("eval", "squad.json", "dev.tsv", "--workdir", "work", cwd=tmp_path)

    assert done.returncode == 0, done.stderr
    assert "== squad.json" in done.stdout and "== dev.tsv" in done.stdout
    table = done.stdout[done.stdout.index("== per data set") :].splitlines()
    assert "baseline" in table[1]
    rows = {line.split()[0]: line.split() for line in table[2:] if line.strip()}
    assert set(rows) == {"squad", "dev"}
    assert rows["squad"][1:3] == ["2", "2"]  # questions, answerable
    assert 0.0 <= float(rows["squad"][3]) <= 1.0
    assert (tmp_path / "work" / "squad" / "index" / "CURRENT").exists()


def test_outcomes_put_every_question_in_one_of_six_counts():
    report = EvalReport(
        [result(1, confidence=0.9), result(1, confidence=0.2), result(2, confidence=0.7),
         result(None, confidence=0.15), result(1, confidence=0.05),
         result(None, answerable=False, confidence=0.6), result(None, answerable=False,
         confidence=0.01), result(2, quote_ok=True, confidence=0.5)]
    )  # fmt: skip

    counts = report.outcomes(answer_at=0.3, hedge_at=0.1)

    assert counts == {
        "right_answered": 2,  # the top quote as shown decides, whatever the sentence rank
        "right_hedged": 1,
        "wrong_answered": 2,
        "wrong_hedged": 1,
        "refused_answerable": 1,
        "refused_unanswerable": 1,
    }
    assert report.outcomes(answer_at=0.3, hedge_at=0.3)["right_hedged"] == 0


def test_outcome_table_shows_the_counts_and_the_right_shares_per_set():
    from qa.evaluation.report import outcome_table

    report = EvalReport([result(1, confidence=0.9), result(1, confidence=0.2), result(None)])
    lines = outcome_table({"dev": report}, 0.3, 0.1)

    assert "QA_MIN_CONFIDENCE 0.30" in lines[0] and "QA_HEDGE_CONFIDENCE 0.10" in lines[0]
    cells = lines[2].split()
    assert cells[0] == "dev"
    assert [int(c) for c in cells[1:7]] == [1, 1, 1, 0, 0, 0]
    assert cells[7:] == ["0.333", "0.667"]
