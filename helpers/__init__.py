"""The small shared package behind the book's notebooks.

One concern per module; importing any of them changes no global state. A notebook
calls :func:`helpers.env.setup` once, in its set-up cell.

- ``env``: seeds, threads, device, plot style, Colab detection
- ``data``: offline data sets (generated series, scikit-learn's digits)
- ``train``: a small training loop whose progress bar stays out of stored outputs
- ``stacked``: several seeds of one small network, trained at once as one stacked model (chapter 01)
- ``checks``: compare with a reference, finite-difference gradients, shape checks
- ``claims``: results as recorded claims over seeds, with a control; measured outputs (chapter 01)
- ``checker``: exercises whose answers are checked on the spot (chapter 01)
- ``exercises``: each chapter's exercise checkers, built on ``checker``
- ``plots``: the figures several chapters draw
- ``images``: move image batches: integer shifts, rotations, zooms (chapter 03)
- ``seeds``: train one model on several seeds at once, as one batched model (chapter 03)
- ``attention``: scaled dot-product and multi-head attention, positional encodings (chapter 04)
- ``autoencoder``: auto-encoders, VAE, several seeds trained as one batched model (chapter 08)
- ``pretrain``: a tiny BERT and GPT from pre-norm Transformer blocks (chapter 07)
- ``rl_envs``: a batched numpy CartPole and a tabular grid world (chapter 12)
- ``masked``: stacked MLPs with fixed weight masks: pruned networks over seeds at once (chapter 13)
- ``tasks``: streams of tasks from the 8x8 digits: permuted, split, whole (chapter 14)
- ``widgets``: a demo = a pure ``render(**params)`` plus sliders, live and static
- ``demos``: each chapter's demos, built on ``widgets``
"""

__version__ = "0.1.0"
