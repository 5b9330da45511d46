"""An answer as clauses: sentence ends, contrast words and commas split it; pronouns and
"which" carry a subject from one clause to the next; frames (cause, fix, detect) are read
from each clause's sentence. The clauses' words are read by :func:`.text.tokens`."""

from __future__ import annotations

import re
from functools import lru_cache

from quizprep.study.grading.lexicon import ANTONYMS, FRAMES, NEGATORS, STOPWORDS, SUBJECTS
from quizprep.study.grading.normalise import prepare
from quizprep.study.grading.text import Clause, tokens

_CONTRAST = re.compile(r"\s(?=(?:but|whereas|while|although|though|however|unlike|instead of)\b)")
# (a dot between a bracket and a name is a method call: "np.exp(z - m).sum(1)")
_HARD = re.compile(r"(?:(?<![a-z0-9])(?<!\))\.|\)\.(?![a-z_])|\.(?=\s|$)|[;?\n]|!(?!=)|\s-{2,}\s)")


def split(text: str) -> list[Clause]:
    """An answer as clauses. Commas and "and <name>" split softly (clauses of one segment
    may be read together as evidence); sentence ends, ``;``, ``:`` and contrast words split
    hard."""
    clauses: list[Clause] = []
    # A blank line ends a claim; a single line break (a wrapped line) is only a pause.
    text = re.sub(r"\n\s*\n", " ; ", text).replace("\n", " ")
    text = _ABBREVIATION.sub(r"\1", text)
    text = re.sub(r"\b(i\.e|e\.g|cf|viz|resp|approx)\.(?=\s)", ",", text, flags=re.I)  # "i.e. X"
    body = _PAREN.sub(_aside, prepare(text))
    for segment_index, segment in enumerate(_HARD.split(body)):
        for part in _CONTRAST.split(segment):
            for piece in _soft_split(part):
                opening, _, rest = piece.rpartition(_OPENING)
                raw = f"{opening} {rest}".strip(" ,") if opening else piece.strip(" ,")
                if not raw:
                    continue
                found, math = tokens(raw)
                if found:
                    size = len(tokens(opening)[0]) if opening else 0
                    clauses.append(Clause(raw, found, math, segment_index, opening=size))
        # contrast words start a new segment: "MSE … median, whereas MAE … mean"
    return _renumber(clauses)


_PAREN = re.compile(r"\(([^()]*)\)")
# names inside a formula's brackets: "(log p_ij − log q_ij)" is a factor, not an aside
_MATH_WORDS = frozenset(
    {"log", "exp", "sum", "max", "min", "mean", "sqrt", "abs", "tanh", "sigmoid", "softmax",
     "softplus", "relu", "diag", "sign", "logsumexp", "log1p", "expm1", "torch", "keepdims",
     "axis", "dim", "sigma", "alpha", "beta", "gamma", "delta", "lambda", "tau", "eps",
     "epsilon", "mu", "phi", "theta", "transpose"}
)  # fmt: skip
# "Prob. outputs", "indep.)", "det. (RetinaNet)": a shorthand's full stop, with the text
# going on in lower case, ends no sentence ("bad init. Fix: …" still does)
_ABBREVIATION = re.compile(
    r"\b((?i:prob|probs|approx|indep|det|eq|resp|incl|vs|cf|avg|std|var|grad|grads|deriv|fn"
    r"|func|dist|val|init|neg|negs|pos|reg|acc|conf|ex|est|temp|dim|dims|iter|iters|norm"
    r"|params|param|fwd|bwd|act|acts|pred|preds|prod|mult|diff|eps|opt|avg|sym|elem|coef|coeff"
    r"|cond|lik|likel|distr|distrib|wrt))\.(?=\s+[a-z0-9(]|\))"
)


_ASSIGNMENT = r"\s*[a-z]\s*(?:=|~|<|>|<=|>=)\s*-?\s*[\d.]+\s*"
_EXAMPLE = re.compile(rf"(?:{_ASSIGNMENT},)+{_ASSIGNMENT}$")


def _aside(match: re.Match[str]) -> str:
    """A bracketed aside in words ("(MAE is Laplace)") is a clause of its own; a bracketed
    formula ("(ŷ − y)²", "max(0, x)", "2Σpg/(Σp + Σg)") stays where it is."""
    inner = match.group(1)
    if _EXAMPLE.match(inner):
        return " "  # "(y = 1, p ≈ 0)": the values of an example, no claim
    before = match.string[max(0, match.start() - 2) : match.start()].rstrip()
    if before[-1:] in ("/", "*", "^", "_"):  # a denominator, a factor, a power
        return match.group(0)
    if re.search(r"\b[a-z_]+=[\w'\".-]", inner):  # "sum(e, -1, keepdims=true)": code arguments
        return match.group(0)
    touching = match.string[match.start() - 1 : match.start()]  # no space: a call's brackets
    if touching.isalnum() and len(inner.split()) <= 5 and re.search(r"[|,+*/=<>-]", inner):
        return match.group(0)  # "kl(teacher | student)", "d(anchor, negative)": arguments
    words = [w for w in re.findall(r"\b[a-z]{3,}\b", inner) if w not in _MATH_WORDS]
    if len(words) >= 2:
        return f", {inner} ,"
    return match.group(0)


