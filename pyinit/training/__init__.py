"""Training on top of the core: the validated run configuration, the step-wise trainer, its bounded
recorder and the statistics derived from records. No I/O."""
