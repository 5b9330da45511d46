"""A tiny `llm` plugin for the tests: models whose replies the test scripts.

Registered into the real `llm` library's plugin manager, so quizprep reaches it exactly as it
would reach a user's OpenAI or Ollama model: ``llm.get_model(id).prompt(...).text()``.
"""

from __future__ import annotations

import time
from typing import Any, ClassVar

import llm


class Scripted(llm.Model):
    """Answers each prompt with the next scripted reply.

    A reply is text, an exception to raise, a number of seconds to hang for, or a function
    of the prompt that returns one of those.
    """

    model_id = "quizprep-test"
    supports_schema = True
    can_stream = False
    replies: ClassVar[list[Any]] = []
    prompts: ClassVar[list[Any]] = []  # every llm.Prompt received, for the tests to inspect

    def execute(self, prompt, stream, response, conversation=None):  # type: ignore[override]
        Scripted.prompts.append(prompt)
        reply = Scripted.replies.pop(0) if Scripted.replies else "{}"
        if callable(reply) and not isinstance(reply, type):
            reply = reply(prompt)
        if isinstance(reply, BaseException):
            raise reply
        if isinstance(reply, (int, float)):
            time.sleep(reply)
            reply = "{}"
        yield reply


class ScriptedNoSchema(Scripted):
    """A model without structured-output support (many local models)."""

    model_id = "quizprep-test-noschema"
    supports_schema = False


@llm.hookimpl
def register_models(register):  # type: ignore[no-untyped-def]
    register(Scripted())
    register(ScriptedNoSchema())