def _soft_split(part: str) -> list[str]:
    """Split at commas, colons, "and" and "or" outside brackets ("max(0, x)" stays whole):
    "sigmoid is zero-centred and tanh isn't" is two claims."""
    pieces: list[str] = []
    depth = start = 0
    for index, ch in enumerate(part):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth = max(0, depth - 1)
        elif ch in ",:" and depth == 0 and not (ch == "," and _open_noun(part[start:index])):
            pieces.append(part[start:index])
            start = index + 1
    pieces.append(part[start:])
    pieces = _appositions(pieces)
    # "With Adam, an L2 penalty is weight decay": a short opening phrase belongs to its claim
    if len(pieces) > 1 and _LEADING.match(pieces[0]) and len(pieces[0].split()) <= 4:
        pieces = [f"{pieces[0]}{_OPENING}{pieces[1]}", *pieces[2:]]
    out: list[str] = []
    for piece in pieces:
        parts = re.split(r"(\s(?:and|or|vs|versus|->)\s)", piece)
        # "the loss and the gradient are zero", "mean and variance": a conjunct of one
        # word is part of a noun phrase, not a claim of its own
        merged: list[str] = []
        carry = ""
        for index in range(0, len(parts), 2):
            text = carry + parts[index]
            joiner = parts[index + 1] if index + 1 < len(parts) else ""
            letters = (  # "apply RMSNorm to q and k": two variables, one claim
                index + 2 < len(parts)
                and re.search(r"(?<![\w'])[a-z]\s*$", parts[index]) is not None
                and re.match(r"\s*[a-z](?![\w'])", parts[index + 2]) is not None
            )
            # "MSE → cond. mean": a name and what it leads to is one claim about the name
            named = joiner.strip() == "->" and _one_word(parts[index])
            # "both the input and the target are …": one coordinated subject
            both = joiner.strip() == "and" and re.match(r"\s*both\b", parts[index]) is not None
            listed = joiner.strip() in ("and", "or") and (
                _one_word(parts[index]) or letters or both
            )
            if (listed or named) and index + 2 < len(parts):
                carry = text + joiner
                continue
            merged.append(text)
            # "… vs hard clamp": what follows is the other side of a comparison, and says so
            carry = "versus " if joiner.strip() in ("vs", "versus") else ""
        out += merged
    return [p for p in out if p and p.strip()]


_OPENING = "\x00"  # marks where a merged opening phrase ends
_LEADING = re.compile(r"\s*(?:with|in|under|using|during|after|before)\s")


def _appositions(pieces: list[str]) -> list[str]:
    """ "Poisson, like MSE, assumes …" is one claim about Poisson: an aside "like X" between
    commas joins the pieces on both sides."""
    out: list[str] = []
    index = 0
    while index < len(pieces):
        aside = pieces[index].strip()
        if (
            out
            and index + 1 < len(pieces)
            and re.match(r"(?:just |much )?like\s", aside)
            and len(aside.split()) <= 4
        ):
            out[-1] = f"{out[-1]} {aside} {pieces[index + 1]}"
            index += 2
            continue
        out.append(pieces[index])
        index += 1
    return out


def _open_noun(text: str) -> bool:
    """The text ends on a determiner and an adjective ("… on the easy"): the comma after it
    is inside a noun phrase ("the easy, well-classified examples"), not between clauses."""
    words = re.findall(r"[a-z']+", text[-40:])
    # "the mean", "the positive" are nouns: a clause may end on them
    return (
        len(words) >= 2
        and words[-2] in ("the", "a", "an")
        and ANTONYMS.get(words[-1], ("center", 0))[0] not in ("center", "sign")
    )


def _one_word(text: str) -> bool:
    words = [w for w in re.findall(r"[a-z0-9_]+", text) if w not in STOPWORDS | NEGATORS]
    return len(words) <= 1


# "since there's no branch it is cheaper": a pronoun as the subject of a verb mid-clause
_PRONOUN_SUBJECT = re.compile(
    r"\b(?:it|this)\s+(?:is|isn't|was|has|does|doesn't|gets|needs|costs|can|cannot|can't"
    r"|will|won't|would|keeps|stays|becomes|makes|gives|estimates|predicts|learns)\b"
    r"|\bit's\b"
)

