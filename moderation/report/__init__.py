"""Reports people look at: scored comment files and evaluations summarised as one self-contained HTML page.

``reading`` finds and reads scored files, ``summary`` and ``timeline`` aggregate them as they stream (no
HTML, no charts), ``charts`` draws figures with matplotlib, and ``page``/``evaluation_page`` write the HTML.
"""
