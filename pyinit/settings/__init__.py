"""What the page's settings mean: ``page`` (the page's settings -> a training run: ``RunConfig``
and the two sides' ``Member``s) and ``presets`` (each chapter's settings). Both read the rule
book (``pyinit.rules``) and ``content``; ``web`` (the lab, the chapters' experiments, the build's
runs) and ``figures`` (the report) use them. Left out: the reader's code (``web.page_state``
compiles it) and anything that trains."""
