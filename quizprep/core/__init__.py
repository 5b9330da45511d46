"""The verified math core: loss and activation functions with their exact gradients.

Pure NumPy, no typer and no rich. Every function follows PyTorch's defaults (mean reduction,
torch's clamps and weighting) so numbers can be checked against a framework, keeps float32 as
float32, and stays finite on extreme inputs (logits of ±1000, probabilities of exactly 0 and 1).

- :mod:`quizprep.core.losses` — ``name(input, target, **params) -> (loss, grad)``
- :mod:`quizprep.core.activations` — ``name(x, **params) -> (y, dy_dx)``
- :mod:`quizprep.core.gradcheck` — central-difference gradients used by the tests
- :mod:`quizprep.core.demos` — small experiments that show the deck's claims in numbers
"""
