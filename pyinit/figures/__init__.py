"""Figures of a finished run for people on the command line: plotly figures (``plots``, needs the
``plots`` extra) and the standalone HTML report (``report``). Nothing in the engine imports this."""
