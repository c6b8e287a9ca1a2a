"""Figures of a finished run for people on the command line: plotly figures (``plots``, with
``boundary`` and the shared ``style``; needs the ``plots`` extra) and the standalone HTML report
(``report``, its figures and facts in ``report_facts``). Nothing in the engine imports this."""
