"""Sphinx extension: the book's repository address, set once, usable in every page.

The address is Jupyter Book's ``repository: url`` in ``_config.yml`` (with
``repository: branch``), which Jupyter Book passes to the theme as
``html_theme_options["repository_url"]`` and ``["repository_branch"]``. This
extension reads it from there and offers it to the pages as MyST substitutions,
so no page types the address:

- ``{{ repo_url }}``: the address as text (``https://github.com/OWNER/NAME``);
- ``{{ repo_link }}``: a link to it, its text the address without the scheme;
- ``{{ readme_link }}``: a link to the README on the configured branch, its
  text "README".

Templates get the same values as ``repo_url`` and ``readme_url`` in the page
context. A missing or non-``https`` address is a configuration error: the
student pages would otherwise point nowhere.
"""

from __future__ import annotations

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ConfigError

# What Jupyter Book fills in when _config.yml names no repository.
JUPYTER_BOOK_DEFAULT = "https://github.com/executablebooks/jupyter-book"


def repository(config: Config) -> tuple[str, str]:
    """The repository's address and branch, as configured in ``_config.yml``.

    Returns
    -------
    (url, branch) : tuple of str
        ``url`` without a trailing slash; ``branch`` defaults to ``main``.

    Raises
    ------
    sphinx.errors.ConfigError
        If ``repository: url`` is missing (Jupyter Book then fills in its own
        repository) or is not an ``https://`` address.
    """
    options = config.html_theme_options or {}
    url = str(options.get("repository_url") or "").rstrip("/")
    if not url.startswith("https://") or url == JUPYTER_BOOK_DEFAULT:
        raise ConfigError("repository: url in _config.yml must be the book's https:// repository "
                          f"address (got {url!r}); fv_repository puts it on the student pages")
    branch = str(options.get("repository_branch") or "main")
    return url, branch


def add_substitutions(app: Sphinx, config: Config) -> None:
    """Offer the address to MyST pages (``{{ repo_url }}`` and the links)."""
    url, branch = repository(config)
    shown = url.split("://", 1)[1]
    substitutions = dict(getattr(config, "myst_substitutions", None) or {})
    substitutions.update({
        "repo_url": url,
        "repo_link": f"[{shown}]({url})",
        "readme_link": f"[README]({url}/blob/{branch}/README.md)",
    })
    config.myst_substitutions = substitutions


def add_context(app: Sphinx, pagename, templatename, context, doctree) -> None:
    url, branch = repository(app.config)
    context["repo_url"] = url
    context["readme_url"] = f"{url}/blob/{branch}/README.md"


def setup(app: Sphinx):
    # After myst-parser has declared myst_substitutions (config-inited runs
    # once every extension is set up).
    app.connect("config-inited", add_substitutions, priority=800)
    app.connect("html-page-context", add_context)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
