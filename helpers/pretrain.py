"""Tiny BERT and GPT for self-supervised pre-training, built on chapter 04's attention (chapter 07).

Both models stack the same Transformer block (chapter 05's encoder block, in its pre-norm form with a
GELU, as BERT and GPT use them); they differ in the mask: BERT lets every token see every other
(bidirectional), GPT lets token ``t`` see only tokens ``j <= t`` (causal). Shapes use the book's
alphabet: ``B`` batch, ``T`` positions, ``D`` width, ``h`` heads, ``V`` vocabulary size.
"""

import torch
from torch import nn

from helpers.attention import MultiHeadAttention


def causal_mask(T: int) -> torch.Tensor:
    """(T, T) booleans, ``True`` where position ``t`` may attend to position ``j`` (``j <= t``)."""
    return torch.ones(T, T, dtype=torch.bool).tril()


class Block(nn.Module):
    """A pre-norm Transformer block: ``u = x + MHA(LN(x))``, ``x' = u + FFN(LN(u))``.

    Laid out like ``nn.TransformerEncoderLayer(D, h, d_ff, norm_first=True, activation="gelu")``,
    so :func:`copy_to_torch` can load its weights there for a check.
    """

    def __init__(self, D: int, h: int, d_ff: int):
        super().__init__()
        self.self_attn = MultiHeadAttention(D, h)
        self.ffn = nn.Sequential(nn.Linear(D, d_ff), nn.GELU(), nn.Linear(d_ff, D))
        self.norm1, self.norm2 = nn.LayerNorm(D), nn.LayerNorm(D)

    def forward(self, x, mask=None):  # x: (B, T, D); mask broadcasts to (B, h, T, T)
        z = self.norm1(x)
        u = x + self.self_attn(z, z, z, mask)[0]
        return u + self.ffn(self.norm2(u))


def copy_to_torch(
    block: Block, ref: nn.TransformerEncoderLayer
) -> nn.TransformerEncoderLayer:
    """Load ``block``'s weights into PyTorch's own layer (built with ``dropout=0``); return it."""
    ref.self_attn.load_state_dict(block.self_attn.state_dict())
    ref.linear1.load_state_dict(block.ffn[0].state_dict())
    ref.linear2.load_state_dict(block.ffn[2].state_dict())
    ref.norm1.load_state_dict(block.norm1.state_dict())
    ref.norm2.load_state_dict(block.norm2.state_dict())
    return ref


class TinyTransformer(nn.Module):
    """Token, position (and segment) embeddings, ``n_layers`` blocks, a final LayerNorm, a token head.

    ``causal=False`` is a tiny BERT (an encoder: every output sees the whole input), ``causal=True``
    a tiny GPT (a decoder without cross-attention). ``forward`` returns the hidden states
    (B, T, D); ``logits`` turns them into scores over the vocabulary (B, T, V).
    """

    def __init__(
        self,
        V: int,
        D: int = 32,
        h: int = 2,
        d_ff: int = 64,
        n_layers: int = 2,
        T_max: int = 32,
        causal: bool = False,
        n_segments: int = 2,
        pad_id: int | None = None,
    ):
        super().__init__()
        for name, value in [
            ("V", V),
            ("D", D),
            ("h", h),
            ("d_ff", d_ff),
            ("n_layers", n_layers),
            ("T_max", T_max),
        ]:
            if int(value) < 1:
                raise ValueError(f"{name} must be a positive integer, got {value}")
        self.V, self.D, self.T_max, self.causal, self.pad_id = (
            V,
            D,
            T_max,
            causal,
            pad_id,
        )
        self.tok = nn.Embedding(V, D)  # E: one row per token
        self.pos = nn.Embedding(T_max, D)  # learned positions, as in BERT and GPT
        self.seg = nn.Embedding(
            n_segments, D
        )  # sentence A or B (BERT's segment embedding)
        self.blocks = nn.ModuleList(Block(D, h, d_ff) for _ in range(n_layers))
        self.norm = nn.LayerNorm(D)
        self.head = nn.Linear(D, V)  # the linear layer that predicts tokens
        for emb in (self.tok, self.pos, self.seg):
            nn.init.normal_(emb.weight, std=0.1)

    def forward(self, tokens, segments=None):
        """tokens (B, T) -> hidden states (B, T, D)."""
        if tokens.dim() != 2:
            raise ValueError(f"tokens must be (B, T), got shape {tuple(tokens.shape)}")
        T = tokens.shape[1]
        if T > self.T_max:
            raise ValueError(f"sequence length {T} exceeds T_max = {self.T_max}")
        if tokens.min() < 0 or tokens.max() >= self.V:
            raise ValueError(
                f"token ids must lie in [0, {self.V}), got {tokens.min()}..{tokens.max()}"
            )
        x = self.tok(tokens) + self.pos(
            torch.arange(T, device=tokens.device)
        )  # (B, T, D)
        if segments is not None:
            x = x + self.seg(segments)
        mask = causal_mask(T).to(tokens.device) if self.causal else None
        if self.pad_id is not None and not self.causal:
            keys = (tokens != self.pad_id)[
                :, None, None, :
            ]  # (B, 1, 1, T): padding is never attended to
            mask = keys if mask is None else mask & keys
        for block in self.blocks:
            x = block(x, mask)
        return self.norm(x)

    def logits(self, hidden):
        """(B, T, D) -> (B, T, V)."""
        return self.head(hidden)


def n_params(model: nn.Module) -> int:
    """Number of trainable parameters."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
