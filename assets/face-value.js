// Face Value: fixes to what the theme, docutils and Sphinx write, on every page.
// Listed in html_js_files in _config.yml (see face-value.css on why not _static/).
(function () {
  "use strict";

  // ------------------------------------------------------------ accessibility
  function fixMarkup() {
    // The colour-mode button's icons carry titles ("Light", "Dark") that
    // contradict its label "Color mode"; they are decoration.
    document.querySelectorAll(".theme-switch-button i[title], .theme-switch-button svg").forEach(function (el) {
      el.removeAttribute("title");
      el.setAttribute("aria-hidden", "true");
      var t = el.querySelector && el.querySelector("title");
      if (t) t.remove();
    });
    // MyST-NB labels every fold's summary "Toggle hidden content" although it shows
    // "Show code": the visible text is its name (WCAG 2.5.3, label in name).
    document.querySelectorAll("details.hide > summary[aria-label]").forEach(function (el) {
      if (el.textContent.trim()) el.removeAttribute("aria-label");
    });
    // The search field shows "Search ... Ctrl+K" but is labelled "Search":
    // name it by what it shows (WCAG 2.5.3, label in name).
    document.querySelectorAll(".search-button-field").forEach(function (el) {
      var shown = el.textContent.replace(/\s+/g, " ").trim();
      if (shown) el.setAttribute("aria-label", shown);
    });
  }

  // ------------------------------------------------------------------- search
  // Sphinx's index holds numbers ("28", in chapter 3's title), but its
  // searchtools.js drops every query term made only of digits before looking
  // anything up (Search._parseQuery). Put those terms back, as required terms
  // and as terms to highlight on the page a result opens.
  function keepNumbersInSearch() {
    /* global Search, splitQuery, SPHINX_HIGHLIGHT_ENABLED */
    if (typeof Search === "undefined" || typeof Search._parseQuery !== "function" || Search.fvKeepsNumbers) {
      return;
    }
    var parse = Search._parseQuery;
    var split = typeof splitQuery === "function" ? splitQuery : function (q) { return q.split(/\s+/); };
    Search._parseQuery = function (query) {
      var parsed = parse.apply(this, arguments); // [query, search, excluded, highlight, objects]
      var numbers = split(String(query).trim()).filter(function (term) { return /^\d+$/.test(term); });
      numbers.forEach(function (term) {
        parsed[1].add(term);
        parsed[3].add(term);
      });
      if (numbers.length && typeof SPHINX_HIGHLIGHT_ENABLED !== "undefined" && SPHINX_HIGHLIGHT_ENABLED) {
        try {
          localStorage.setItem("sphinx_highlight_terms", Array.from(parsed[3]).join(" "));
        } catch (e) { /* storage may be off: highlighting is a nicety */ }
      }
      return parsed;
    };
    Search.fvKeepsNumbers = true;
  }

  // ------------------------------------------------------------- folded code
  // Code cells are folded behind "Show code" (_ext/fv_fold_code.py). One button
  // at the top of a page with folded code opens or closes them all, and the
  // choice is remembered on this machine (localStorage; nothing leaves it).
  var FOLDS = ".cell.fv-folded > details.hide";
  var SHOW_CODE_KEY = "fv-show-code";

  function rememberedShowCode() {
    try { return window.localStorage.getItem(SHOW_CODE_KEY) === "1"; } catch (e) { return false; }
  }
  function rememberShowCode(show) {
    try {
      if (show) window.localStorage.setItem(SHOW_CODE_KEY, "1");
      else window.localStorage.removeItem(SHOW_CODE_KEY);
    } catch (e) { /* private mode: the choice lasts for this page only */ }
  }
  function setAllCode(button, show) {
    document.querySelectorAll(FOLDS).forEach(function (d) { d.open = show; });
    button.setAttribute("aria-pressed", show ? "true" : "false");
    button.textContent = show ? "Hide all code" : "Show all code";
  }
  function addCodeToggle() {
    var folds = document.querySelectorAll(FOLDS);
    if (!folds.length || document.querySelector(".fv-code-toggle")) return;
    var bar = document.createElement("div");
    bar.className = "fv-code-toggle";
    var note = document.createElement("span");
    note.textContent = "This page's " + folds.length + " code cell" + (folds.length > 1 ? "s are" : " is")
      + " folded; each opens with its \u201cShow code\u201d line.";
    var button = document.createElement("button");
    button.type = "button";
    button.addEventListener("click", function () {
      var show = button.getAttribute("aria-pressed") !== "true";
      setAllCode(button, show);
      rememberShowCode(show);
    });
    bar.appendChild(button);
    bar.appendChild(note);
    var first = folds[0].closest(".cell");
    // Before the chapter's first section heading's content, else before the first cell.
    var main = document.querySelector("article.bd-article section") || first.parentNode;
    var heading = main.querySelector(":scope > h1");
    if (heading && heading.nextSibling) main.insertBefore(bar, heading.nextSibling);
    else first.parentNode.insertBefore(bar, first);
    setAllCode(button, rememberedShowCode());
  }

  // -------------------------------------------------------------------- print
  // A printed page shows what a closed <details> hides (the explorers' tables):
  // open them for printing and close them again afterwards. MyST-NB's own
  // "Show code cell" toggles stay as the reader left them.
  var openedForPrint = [];
  function openForPrint() {
    if (openedForPrint.length) return;
    document.querySelectorAll("article details:not([open])").forEach(function (el) {
      if (el.matches("details.hide, details.toggle-details")) return;
      el.open = true;
      el.setAttribute("data-fv-print-opened", "");
      openedForPrint.push(el);
    });
  }
  function closeAfterPrint() {
    openedForPrint.forEach(function (el) {
      el.open = false;
      el.removeAttribute("data-fv-print-opened");
    });
    openedForPrint = [];
  }
  window.addEventListener("beforeprint", openForPrint);
  window.addEventListener("afterprint", closeAfterPrint);
  // Emulated print media (and some browsers' print preview) fire no beforeprint.
  if (window.matchMedia) {
    var printMedia = window.matchMedia("print");
    var onPrintChange = function (e) { if (e.matches) openForPrint(); else closeAfterPrint(); };
    if (printMedia.addEventListener) printMedia.addEventListener("change", onPrintChange);
    else if (printMedia.addListener) printMedia.addListener(onPrintChange);
  }

  // ------------------------------------------------------------ small screens
  // Wide content scrolls sideways inside its own box, and a "scroll frame"
  // around the box shows a shadow at each edge that has more to show
  // (classes fv-more-left / fv-more-right, drawn by face-value.css).
  var SCROLL_FRAME = "fv-scroll-frame";

  function updateCue(frame) {
    var box = frame.fvBox;
    if (!box || !box.isConnected) return;
    var more = box.scrollWidth - box.clientWidth;
    var scrolls = more > 1;
    frame.classList.toggle("fv-scrolls", scrolls);
    frame.classList.toggle("fv-more-left", scrolls && box.scrollLeft > 1);
    frame.classList.toggle("fv-more-right", scrolls && box.scrollLeft < more - 1);
    // The shadows sit on the box's edges, not the frame's (an equation's
    // number sits beside its box).
    var f = frame.getBoundingClientRect(), b = box.getBoundingClientRect();
    frame.style.setProperty("--fv-cue-left", Math.max(0, b.left - f.left) + "px");
    frame.style.setProperty("--fv-cue-right", Math.max(0, f.right - b.right) + "px");
    // A box that scrolls can be scrolled from the keyboard too (WCAG 2.1.1).
    if (scrolls && !box.hasAttribute("tabindex")) {
      box.tabIndex = 0;
      box.fvMadeFocusable = true;
    } else if (!scrolls && box.fvMadeFocusable) {
      box.removeAttribute("tabindex");
      box.fvMadeFocusable = false;
    }
  }

  function watch(frame, box) {
    if (frame.fvBox === box) return updateCue(frame);
    frame.classList.add(SCROLL_FRAME);
    frame.fvBox = box;
    box.classList.add("fv-scroll-box");
    box.addEventListener("scroll", function () { updateCue(frame); }, { passive: true });
    updateCue(frame);
  }

  // Figures are PNGs scaled to the column, and their text shrinks with them: at
  // 390 px a 750 px figure's 11 pt labels would be 5 px tall. A figure is never
  // shown smaller than the scale at which the text of the book's figure style
  // stays legible (<meta name="fv-figure-min-scale">, computed by the build
  // from facelab.views.style, see _ext/fv_page_fixes.py); where the column is
  // narrower, it scrolls sideways inside its own box.
  var FIGURES = "article .cell_output img, article figure img";

  function minFigureScale() {
    var meta = document.querySelector('meta[name="fv-figure-min-scale"]');
    var value = meta ? parseFloat(meta.getAttribute("content")) : NaN;
    return value > 0 && value <= 1 ? value : 0;
  }

  function frameFigure(img, scale) {
    if (!img.naturalWidth) return;
    // The scale is the picture's, inside any padding the theme gives it (dark mode).
    var cs = getComputedStyle(img);
    var extra = cs.boxSizing === "border-box"
      ? ["paddingLeft", "paddingRight", "borderLeftWidth", "borderRightWidth"]
        .reduce(function (sum, k) { return sum + (parseFloat(cs[k]) || 0); }, 0)
      : 0;
    img.style.minWidth = Math.ceil(img.naturalWidth * scale + extra) + "px";
    var box = img.parentNode;
    if (!box.classList.contains("fv-scroll-box")) {
      var frame = document.createElement("div");
      box = document.createElement("div");
      img.parentNode.insertBefore(frame, img);
      frame.appendChild(box);
      box.appendChild(img);
      watch(frame, box);
    } else {
      updateCue(box.parentNode);
    }
  }

  function frameFigures() {
    var scale = minFigureScale();
    if (!scale) return;
    document.querySelectorAll(FIGURES).forEach(function (img) {
      if (img.complete) frameFigure(img, scale);
      else img.addEventListener("load", function () { frameFigure(img, scale); }, { once: true });
    });
  }

  // Display equations: MathJax's container is the box, the equation's block
  // (which also holds its number) the frame. MathJax typesets after load.
  function frameEquations() {
    document.querySelectorAll("article div.math").forEach(function (block) {
      var box = block.querySelector(":scope > mjx-container");
      if (box) watch(block, box);
    });
  }
  function frameEquationsWhenTypeset() {
    var mj = window.MathJax;
    if (mj && mj.startup && mj.startup.promise) mj.startup.promise.then(frameEquations);
    else frameEquations();
  }

  function updateAllCues() {
    document.querySelectorAll("." + SCROLL_FRAME).forEach(updateCue);
  }

  // --------------------------------------------------------------------- start
  keepNumbersInSearch(); // in case this file is loaded after searchtools.js
  document.addEventListener("DOMContentLoaded", function () {
    keepNumbersInSearch(); // before searchtools.js runs a query of the address
    fixMarkup();
    addCodeToggle();
    frameFigures();
  });
  window.addEventListener("load", function () {
    fixMarkup();
    frameFigures();
    frameEquationsWhenTypeset();
  });
  window.addEventListener("resize", updateAllCues);
  // The colour mode changes a figure's padding: size the figures again.
  new MutationObserver(function () { frameFigures(); }).observe(document.documentElement, {
    attributes: true,
    attributeFilter: ["data-theme"],
  });
})();
