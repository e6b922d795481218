"""Sphinx extension: "Launch on your hub" links for a school's own JupyterHub (nbgitpuller).

Off by default. When ``fv_jupyterhub_url`` is set (``sphinx: config:`` in
``_config.yml``), every page that has a reading copy (``_notebooks/NAME.ipynb``,
see ``fv_reading_copies``) gets a launch menu in its header with

- **Launch on your hub**: the chapter's reading copy, and
- **Exercise notebook on your hub**: the chapter's exercise notebook, when it has one,

each an nbgitpuller link of the form documented by nbgitpuller::

    HUB/hub/user-redirect/git-pull?repo=REPO&urlpath=lab/tree/REPONAME/PATH&branch=BRANCH

Clicking it makes the reader's hub clone (or update) ``REPO`` into their home
folder as ``REPONAME`` and open ``PATH`` in JupyterLab. The repository is the one
named by ``fv_repo_url`` (branch ``fv_repo_branch``, default ``main``); it must
hold the notebooks at the paths ``fv_launch_paths`` gives, which by default is
the layout of the ``notebooks/`` folder that ``scripts/release.py`` writes:
``chapters/NAME.ipynb`` and ``exercises/NAME.ipynb``. The book's own repository
(``repository: url:``) is deliberately not the default: it holds only the
chapters' MyST sources, so a link into it would open nothing a student can use.

A link is not a request: the page loads nothing from the hub, and with
``fv_jupyterhub_url`` empty the page carries no link to it at all.

Colab is a separate opt-in (``fv_colab_url``, e.g.
``https://colab.research.google.com``), off by default and never enabled by the
book: it sends the reader to Google, which fetches the notebook from GitHub and
runs it on Google's machines, so it needs ``fv_repo_url`` on github.com.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from sphinx.application import Sphinx
from sphinx.errors import ConfigError

DEFAULT_PATHS = {"chapter": "chapters/{name}.ipynb", "exercise": "exercises/{name}.ipynb"}
INTERFACES = {"lab": "lab/tree", "classic": "tree"}
GITHUB = re.compile(
    r"^(?:https://github\.com/|git@github\.com:)(?P<org>[\w.-]+)/(?P<repo>[\w.-]+?)(?:\.git)?/?$"
)


# ---------------------------------------------------------------- links (pure functions)


def repo_name(repo: str) -> str:
    """The folder nbgitpuller clones ``repo`` into: its last path segment without ``.git``.

    >>> repo_name("https://git.example.edu/course/face-value-notebooks.git")
    'face-value-notebooks'
    """
    name = re.split(r"[/:]", repo.rstrip("/"))[-1]
    name = name[:-4] if name.endswith(".git") else name
    if not name:
        raise ValueError(
            f"fv_repo_url {repo!r} names no repository (expected .../NAME or .../NAME.git)"
        )
    return name


def check_hub_url(url: str, name: str = "fv_jupyterhub_url") -> str:
    """``url`` without its trailing slash, or a ``ValueError`` naming the setting."""
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.netloc or parts.query or parts.fragment:
        raise ValueError(
            f"{name} must be the address of the hub, like https://hub.example.edu "
            f"(http or https, no query), not {url!r}"
        )
    return url.rstrip("/")


def check_repo_url(repo: str) -> str:
    """``repo`` if a hub can clone it (an https, http, ssh or git address); else ``ValueError``."""
    if not isinstance(repo, str) or not re.match(
        r"^(https?|ssh|git)://[^/\s]+/\S+$|^[\w.-]+@[\w.-]+:\S+$", repo
    ):
        raise ValueError(
            f"fv_repo_url must be a git address such as "
            f"https://git.example.edu/course/face-value-notebooks.git, not {repo!r}"
        )
    repo_name(repo)
    return repo


def nbgitpuller_url(hub: str, repo: str, branch: str, path: str, interface: str = "lab") -> str:
    """The nbgitpuller link that clones ``repo`` (at ``branch``) on ``hub`` and opens ``path``.

    Parameters
    ----------
    hub : str
        The JupyterHub's address, e.g. ``https://hub.example.edu`` (a trailing slash is dropped).
    repo : str
        The git address the hub clones.
    branch : str
        The branch to pull.
    path : str
        The file to open, relative to the repository's root (``chapters/02-matching.ipynb``).
    interface : {"lab", "classic"}
        JupyterLab (``lab/tree/...``) or the classic Notebook (``tree/...``).
    """
    if interface not in INTERFACES:
        raise ValueError(
            f"fv_launch_interface must be one of {sorted(INTERFACES)}, not {interface!r}"
        )
    if not branch or not isinstance(branch, str):
        raise ValueError(f"fv_repo_branch must be a branch name, not {branch!r}")
    if not path or path.startswith("/") or ".." in Path(path).parts:
        raise ValueError(f"a launch path must be relative to the repository's root, not {path!r}")
    hub = check_hub_url(hub)
    query = urlencode(
        {
            "repo": check_repo_url(repo),
            "urlpath": f"{INTERFACES[interface]}/{repo_name(repo)}/{path}",
            "branch": branch,
        }
    )
    return f"{hub}/hub/user-redirect/git-pull?{query}"


def colab_url(colab: str, repo: str, branch: str, path: str) -> str:
    """The Colab link that opens ``path`` of the GitHub repository ``repo`` at ``branch``."""
    colab = check_hub_url(colab, "fv_colab_url")
    match = GITHUB.match(repo or "")
    if not match:
        raise ValueError(
            f"fv_colab_url needs fv_repo_url on github.com (Colab opens notebooks "
            f"from GitHub only), not {repo!r}"
        )
    return f"{colab}/github/{match['org']}/{match['repo']}/blob/{branch}/{path}"


def launch_paths(name: str, exercise: str | None, paths: dict | None = None) -> dict[str, str]:
    """Repository paths for a chapter ``name`` and its exercise notebook (if any)."""
    paths = {**DEFAULT_PATHS, **(paths or {})}
    unknown = set(paths) - set(DEFAULT_PATHS)
    if unknown:
        raise ValueError(
            f"fv_launch_paths takes the keys {sorted(DEFAULT_PATHS)}, not {sorted(unknown)}"
        )
    out = {"chapter": paths["chapter"].format(name=name)}
    if exercise:
        out["exercise"] = paths["exercise"].format(name=exercise)
    return out


TEXTS = {
    "chapter": ("Launch on your hub", "Open this chapter as a notebook on your JupyterHub"),
    "exercise": (
        "Exercise notebook on your hub",
        "Open this chapter's exercise notebook on your JupyterHub",
    ),
}


def launch_buttons(settings: dict, name: str, exercise: str | None) -> list[dict]:
    """The header menu entries for one page (empty when no launcher is configured).

    ``settings`` holds ``hub``, ``colab``, ``repo``, ``branch``, ``paths`` and
    ``interface``, as :func:`settings_from_config` returns them.
    """
    buttons = []
    for kind, path in launch_paths(name, exercise, settings.get("paths")).items():
        text, tooltip = TEXTS[kind]
        if settings.get("hub"):
            buttons.append(
                {
                    "type": "link",
                    "text": text,
                    "tooltip": tooltip,
                    "icon": "fas fa-rocket",
                    "label": f"launch-hub-{kind}",
                    "url": nbgitpuller_url(
                        settings["hub"],
                        settings["repo"],
                        settings["branch"],
                        path,
                        settings.get("interface", "lab"),
                    ),
                }
            )
        if settings.get("colab"):
            buttons.append(
                {
                    "type": "link",
                    "text": text.replace("on your hub", "on Colab"),
                    "tooltip": tooltip.replace("your JupyterHub", "Google Colab (a third party)"),
                    "icon": "fas fa-cloud",
                    "label": f"launch-colab-{kind}",
                    "url": colab_url(settings["colab"], settings["repo"], settings["branch"], path),
                }
            )
    return buttons


# ---------------------------------------------------------------- Sphinx


def settings_from_config(config) -> dict:
    """The launch settings of a Sphinx config, checked; ``{}`` when launching is off.

    Raises ``ConfigError`` naming the setting that is wrong.
    """
    hub = (config.fv_jupyterhub_url or "").strip()
    colab = (config.fv_colab_url or "").strip()
    if not hub and not colab:
        return {}
    repo = (config.fv_repo_url or "").strip()
    branch = (config.fv_repo_branch or "main").strip()
    setting = "fv_jupyterhub_url" if hub else "fv_colab_url"
    if not repo:
        # Not the book's own repository (`repository: url:`): it holds the chapters' MyST
        # sources, not the reading copies and exercise notebooks a link must open.
        raise ConfigError(
            f"{setting} is set but fv_repo_url is not: set it to the git address of a "
            "repository that holds the notebooks (the release's notebooks/ folder; "
            "see the instructor guide)"
        )
    settings = {
        "hub": hub,
        "colab": colab,
        "repo": repo,
        "branch": branch,
        "paths": dict(config.fv_launch_paths or {}),
        "interface": config.fv_launch_interface,
    }
    try:  # fail at the start of the build, not on the first page
        launch_buttons(settings, "01-example", "ex01-example")
    except (ValueError, KeyError, IndexError) as exc:
        raise ConfigError(str(exc)) from None
    return settings


def _check_config(app: Sphinx, config) -> None:
    app.fv_launch = settings_from_config(config)


def exercise_for(srcdir: Path, name: str) -> str | None:
    """The exercise notebook that goes with chapter ``name`` (``exNN-...`` for ``NN-...``)."""
    master = Path(srcdir, "exercises", f"ex{name}.md")
    return master.stem if master.is_file() else None


def add_launch_menu(app: Sphinx, pagename, templatename, context, doctree) -> None:
    """Put the launch menu in the header of every page that has a reading copy."""
    settings = getattr(app, "fv_launch", None)
    if not settings or "header_buttons" not in context:
        return
    from fv_reading_copies import _executed

    if not _executed(app, pagename).is_file():
        return
    name = Path(pagename).name
    buttons = launch_buttons(settings, name, exercise_for(app.srcdir, name))
    where = "your JupyterHub" if settings.get("hub") else "Google Colab"
    context["header_buttons"].insert(
        0,
        {
            "type": "group",
            "tooltip": f"Open this page's notebooks on {where}",
            "icon": "fas fa-rocket",
            "buttons": buttons,
            "label": "launch-dropdown-button",
        },
    )


def setup(app: Sphinx):
    app.setup_extension("fv_reading_copies")
    app.add_config_value("fv_jupyterhub_url", "", "html", [str])
    app.add_config_value("fv_colab_url", "", "html", [str])
    app.add_config_value("fv_repo_url", "", "html", [str])
    app.add_config_value("fv_repo_branch", "", "html", [str])
    app.add_config_value("fv_launch_paths", {}, "html", [dict])
    app.add_config_value("fv_launch_interface", "lab", "html", [str])
    app.connect("config-inited", _check_config)
    app.connect("html-page-context", add_launch_menu, priority=520)  # after the reading copies' 510
    return {"parallel_read_safe": True, "parallel_write_safe": True}
