"""Domain errors become one friendly sentence in Slack, never a trace."""

from __future__ import annotations

import pytest

from bot.answering import FAILED, NO_INDEX, reply_to
from qa.errors import IndexCorrupt, InvalidQuestion, ModelUnavailable, NoIndex
from tests.support.answers import FakeService, sample_answer


@pytest.mark.parametrize(
    "error, sentence",
    [
        (NoIndex("no index in /srv/index; run `qa index` first"), NO_INDEX),
        (IndexCorrupt("checksum mismatch in vectors.faiss"), NO_INDEX),
        (ModelUnavailable("cannot load embedding model 'A'"), FAILED),
        (RuntimeError("faiss exploded"), FAILED),
    ],
)
def test_errors_become_sentences(error, sentence):
    message = reply_to(FakeService(error=error), "coca in 2019?", max_chars=100)
    assert message.text == sentence
    assert "Traceback" not in str(message.blocks)


def test_invalid_question_explains_and_escapes_the_reason():
    service = FakeService(error=InvalidQuestion("top_k <b> must be & between"))
    message = reply_to(service, "coca?", max_chars=100)
    assert message.text == "I can't answer that question: top_k &lt;b&gt; must be &amp; between"


def test_too_long_is_judged_on_the_question_as_the_service_sees_it():
    service = FakeService(error=InvalidQuestion("the question has 11 characters"))
    message = reply_to(service, "x" * 11, max_chars=10)
    assert message.text == "That question is too long for me; please keep it under 10 characters."


def test_a_good_answer_is_rendered_and_asked_once():
    service = FakeService(answer=sample_answer("coca?"))
    message = reply_to(service, "coca?", max_chars=100, shareable=True)
    assert "72,000 hectares" in message.text
    assert service.questions == ["coca?"]
    assert message.blocks[-1]["elements"][-1]["action_id"] == "qa_share"
