"""The web dashboard (``/`` and ``/api/…``): login, tickets, timelines, charts, lists and
a box to try the classifier. Server-rendered; every asset is served from this package."""
