"""``moderation serve``: the scoring model behind HTTP, speaking Perspective's ``comments:analyze``.

The package is a third face of the library, as thin as the CLI: ``app.make_app`` builds the ASGI app over a
loaded model, ``perspective`` holds the Perspective request and response shapes, ``native`` the records of
``/v1/score``, ``engine`` turns requests into calls of the model's ``score`` and ``batcher`` gathers concurrent
requests into those calls. Importing this package is cheap: Starlette and uvicorn are imported by the modules
that need them, and only ``moderation serve`` imports those.
"""
