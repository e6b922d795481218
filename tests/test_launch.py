"""Launch links for a school's own JupyterHub (``_ext/fv_launch.py``): off by default, nbgitpuller's
link format when on, and no request to another host either way."""

from __future__ import annotations

import importlib
import re
import sys
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest

from .conftest import ROOT
from .mini_book import editions

sys.path.insert(0, str(ROOT / "_ext"))
fv_launch = importlib.import_module("fv_launch")  # as Sphinx imports it, from _ext/

HUB = "https://hub.example.edu"
REPO = "https://git.example.edu/course/face-value-notebooks.git"
# What makes a browser fetch something by itself (as tests/test_site.py checks the real site).
LOADS = re.compile(
    r'<(?:script|link|img|iframe|source)\b[^>]*?\b(?:src|href)="(https?:)?//([^"/]+)', re.I
)


def test_nbgitpuller_link_has_the_documented_form():
    url = fv_launch.nbgitpuller_url(HUB + "/", REPO, "main", "chapters/02-matching.ipynb")
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == HUB + "/hub/user-redirect/git-pull"
    query = parse_qs(parts.query)
    assert query == {
        "repo": [REPO],
        "branch": ["main"],
        "urlpath": ["lab/tree/face-value-notebooks/chapters/02-matching.ipynb"],
    }
    # repo, then urlpath, then branch, each URL-encoded, as nbgitpuller's link generator writes them
    assert parts.query.startswith("repo=https%3A%2F%2Fgit.example.edu%2F")
    assert list(dict.fromkeys(k.split("=")[0] for k in parts.query.split("&"))) == [
        "repo",
        "urlpath",
        "branch",
    ]


@pytest.mark.parametrize(
    "repo,name",
    [
        ("https://github.com/org/face-value", "face-value"),
        ("https://github.com/org/face-value/", "face-value"),
        ("git@github.com:org/notes.git", "notes"),
        ("https://hub.example.edu/git/course.git", "course"),
    ],
)
def test_repo_name_is_the_folder_nbgitpuller_clones_into(repo, name):
    assert fv_launch.repo_name(repo) == name


def test_hub_at_a_sub_path_and_the_classic_interface():
    url = fv_launch.nbgitpuller_url(
        "https://uni.example/jupyter/",
        REPO,
        "spring",
        "exercises/ex03-thresholds.ipynb",
        interface="classic",
    )
    assert url.startswith("https://uni.example/jupyter/hub/user-redirect/git-pull?")
    assert parse_qs(urlsplit(url).query)["urlpath"] == [
        "tree/face-value-notebooks/exercises/ex03-thresholds.ipynb"
    ]


