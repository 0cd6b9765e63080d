"""Chapter 07's demos: mask a token and read BERT's guesses; sample from a tiny GPT at a temperature."""

import matplotlib.pyplot as plt
import numpy as np
import torch

from helpers.widgets import Choice, Demo, Slider


def masked_prediction(
    model, sentences: list, words: list, mask_id: int, cls_id: int, top: int = 8
) -> Demo:
    """Pick a sentence and a position to mask; bars show the model's ``top`` guesses for it.

    ``model(tokens)`` gives hidden states and ``model.logits(h)`` scores over ``words``; ``sentences``
    are lists of words (no special tokens). Every (sentence, position) is predicted once here, so a
    redraw only updates the bars.
    """
    if not sentences or any(len(s) == 0 for s in sentences):
        raise ValueError("give at least one non-empty sentence")
    index = {w: i for i, w in enumerate(words)}
    unknown = sorted({w for s in sentences for w in s if w not in index})
    if unknown:
        raise ValueError(f"words not in the vocabulary: {unknown}")
    names = [" ".join(s) for s in sentences]
    longest = max(len(s) for s in sentences)
    probs = {}  # (sentence, position) -> probabilities (V,)
    model.eval()
    with torch.no_grad():
        for name, s in zip(names, sentences):
            ids = torch.tensor([[cls_id] + [index[w] for w in s]])
            batch = ids.repeat(len(s), 1)
            batch[torch.arange(len(s)), torch.arange(len(s)) + 1] = (
                mask_id  # row p masks word p
            )
            p = model.logits(model(batch)).softmax(-1)  # (len(s), T, V)
            for pos in range(len(s)):
                probs[name, pos] = p[pos, pos + 1].numpy()

    fig, (ax_s, ax_p) = plt.subplots(
        2, 1, figsize=(6.4, 4.2), gridspec_kw={"height_ratios": [1, 3]}
    )
    plt.close(fig)
    bars = ax_p.barh(np.arange(top), np.zeros(top), color="C0")
    ax_p.invert_yaxis()
    ax_p.axvline(1 / len(words), color="gray", ls="--", lw=1, label="uniform guess")
    ax_p.legend(loc="lower right", fontsize=8)
    ax_p.set(xlim=(0, 1), xlabel="predicted probability")
    ax_s.axis("off")
    shown = ax_s.text(0.0, 0.5, "", fontsize=10, va="center", family="monospace")
    hidden = ax_s.text(0.0, 0.0, "", fontsize=9, va="center", color="gray")
    title = ax_p.set_title("", fontsize=10)
    # lay the figure out once, for the longest word on the axis; a redraw moves nothing
    longest_word = max(words, key=len)
    ax_p.set_yticks(np.arange(top), [longest_word] * top)
    title.set_text(f"top {top} guesses for position {longest} (green: the hidden word)")
    fig.tight_layout()

    def render(sentence: str, position: int):
        """A sentence with one word masked, and the model's top guesses for it as bars."""
        s = sentences[names.index(sentence)]
        pos = min(int(position), len(s)) - 1  # slider counts words from 1
        p = probs[sentence, pos]
        order = np.argsort(-p)[:top]
        words_shown = ["[MASK]" if i == pos else w for i, w in enumerate(s)]
        shown.set_text("input:  " + " ".join(words_shown))
        past_end = "  (position past the end: showing the last word)"
        hidden.set_text(
            f"hidden word: {s[pos]!r}" + (past_end if int(position) > len(s) else "")
        )
        for b, i in zip(bars, order):
            b.set_width(float(p[i]))
            b.set_color("C2" if words[i] == s[pos] else "C0")
        ax_p.set_yticks(np.arange(top), [words[i] for i in order])
        title.set_text(
            f"top {top} guesses for position {pos + 1} (green: the hidden word)"
        )
        return fig

    return Demo(
        render,
        sentence=Choice(names, names[0]),
        position=Slider(1, longest, 2, integer=True),
    )


