// Face Value: accessibility fixes to markup that the theme and docutils write.
// Listed in html_js_files in _config.yml (see face-value.css on why not _static/).
(function () {
  function fix() {
    // docutils marks the bibliography as role="list" but its entries are
    // doc-biblioentry, so assistive technology sees a list with no items.
    document.querySelectorAll('.citation-list[role="list"]').forEach(function (el) {
      el.removeAttribute("role");
    });
    // The colour-mode button's icons carry titles ("Light", "Dark") that
    // contradict its label "Color mode"; they are decoration.
    document.querySelectorAll(".theme-switch-button i[title], .theme-switch-button svg").forEach(function (el) {
      el.removeAttribute("title");
      el.setAttribute("aria-hidden", "true");
      var t = el.querySelector && el.querySelector("title");
      if (t) t.remove();
    });
    // The search field shows "Search ... Ctrl+K" but is labelled "Search":
    // name it by what it shows (WCAG 2.5.3, label in name).
    document.querySelectorAll(".search-button-field").forEach(function (el) {
      var shown = el.textContent.replace(/\s+/g, " ").trim();
      if (shown) el.setAttribute("aria-label", shown);
    });
  }
  document.addEventListener("DOMContentLoaded", fix);
  window.addEventListener("load", fix);
})();
