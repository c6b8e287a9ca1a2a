"""The page's Python: what the browser worker calls (``rpc``), lab sessions (``lab``), the tour's
chapter experiments (``chapters``; in ``symmetry_experiments`` and ``scale_experiments``, sharing
``experiment_runs``), build-time runs (``precompute``) and the reader's code (``user_code``). What
the page's settings mean is ``settings``. Every function takes and returns JSON-friendly data; no
file I/O, no drawing."""
