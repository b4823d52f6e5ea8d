"""Dashboard pages. Every module in this package is imported on start-up and registers its
pages with :func:`revline.web.registry.register` (see docs/web.md "Adding a page")."""
