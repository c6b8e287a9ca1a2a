"""pyinit: a small numpy neural network with hand-written backpropagation, built to show exactly
why zero (or any constant) weight initialization fails, and what random initialization fixes.

Layers, each importing only from the ones above it in this list (content is data any may read):

    core/       activations, losses (sigmoid/BCE, softmax/cross-entropy), initializers, datasets
                (+ digits: the 8x8 images of data/digits.gz), network (+ evaluate_many), optimizers
    training/   config (RunConfig, Member), trainer, recorder, stats
    analysis/   landscape (the loss on a plane), signal (signal propagation at init),
                digit_panels (weight images, distinct units, answers on test digits)
    web/        the page's Python: rpc (the worker's bridge), lab, sessions, page_state, chapters
                (+ symmetry_experiments, scale_experiments, experiment_runs), precompute
    figures/    plots (+ digit_plots) and the HTML report (need the ``plots`` extra)
    content/    settings schema, chapters, chart encodings, texts (JSON, shipped to the site too)

``pyinit.api`` is the JSON-friendly facade of the CLI (``python -m pyinit``). Only the CLI prints,
only the report writes files; ``content`` reads its own JSON and ``core.digits`` its data file.
"""

__version__ = "0.1.0"
