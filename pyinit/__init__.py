"""pyinit: a small numpy neural network with hand-written backpropagation, built to show exactly
why zero (or any constant) weight initialization fails, and what random initialization fixes.

Layers, each importing only from the ones above it in this list (``tests/test_layers.py``):

    errors seeding content rules   foundation: the one exception, random streams, the JSON data,
                                   the rule book (every setting's type, range, default, rules)
    core/       activations, losses (sigmoid/BCE, softmax/cross-entropy), initializers, datasets
                (+ digits: the 8x8 images of data/digits.gz), network (+ evaluate_many), optimizers
    training/   config (RunConfig, Member), trainer, recorder, stats
    analysis/   landscape (the loss on a plane), signal (signal propagation at init),
                digit_panels (weight images, distinct units, answers on test digits)
    settings/   what the page's settings mean: page_state (-> RunConfig, Members), presets (chapters)
    api         the JSON-friendly facade of runs and analyses
    web/        the page's Python: rpc (the worker's bridge), lab, sessions, chapters
                (+ symmetry_experiments, scale_experiments, experiment_runs), precompute, user_code
    figures/    plots (+ digit_plots) and the HTML report (need the ``plots`` extra)
    bench       the benchmark: the core, and the lab's sessions as the page drives them
    cli         the command line (``python -m pyinit``)

Only the CLI prints, only the report writes files; ``content`` reads its own JSON and ``core.digits``
its data file.
"""

__version__ = "0.1.0"