# A sentence opening on one of these verbs is advice: a fix ("Use He init", "Try GELU").
_IMPERATIVE_FIX = frozenset(
    {"use", "try", "add", "apply", "switch", "lower", "reduce", "decrease", "clip", "swap"}
)

# a clause that opens on its verb has the sentence's subject ("X, an aside, is …")
_VERB_FIRST = re.compile(
    r"(?:is|are|was|were|has|have|does|can|cannot|will|gives|makes|estimates|predicts|keeps"
    r"|saturates|vanishes|pushes|penali[sz]es|treats|assumes|uses|needs|returns|computes"
    r"|outputs|produces|becomes|stays|grows|shrinks|reduces|increases|decreases|means"
    r"|ignores|applies|learns|requires|behaves|equals|matches|causes|helps|prevents|avoids"
    r"|adds|removes|divides|multiplies|scales|focuses|dominates|explodes|dies|works|gets)\b"
)
_CONSEQUENCE = re.compile(r"(?:so|hence|thus|therefore|which means|meaning)\b")

CONTRAST_START = re.compile(r"(?:but|whereas|while|although|though|however|unlike|instead of)\b")


def _renumber(clauses: list[Clause]) -> list[Clause]:
    # Contrast words and "and <name>" mark a new claim: give each such clause its own
    # segment so windows never read across them.
    out: list[Clause] = []
    segment = -1
    previous = None
    for clause in clauses:
        starts_claim = re.match(
            r"(?:but|whereas|while|although|though|however|unlike|instead of)\b",
            clause.text,
        )
        if clause.segment != previous or starts_claim:
            segment += 1
        previous = clause.segment
        out.append(clause._replace(segment=segment))
    words_by_segment: dict[int, set[str]] = {}
    for clause in out:
        words = re.findall(r"[a-z]+", clause.text)
        if clause.segment not in words_by_segment and words and words[0] in _IMPERATIVE_FIX:
            words.append("fix")  # "Use Leaky ReLU and a smaller learning rate." is a fix
        words_by_segment.setdefault(clause.segment, set()).update(words)
    result = []
    # A clause opening on a pronoun is about the subject before it: "unlike MAE, whose
    # gradient is constant"; "KL(p‖q) = KL(q‖p), it is symmetric" (not across a contrast).
    carried: tuple[int, str | None, bool] = (-1, None, False)
    stated: str | None = None  # the last subject named outright, outside a contrast
    compared: str | None = None  # the last thing the clause before named past its subject
    after_contrast = False  # the clause before opened on "while", "whereas", "but"…
    supposed = False  # a counterfactual cue seen so far in this sentence
    opened: str | None = None  # the subject the sentence opened on
    named_alone: str | None = None  # the clause before was a name on its own
    for clause in out:
        lead = clause.tokens[0]
        if clause.opening:
            # "In PyTorch, cross_entropy …", "With Adam, an L2 penalty …": the claim's subject
            # is the thing named after the opening phrase (or in it, when nothing follows)
            after = clause.tokens[clause.opening :]
            names = [t for t in (*after[:3], *clause.tokens[: clause.opening]) if t.key in SUBJECTS]
            lead = names[0] if names else lead
        first = lead.key if lead.key in SUBJECTS else None
        relative = re.match(r"(?:whose|which|where|that)\b", clause.text)
        pronoun = re.match(
            r"(?:(?:but|and|so|yet|since|because|though|although|also|and also|plus|then)\s+)?"
            r"(?:it|its|it's|this)\b",
            clause.text,
        ) or _PRONOUN_SUBJECT.search(clause.text)
        same = carried[0] == clause.segment
        later = [t.key for t in clause.tokens[1:] if t.key in SUBJECTS and not t.neg]
        if (
            first is not None
            and same
            and carried[1] is not None
            and not carried[2]
            and _APPOSITION.match(clause.text)
        ):
            own = carried[1]  # "BCE is −[…], the negative log-likelihood under …": still BCE
        elif first is not None and lead.neg and pronoun:
            own = stated  # "Unlike ReLU it keeps a gradient": "it" is the thing stated before
        elif first is not None and lead.neg and later and later[0] not in clause.math:
            own = later[0]  # "unlike a ReLU a softplus unit can't die": softplus
        elif first is not None:
            own = first
        elif same and relative and compared is not None:
            own = compared  # "Leaky ReLU, which keeps a gradient"
        elif same and _CONSEQUENCE.match(clause.text) and after_contrast and stated:
            own = stated  # "tanh's slope is 1 while sigmoid's is 0.25, so …": back to tanh
        elif same and (relative or _CONSEQUENCE.match(clause.text)):
            own = carried[1]  # "…, so units can still die": the sentence's subject goes on
        elif same and opened is not None and _VERB_FIRST.match(clause.text):
            own = opened  # "Softplus, log(1 + eˣ), is a smooth ReLU": the sentence's subject
        elif same and named_alone is not None:
            own = named_alone  # "Softplus, log(1 + eˣ), …": an apposition to the name
        elif same and carried[1] is not None and _DESCRIPTION.match(clause.text):
            own = carried[1]  # "SiLU is x·σ(x), basically a smoothed ReLU": still SiLU
        elif pronoun and same and compared is not None and not carried[2]:
            own = compared  # "so I default to MSE: it is the most robust…": the last named
        elif pronoun and not carried[2]:
            own = stated  # "MSE squares errors. Its gradient is 2(ŷ − y)."
        else:
            own = None
        # what a "which" after this clause points back to: its last thing named past the
        # subject ("the fix is Leaky ReLU, which…", "cheaper than sigmoid, which…")
        named = [
            t.key
            for t in clause.tokens[1:]
            if t.key in SUBJECTS and not t.neg and t.key not in clause.math  # not σ(x)
        ]
        keys = [t.key for t in clause.tokens]
        after = keys[keys.index("than") + 1 :] if "than" in keys else []
        if after and after[0] in SUBJECTS:
            compared = after[0]  # "cheaper than sigmoid, which …"
        elif own is None and named:
            compared = named[-1]  # "the fix is Leaky ReLU, which …"
        else:
            compared = None  # "tanh is a rescaled sigmoid, which …" is still about tanh
        if _LIKENESS.match(clause.text) and len(clause.tokens) <= 2:
            compared = None  # "Like ReLU, its gradient is zero …": "its" is not ReLU's
        # a clause that is only a name ("Softplus, …") is followed by what it is
        opens = carried[0] != clause.segment  # the sentence's first clause: its subject
        named_alone = first if opens and len(clause.tokens) == 1 and not lead.neg else None
        if opens:
            opened = own if own is not None and not (first is not None and lead.neg) else None
        carried = (clause.segment, own, bool(first is not None and lead.neg))
        after_contrast = CONTRAST_START.match(clause.text) is not None
        if opens and first is not None and not lead.neg and not CONTRAST_START.match(clause.text):
            stated = first
        # a counterfactual reaches forward only: "it need not be differentiable, …,
        # otherwise you optimise the wrong thing" still claims its first clause
        words = set(re.findall(r"[a-z]+", clause.text))
        # "0.01x otherwise" is the other case of a definition, "otherwise you …" a supposition
        if "otherwise" in words and not clause.text.startswith("otherwise"):
            words.discard("otherwise")
        supposed = (supposed and not opens) or bool(words & _COUNTERFACTUAL)
        frames = frames_of(words_by_segment[clause.segment]) - {"counterfactual"}
        if supposed:
            frames |= {"counterfactual"}
        result.append(clause._replace(frames=frames, subject=own))
    return result


