"""The page's Python: what the browser worker calls (``rpc``), lab sessions (``lab``), the page's
settings (``page_state``), the tour's chapters (``chapters``; their experiments in
``symmetry_experiments`` and ``scale_experiments``, sharing ``experiment_runs``) and build-time runs
(``precompute``). Every function takes and returns JSON-friendly data; no file I/O, no drawing."""