def sampling(model, prompt: list, words: list, n_new: int = 24, seed: int = 0) -> Demo:
    """Continue ``prompt`` (token ids) with a causal model at temperature ``tau``, always with the same draws.

    Samples are precomputed, in one batch, at the 41 temperatures of the slider's grid.

    Left: the next-token distribution after the prompt at ``tau``; right: the sampled continuation.
    The same uniform numbers are reused at every ``tau``, so moving the slider changes only the temperature.
    """
    if len(prompt) == 0 or len(prompt) + n_new > model.T_max:
        raise ValueError(
            f"prompt length must be 1..{model.T_max - n_new}, got {len(prompt)}"
        )
    u = torch.rand(n_new, generator=torch.Generator().manual_seed(seed))
    taus = torch.logspace(
        np.log10(0.05), np.log10(5.0), 41
    )  # the log slider's grid (step 0.05 in log10)
    model.eval()
    with torch.no_grad():
        z0 = model.logits(model(torch.tensor([prompt])))[
            0, -1
        ]  # logits after the prompt, (V,)
        ids = torch.tensor([prompt]).repeat(len(taus), 1)  # one row per temperature
        for t in range(n_new):  # inverse-CDF draws, the same uniforms for every row
            p = (model.logits(model(ids))[:, -1] / taus[:, None]).softmax(
                -1
            )  # (n_tau, V)
            c = p.cumsum(-1)
            nxt = torch.searchsorted(c, (u[t] * c[:, -1:]).contiguous()).clamp(
                max=len(words) - 1
            )
            ids = torch.cat([ids, nxt], 1)
    samples = ids.tolist()
    top = torch.argsort(z0, descending=True)[:10]

    fig, (ax_p, ax_t) = plt.subplots(
        1, 2, figsize=(8.8, 3.4), gridspec_kw={"width_ratios": [1, 1.6]}
    )
    plt.close(fig)
    bars = ax_p.barh(np.arange(10), np.zeros(10))
    ax_p.set_yticks(np.arange(10), [words[i] for i in top])
    ax_p.invert_yaxis()
    ax_p.axvline(1 / len(words), color="gray", ls="--", lw=1, label="uniform")
    ax_p.legend(loc="lower right", fontsize=8)
    ax_p.set(xlim=(0, 1), xlabel="P(next token)")
    ax_t.axis("off")
    text = ax_t.text(0, 1, "", va="top", fontsize=9, family="monospace")
    title = ax_p.set_title("next token after the prompt, tau = 0.05", fontsize=10)
    ax_t.set_title("a sample (prompt + continuation)", fontsize=10)
    fig.tight_layout()  # once: a redraw changes bars and text, not the layout

    def render(tau: float):
        """The next-token distribution after a prompt at temperature tau, and a sampled continuation."""
        tau = max(float(tau), 1e-3)
        for b, p in zip(bars, (z0 / tau).softmax(-1)[top].tolist()):
            b.set_width(p)
        ids = samples[
            int(torch.argmin((taus.log() - np.log(tau)).abs()))
        ]  # the nearest precomputed tau
        lines, line = [], ""
        for w in [words[i] for i in ids]:
            line += w + " "
            if w == "." or len(line) > 40:
                lines.append(line)
                line = ""
        text.set_text("\n".join(lines + [line]))
        title.set_text(f"next token after the prompt, tau = {tau:.2g}")
        return fig

    return Demo(render, tau=Slider(0.05, 5.0, 1.0, log=True))


def examples() -> dict:
    """Both demos on an untrained tiny model (what the tests render at every slider's extremes)."""
    from helpers.pretrain import TinyTransformer

    words = ["[PAD]", "[CLS]", "[SEP]", "[MASK]", "the", "cat", "sat", "on", "mat", "."]
    torch.manual_seed(0)
    bert = TinyTransformer(len(words), D=16, h=2, d_ff=32, n_layers=1, T_max=12)
    gpt = TinyTransformer(
        len(words), D=16, h=2, d_ff=32, n_layers=1, T_max=32, causal=True
    )
    sentences = [["the", "cat", "sat", "on", "the", "mat", "."], ["the", "mat", "."]]
    return {
        "masked_prediction": masked_prediction(
            bert, sentences, words, mask_id=3, cls_id=1
        ),
        "sampling": sampling(gpt, [4, 5], words, n_new=20),
    }
