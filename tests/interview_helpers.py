"""A small real deck for interview tests: one card per difficulty, each with one follow-up.

The easy card's follow-up asks the `norm` card's question (graded); the others name no card
(self-rated), so a seeded interview of the three cards asks both kinds. Topics start with
`Ivtest` so `--topic ivtest` selects these cards only, next to the built-in decks.
"""

from __future__ import annotations

from pathlib import Path

DECK = """\
deck: ivtest
title: Interview test deck
version: 1
cards:
  - id: relu
    topic: Ivtest activations
    difficulty: easy
    question: What does ReLU compute?
    answer: |
      ReLU returns max(0, x). Its gradient is 1 for positive inputs and 0 otherwise.
      Units can die when they only ever see negative inputs.
    key_points:
      - max of zero and x
      - text: gradient is one for positive inputs
        accept: [derivative is 1 when active]
    follow_ups:
      - question: And what does batch normalisation do?
        card: norm
  - id: norm
    topic: Ivtest normalisation
    difficulty: medium
    question: What does batch normalisation do?
    answer: It standardises each feature over the batch, then rescales with learned gamma and beta.
    key_points:
      - standardise each feature over the batch
      - learned scale and shift
    follow_ups:
      - Where would you put it relative to the activation?
  - id: focal
    topic: Ivtest losses
    difficulty: hard
    question: Why use focal loss?
    answer: It down-weights easy examples by (1 - p)^gamma so training focuses on hard ones.
    key_points:
      - down-weights easy examples
      - text: focusing parameter gamma
        accept: [gamma controls focus]
      - helps class imbalance
    follow_ups:
      - What happens at gamma equal to zero?
"""


def write_interview_deck(folder: Path) -> Path:
    path = folder / "ivtest.yaml"
    path.write_text(DECK, encoding="utf-8")
    return path