@pytest.mark.parametrize(
    "call,message",
    [
        (
            lambda: fv_launch.nbgitpuller_url("hub.example.edu", REPO, "main", "a.ipynb"),
            "fv_jupyterhub_url",
        ),
        (
            lambda: fv_launch.nbgitpuller_url("ftp://hub.example.edu", REPO, "main", "a.ipynb"),
            "fv_jupyterhub_url",
        ),
        (lambda: fv_launch.nbgitpuller_url(HUB, "not a repo", "main", "a.ipynb"), "fv_repo_url"),
        (lambda: fv_launch.nbgitpuller_url(HUB, REPO, "", "a.ipynb"), "fv_repo_branch"),
        (
            lambda: fv_launch.nbgitpuller_url(HUB, REPO, "main", "a.ipynb", "vscode"),
            "fv_launch_interface",
        ),
        (lambda: fv_launch.nbgitpuller_url(HUB, REPO, "main", "../etc/passwd"), "relative"),
        (lambda: fv_launch.launch_paths("01-retreat", None, {"chapters": "x"}), "fv_launch_paths"),
        (
            lambda: fv_launch.colab_url(
                "https://colab.research.google.com", REPO, "main", "a.ipynb"
            ),
            "github.com",
        ),
    ],
)
def test_bad_settings_are_refused_naming_the_setting(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_a_chapter_with_an_exercise_gets_both_links():
    settings = {"hub": HUB, "repo": REPO, "branch": "main"}
    buttons = fv_launch.launch_buttons(settings, "03-thresholds", "ex03-thresholds")
    assert [b["text"] for b in buttons] == ["Launch on your hub", "Exercise notebook on your hub"]
    assert "chapters%2F03-thresholds.ipynb" in buttons[0]["url"]
    assert "exercises%2Fex03-thresholds.ipynb" in buttons[1]["url"]
    assert fv_launch.launch_buttons({**settings, "hub": ""}, "03-thresholds", None) == []


def test_colab_is_separate_and_needs_github():
    settings = {
        "colab": "https://colab.research.google.com",
        "repo": "https://github.com/school/fv-notebooks",
        "branch": "main",
    }
    (button,) = fv_launch.launch_buttons(settings, "02-matching", None)
    assert button["url"] == (
        "https://colab.research.google.com/github/school/fv-notebooks/blob/main/"
        "chapters/02-matching.ipynb"
    )
    assert "third party" in button["tooltip"]


def _config(**values):
    defaults = {
        "fv_jupyterhub_url": "",
        "fv_colab_url": "",
        "fv_repo_url": "",
        "fv_repo_branch": "",
        "fv_launch_paths": {},
        "fv_launch_interface": "lab",
        "html_theme_options": {},
    }
    return SimpleNamespace(**{**defaults, **values})


def test_settings_off_by_default_and_checked_when_on():
    from sphinx.errors import ConfigError

    assert fv_launch.settings_from_config(_config()) == {}
    with pytest.raises(ConfigError, match="fv_repo_url"):
        fv_launch.settings_from_config(_config(fv_jupyterhub_url=HUB))
    with pytest.raises(ConfigError, match="fv_jupyterhub_url"):
        fv_launch.settings_from_config(
            _config(fv_jupyterhub_url="hub.example.edu", fv_repo_url=REPO)
        )
    # The book's own repository (Jupyter Book's `repository:`) holds sources, not notebooks:
    # it is not taken as the repository to pull.
    theme = {"repository_url": "https://github.com/face-value-book/face-value"}
    with pytest.raises(ConfigError, match="fv_repo_url"):
        fv_launch.settings_from_config(_config(fv_jupyterhub_url=HUB, html_theme_options=theme))
    settings = fv_launch.settings_from_config(_config(fv_jupyterhub_url=HUB, fv_repo_url=REPO))
    assert (settings["repo"], settings["branch"], settings["colab"]) == (REPO, "main", "")


def test_the_book_ships_with_launching_off():
    import yaml

    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    assert "fv_launch" in config["sphinx"]["local_extensions"]
    assert not config["sphinx"]["config"].get("fv_jupyterhub_url")
    assert not config["sphinx"]["config"].get("fv_colab_url")


@pytest.fixture(scope="module")
def mini():
    """The mini book's pages: student edition with launching off (the default), instructor on."""
    sites = editions()
    return tuple(
        {p.name: p.read_text(encoding="utf-8") for p in sites[which].rglob("*.html")}
        for which in ("student", "instructor")
    )


def test_with_the_value_unset_no_page_links_or_loads_a_hub(mini):
    off, _ = mini
    for name, html in off.items():
        assert "git-pull" not in html and "hub.example" not in html and "Launch on" not in html, (
            name
        )
        assert not LOADS.findall(html), name


def test_with_the_value_set_a_chapter_page_links_its_notebooks(mini):
    _, on = mini
    html = on["01-demo.html"]
    hrefs = [h.replace("&amp;", "&") for h in re.findall(r'href="([^"]*git-pull[^"]*)"', html)]
    assert len(hrefs) == 2, hrefs
    query = [parse_qs(urlsplit(h).query) for h in hrefs]
    assert [q["urlpath"][0] for q in query] == [
        "lab/tree/face-value-notebooks/chapters/01-demo.ipynb",
        "lab/tree/face-value-notebooks/exercises/ex01-demo.ipynb",
    ]
    assert all(q["branch"] == ["spring"] and q["repo"] == [REPO] for q in query)
    assert "Launch on your hub" in html and "Exercise notebook on your hub" in html
    assert not LOADS.findall(html), "a link must not become a request"
    assert "git-pull" not in on["index.html"], "a page without a reading copy gets no link"
