"""What ``quizprep math`` knows: every function's formula, derivative, worked example and
parameters (with the range each must lie in), and every demo's summary and parameters.

Plain data, no NumPy: :mod:`quizprep.core.lab` parses and runs; :mod:`quizprep.core.names`
keeps the bare names importable at start-up speed (a test keeps the two equal).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

_POSITIVE = (lambda v: v > 0, "must be positive")
_NONNEGATIVE = (lambda v: v >= 0, "must be ≥ 0")
_UNIT = (lambda v: 0 <= v <= 1, "must lie in [0, 1]")
# beyond 100 the factor (1 − p_t)^γ is below 1e-4 even at p_t = 0.1: nothing left to show
_GAMMA = (lambda v: 0 <= v <= 100, "must lie in [0, 100]")
_FOCAL_ALPHA = (lambda v: v <= 1, "must be at most 1 (or negative to switch it off)")
# beyond 1e6 every plotted margin term is the margin itself: nothing left to see, and
# squared (p = 2) terms would leave float64
_MARGIN = (lambda v: 0 <= v <= 1e6, "must lie in [0, 1e6]")
_SMALL_EPS = (lambda v: 0 < v <= 1e-2, "must lie in (0, 0.01]")
_TEMPERATURE = (lambda v: 1e-3 <= v <= 1e3, "must lie in [0.001, 1000]")


@dataclass(frozen=True)
class Param:
    default: Any
    kind: str = "float"  # float | int | bool | choice | floats | float_or_floats
    help: str = ""
    choices: tuple[str, ...] = ()
    # the range a value must lie in: (test, what the message says), e.g. "must be positive"
    check: tuple[Callable[[float], bool], str] | None = None


@dataclass(frozen=True)
class Spec:
    name: str
    family: str  # "loss" | "activation"
    summary: str
    formula: str
    derivative: str
    x: str
    point: str
    input: str = "values"  # values | probabilities | logits | class-logits | log-probabilities
    target: str | None = None  # values | probability | sign | class | distribution
    default_target: str | None = None
    params: dict[str, Param] = field(default_factory=dict)
    # parameters of the worked example when the user gives no --x (e.g. gaussian_nll's
    # per-element variances, which only fit the example's three inputs)
    example_params: dict[str, str] = field(default_factory=dict)


_OUTLIER = ("1,2,3,10", "1.5,2,2.5,3")
_KINKED = "-2,-0.5,0,0.5,2"
_SPECS = [
    Spec("mse", "loss", "Mean squared error", "L = (1/N)·Σ (xᵢ − tᵢ)²", "∂L/∂xᵢ = 2·(xᵢ − tᵢ)/N",
         _OUTLIER[0], "One residual of 7 makes most of the loss and the biggest gradient: MSE "
         "chases outliers.", target="values", default_target=_OUTLIER[1]),
    Spec("mae", "loss", "Mean absolute error (L1)", "L = (1/N)·Σ |xᵢ − tᵢ|",
         "∂L/∂xᵢ = sign(xᵢ − tᵢ)/N   (0 where xᵢ = tᵢ)", _OUTLIER[0],
         "Every residual pulls with the same ±1/N, however large: the outlier gets no extra say.",
         target="values", default_target=_OUTLIER[1]),
    Spec("huber", "loss", "Huber: quadratic near 0, linear beyond δ",
         "ℓ(a) = ½a² if |a| < δ, else δ·(|a| − ½δ);   a = x − t,  L = mean ℓ",
         "∂L/∂xᵢ = clip(aᵢ, −δ, δ)/N", _OUTLIER[0],
         "Small residuals act like MSE, the outlier like MAE: its gradient is capped at δ/N.",
         target="values", default_target=_OUTLIER[1],
         params={"delta": Param(1.0, help="where the quadratic turns linear (δ > 0)",
                                check=_POSITIVE)}),
    Spec("bce", "loss", "Binary cross-entropy on probabilities",
         "L = −(1/N)·Σ [t·max(log p, −100) + (1 − t)·max(log(1 − p), −100)]",
         "∂L/∂p = (−t/p + (1 − t)/(1 − p))/N   (0 on a clamped term)", "0.9,0.5,0.1,0.001",
         "With t = 1 the loss grows like −log p and the gradient like −1/p as p → 0.",
         input="probabilities", target="probability", default_target="1,1,1,1"),
    Spec("bce_with_logits", "loss", "Binary cross-entropy on logits (stable)",
         "L = (1/N)·Σ [(1 − t)·x + (1 + (w − 1)·t)·softplus(−x)],   w = pos_weight",
         "∂L/∂x = ((1 − t)·σ(x) − w·t·σ(−x))/N   (= (σ(x) − t)/N for w = 1)", "3,0,-3,-10",
         "On logits the gradient is σ(x) − t: bounded by 1 even when confidently wrong.",
         input="logits", target="probability", default_target="1,1,1,1",
         params={"pos_weight": Param(None, "float_or_floats", "weight of positive examples")}),
    Spec("cross_entropy", "loss", "Softmax cross-entropy on class logits",
         "ℓᵢ = −Σ_c q_ic·log softmax(xᵢ)_c,  q = (1 − ε)·onehot(yᵢ) + ε/C;  L = mean ℓ "
         "(weighted: Σ w_y·ℓ / Σ w_y)", "∂L/∂x_ic = (softmax(xᵢ)_c − q_ic)/N", "2,1,0.1",
         "The gradient is softmax minus the one-hot target: every wrong class is pushed down "
         "by its probability.", input="class-logits", target="class", default_target="0",
         params={"weight": Param(None, "floats", "one weight per class"),
                 "label_smoothing": Param(0.0, help="ε in [0, 1]", check=_UNIT)}),
    Spec("hinge", "loss", "Binary hinge loss (SVM)", "L = (1/N)·Σ max(0, 1 − t·s),  t ∈ {−1, +1}",
         "∂L/∂sᵢ = −tᵢ/N if tᵢ·sᵢ < 1, else 0", "2,0.5,-0.3,-2",
         "Points beyond the margin (t·s ≥ 1) add no loss and no gradient.", input="scores",
         target="sign", default_target="1,1,1,-1"),
    Spec("multi_margin", "loss", "Multi-class hinge (torch multi_margin_loss)",
         "L = (1/N)·Σᵢ Σ_{j≠y} w_y·max(0, m − x_iy + x_ij)^p / C",
         "∂L/∂x_ij = w_y·p·z^(p−1)/(N·C) where z = m − x_iy + x_ij > 0;  ∂L/∂x_iy = −Σ_j of those",
         "0.1,0.2,0.4,0.8", "PyTorch's documented example: loss 0.325 — three classes inside "
         "the margin of class 3.", input="class-logits", target="class", default_target="3",
         params={"p": Param(1, "int", "1 or 2", check=(lambda v: v in (1, 2), "must be 1 or 2")),
                 "margin": Param(1.0, help="the margin m", check=_MARGIN),
                 "weight": Param(None, "floats", "one weight per class")}),
    Spec("focal", "loss", "Sigmoid focal loss (torchvision, mean)",
         "L = (1/N)·Σ α_t·(1 − p_t)^γ·BCE(x, t),  p = σ(x),  p_t = p·t + (1 − p)·(1 − t)",
         "∂L/∂x = α_t/N·[(σ(x) − t)·(1 − p_t)^γ + γ·(1 − p_t)^(γ−1)·p(1 − p)(1 − 2t)·BCE]",
         "4,1,-1,-4", "Easy positives (large logits) contribute almost nothing; the hard one "
         "dominates.", input="logits", target="probability", default_target="1,1,1,1",
         params={"alpha": Param(0.25, help="weight of positives (< 0: off)", check=_FOCAL_ALPHA),
                 "gamma": Param(2.0, help="focusing exponent γ ≥ 0", check=_GAMMA)}),
    Spec("softmax_focal", "loss", "Multi-class focal loss on logits",
         "L = (1/N)·Σᵢ −α_y·(1 − p_y)^γ·log p_y,  p = softmax(xᵢ)",
         "∂L/∂x_ic = α_y·g·([c = y] − p_c)/N,  g = γ·p_y·(1 − p_y)^(γ−1)·log p_y − (1 − p_y)^γ",
         "4,0,0;1,0,0;-2,0,2", "Three rows from easy to hard: the easy row's loss shrinks by "
         "(1 − p_y)^γ.", input="class-logits", target="class", default_target="0,0,0",
         params={"gamma": Param(2.0, help="focusing exponent γ ≥ 0", check=_GAMMA),
                 "alpha": Param(None, "floats", "one weight per class")}),
    Spec("kl_div", "loss", "KL divergence (torch kl_div: input is log q)",
         "L = Σ t·(log t − x) / B,  x = log q,  B = rows (batchmean), elements (mean) or 1",
         "∂L/∂x = −t/B", "-0.5108,-1.204,-2.3026",
         "One sample as a (1, C) row, so batchmean divides by 1 and the value is the KL "
         "itself (a 1-D tensor in PyTorch would be divided by C). The gradient is just −t/B.",
         input="log-probabilities", target="distribution",
         default_target="0.5,0.3,0.2",
         params={"reduction": Param("batchmean", "choice", "how the sum is divided",
                                    ("batchmean", "mean", "sum"))}),
    Spec("l2", "loss", "L2 penalty (weight decay)", "R = λ/2·‖w‖²", "∂R/∂w = λ·w", "3,-1,0.5,0",
         "The pull toward 0 is proportional to the weight: big weights shrink fastest.",
         input="weights", params={"lam": Param(0.1, help="strength λ ≥ 0", check=_NONNEGATIVE)}),
    Spec("info_nce", "loss", "InfoNCE / NT-Xent contrastive loss (one direction)",
         "L = (1/N)·Σᵢ −log softmax(Sᵢ/τ)_yᵢ,  S_ij = sim(uᵢ, vⱼ),  yᵢ = i (diagonal)",
         "∂L/∂S_ij = (softmax(Sᵢ/τ)_j − [j = yᵢ])/(N·τ)",
         "0.9,0.1,-0.2;0.3,0.8,0.5;0.0,0.6,0.4",
         "Row 3's positive (0.4) trails a negative (0.6): at τ = 0.07 it carries almost all "
         "the loss, and its gradient is 1/τ times larger than on raw similarities.",
         input="similarities", target="class",
         params={"temperature": Param(0.07, help="τ in [0.001, 1000]", check=_TEMPERATURE)}),
    Spec("triplet_margin", "loss", "Triplet margin loss (torch triplet_margin_loss)",
         "L = (1/N)·Σ max(d(a, p) − d(a, n) + m, 0),  d(x, y) = ‖x − y + eps‖_p",
         "∂L/∂a = u_ap − u_an,  ∂L/∂p = −u_ap,  ∂L/∂n = u_an   (÷N, active triplets);  "
         "u_xy = ∂d(x, y)/∂x = (x − y + eps)/d for p = 2", "0,0;1,0;0,1.5",
         "The negative is farther than the positive, but by less than the margin: the loss "
         "0.5 moves the anchor toward p and away from n.", input="triplet",
         params={"margin": Param(1.0, help="the margin m", check=_MARGIN),
                 "p": Param(2.0, help="the norm's p ≥ 1",
                            check=(lambda v: 1 <= v <= 100, "must lie in [1, 100]")),
                 "eps": Param(1e-6, help="added to x − y", check=_SMALL_EPS)}),
    Spec("dice", "loss", "Soft Dice loss (segmentation)",
         "L = 1 − (2·Σ p·t + s)/(Σ p + Σ t + s)   per row, mean over rows",
         "∂L/∂p_k = −(2·t_k·U − (2·Σ p·t + s))/U²,   U = Σ p + Σ t + s   (÷N)",
         "0.9,0.8,0.3,0.1", "Overlap, not per-pixel error: the gradient depends on the whole "
         "mask through U, so a rare foreground class is not swamped by background.",
         input="probabilities", target="probability", default_target="1,1,0,0",
         params={"smooth": Param(1.0, help="s ≥ 0 added to both sides", check=_NONNEGATIVE)}),
    Spec("pinball", "loss", "Pinball (quantile) loss",
         "L = (1/N)·Σ max(q·u, (q − 1)·u),  u = t − x",
         "∂L/∂x = −q/N if u > 0,  (1 − q)/N if u < 0,  0 at u = 0", "1,2,3,4",
         "With q = 0.9, predicting 1 too low costs 9× predicting 1 too high: the minimiser is "
         "the 0.9-quantile.", target="values", default_target="2,2.5,1,6",
         params={"q": Param(0.9, help="the quantile q in [0, 1]", check=_UNIT)}),
    Spec("poisson_nll", "loss", "Poisson NLL (torch poisson_nll_loss)",
         "L = (1/N)·Σ (eˣ − t·x)   (log_input: x = log λ;  else x − t·log(x + eps))",
         "∂L/∂x = (eˣ − t)/N   (else (1 − t/(x + eps))/N)", "0,1,2,-1",
         "The gradient is λ − t: zero where the predicted rate equals the count (element 1).",
         input="log-rates", target="count", default_target="1,3,2,0",
         params={"log_input": Param(True, "bool", "x is log λ (else λ itself)"),
                 "full": Param(False, "bool", "add Stirling's term for t > 1"),
                 "eps": Param(1e-8, help="added to λ before the log", check=_SMALL_EPS)}),
    Spec("gaussian_nll", "loss", "Gaussian NLL with predicted variance",
         "L = (1/N)·Σ ½·(log v + (x − t)²/v),  v = max(var, eps)",
         "∂L/∂x = (x − t)/(N·v);  ∂L/∂var = ½·(1/v − (x − t)²/v²)/N", "1,2,3",
         "The residual of 3 costs less under var = 4, and ∂L/∂var < 0 there: the model can "
         "also lower its loss by raising the variance.", target="values",
         default_target="1.5,2,6",
         params={"var": Param(1.0, "float_or_floats", "variance, one or one per input",
                              check=_NONNEGATIVE),
                 "full": Param(False, "bool", "add ½·log 2π"),
                 "eps": Param(1e-6, help="the variance's floor", check=_SMALL_EPS)},
         example_params={"var": "0.25,1,4"}),
    Spec("distill_kl", "loss", "Distillation loss T²·KL(teacher ‖ student)",
         "L = (T²/N)·Σ KL(softmax(t/T) ‖ softmax(s/T)),  s student,  t teacher logits",
         "∂L/∂s = T·(softmax(s/T) − softmax(t/T))/N", "2,1,0",
         "At T = 2 the teacher's runner-up keeps 17% of its mass (5% at T = 1): the dark "
         "knowledge the student is pulled toward.", input="student-logits", target="logits",
         default_target="4,1,-1",
         params={"temperature": Param(2.0, help="T in [0.001, 1000]", check=_TEMPERATURE)}),
    Spec("relu", "activation", "Rectified linear unit", "y = max(x, 0)",
         "y′ = 1 if x > 0 else 0   (0 at x = 0, as PyTorch)", _KINKED,
         "At x = 0 the derivative is defined as 0; the central difference straddles the kink "
         "and says ½."),
    Spec("leaky_relu", "activation", "Leaky ReLU", "y = x if x > 0 else a·x   (a = negative_slope)",
         "y′ = 1 if x > 0 else a", _KINKED, "A small slope a keeps gradients alive for x < 0.",
         params={"negative_slope": Param(0.01, help="slope a for x ≤ 0")}),
    Spec("sigmoid", "activation", "Logistic sigmoid", "σ(x) = 1/(1 + e⁻ˣ)",
         "σ′(x) = σ(x)·(1 − σ(x)) ≤ ¼", "-10,-2,0,2,10",
         "The derivative peaks at ¼ and is 4.5e-5 at |x| = 10: sigmoids saturate."),
    Spec("tanh", "activation", "Hyperbolic tangent", "tanh(x) = (eˣ − e⁻ˣ)/(eˣ + e⁻ˣ)",
         "tanh′(x) = 1 − tanh²(x)", "-5,-1,0,1,5",
         "Zero-centred with slope 1 at 0, but it saturates too: 1.8e-4 at |x| = 5."),
    Spec("gelu", "activation", "Gaussian error linear unit",
         "y = x·Φ(x)   (tanh form: ½x·(1 + tanh(√(2/π)·(x + 0.044715x³))))",
         "y′ = Φ(x) + x·φ(x)", "-3,-1,-0.5,0,0.5,1,3",
         "Smooth, slightly negative for x < 0 (minimum near x = −0.75), ≈ x for large x.",
         params={"approximate": Param("none", "choice", "exact or tanh form",
                                      ("none", "tanh"))}),
    Spec("silu", "activation", "SiLU / swish", "y = x·σ(x)", "y′ = σ(x)·(1 + x·(1 − σ(x)))",
         "-5,-1,0,1,5", "Like GELU: smooth, a small negative dip, gradient 0.5 at 0."),
    Spec("elu", "activation", "Exponential linear unit", "y = x if x > 0 else α·(eˣ − 1)",
         "y′ = 1 if x > 0 else α·eˣ", "-5,-1,0,1,5",
         "Negative outputs down to −α pull mean activations toward 0.",
         params={"alpha": Param(1.0, help="saturation level α ≥ 0", check=_NONNEGATIVE)}),
    Spec("prelu", "activation", "Parametric ReLU (learned slope)",
         "y = x if x > 0 else a·x   (a learned)",
         "∂y/∂x = 1 if x > 0 else a;   ∂y/∂a = 0 if x > 0 else x", "-2,-0.5,0.5,2",
         "The slope gets its own gradient: Σ upstream·x over the negative inputs.",
         params={"weight": Param(0.25, help="the slope a")}),
    Spec("softmax", "activation", "Softmax over a vector",
         "yᵢ = e^(xᵢ − m) / Σⱼ e^(xⱼ − m),   m = max x",
         "∂yᵢ/∂xⱼ = yᵢ·(δᵢⱼ − yⱼ);   J·v = y ⊙ (v − ⟨y, v⟩)", "2,1,0.1",
         "The derivative column shows J's diagonal yᵢ(1 − yᵢ); the full Jacobian is in "
         "'jacobian'."),
    Spec("softplus", "activation", "Softplus (torch: linear beyond threshold)",
         "y = (1/β)·log(1 + e^(βx))   (x where βx > threshold)",
         "y′ = σ(βx)   (1 where βx > threshold)", "-5,-1,0,1,5",
         "A smooth ReLU: always positive, and its derivative is exactly the sigmoid.",
         params={"beta": Param(1.0, help="sharpness β > 0", check=_POSITIVE),
                 "threshold": Param(20.0, help="βx above which y = x", check=_POSITIVE)}),
    Spec("selu", "activation", "Scaled ELU (self-normalising)",
         "y = λ·x if x > 0 else λ·α·(eˣ − 1),  λ ≈ 1.0507,  α ≈ 1.6733",
         "y′ = λ if x > 0 else λ·α·eˣ", "-3,-1,-0.5,0.5,2",
         "λ and α are fixed so activations keep mean 0 and variance 1 under LeCun-normal "
         "weights; slope λ > 1 for x > 0."),
    Spec("mish", "activation", "Mish", "y = x·tanh(softplus(x))",
         "y′ = tanh(sp(x)) + x·σ(x)·sech²(sp(x)),  sp(x) = log(1 + eˣ)", "-5,-1,0,1,5",
         "Like swish: smooth, non-monotonic with a dip near x = −1.19, ≈ x for large x."),
    Spec("swiglu", "activation", "SwiGLU gate: Swish(xW) ⊙ xV",
         "y = swish(a)·b,  a = x·W (gate),  b = x·V (value, --value)",
         "∂y/∂a = (σ(a) + a·σ(a)·σ(−a))·b;  ∂y/∂b = a·σ(a)", "-3,-1,0,1,3",
         "The gate a decides how much of the value b passes; with b = 1 this is swish itself.",
         params={"value": Param(1.0, "float_or_floats", "the value half b = xV")},
         example_params={"value": "2"}),
]  # fmt: skip
SPECS: dict[str, Spec] = {s.name: s for s in _SPECS}

DEMO_INFO: dict[str, tuple[str, dict[str, Param]]] = {
    "ce-vs-mse": ("CE vs MSE-on-sigmoid gradients when confidently wrong", {}),
    "vanishing": ("Gradient norms back through deep sigmoid, tanh and ReLU nets", {}),
    "dead-relu": ("Dead ReLU units get exactly zero gradient", {}),
    "focal-vs-ce": (
        "Focal loss vs CE on easy and hard examples",
        {
            "gamma": Param(2.0, help="focusing exponent", check=_GAMMA),
            "alpha": Param(0.25, help="α", check=_FOCAL_ALPHA),
        },
    ),
    "label-smoothing": ("Label smoothing's targets and the logit gap it settles at", {}),
    "stable-softmax": ("Naive vs max-shifted softmax in float32, and log_softmax", {}),
    "outliers": ("Fitting a line with an outlier under MSE, MAE and Huber", {}),
    "attention-scaling": ("Attention softmax with and without the 1/√d_k scale", {}),
}