_COUNTERFACTUAL = FRAMES["counterfactual"]
_LIKENESS = re.compile(r"(?:just |much |exactly )?like\s")
_NO_VERB = r"(?![^,;]*\b(?:is|are|was|were|has|have|does|do|can|will|gives|makes|means)\b)"
# "…, the negative log-likelihood of …": a noun phrase with no verb renames what came before
_APPOSITION = re.compile(rf"the\s+{_NO_VERB}")
# a clause that only describes the thing before it, with no verb of its own
_DESCRIPTION = re.compile(
    r"(?:(?:basically|essentially|just|simply|roughly|effectively|kind of|sort of)\s+)?"
    rf"(?:a|an)\s+{_NO_VERB}"
)


def frames_of(words: set[str] | list[str]) -> frozenset[str]:
    return frozenset(name for name, cue in FRAMES.items() if cue & set(words))


_ORIGINAL_SPLIT = re.compile(
    r"[.](?=\s|$)|(?<![0-9])[.](?![0-9a-z])|[;!?\n,:—]|\s(?=(?:and|or|but|whereas|while|unlike)\s)"
)


def as_typed(answer: str, clause_text: str) -> str:
    """The stretch of the answer as typed that a (normalised) clause came from, for showing
    as evidence; the normalised text when no piece lines up."""
    wanted = clause_text.strip(" ,")
    pieces = _typed_pieces(answer)
    for size in (1, 2, 3):
        for i in range(len(pieces) - size + 1):
            piece = ", ".join(pieces[i : i + size])
            if len(piece) > 4 * len(wanted) + 40:
                continue
            if wanted and wanted in _prepared_piece(piece):
                return piece
    return wanted


@lru_cache(maxsize=8)
def _typed_pieces(answer: str) -> tuple[str, ...]:
    # one answer's pieces are looked up once per point with evidence: split it once
    return tuple(p.strip(" ,") for p in _ORIGINAL_SPLIT.split(answer) if p and p.strip(" ,"))


@lru_cache(maxsize=4096)
def _prepared_piece(piece: str) -> str:
    return prepare(piece).strip(" ,")
