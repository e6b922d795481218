// Face Value: keep the key presses of a kernel widget (ipywidgets) from JupyterLab's
// notebook shortcuts.
//
// Declarations only. facelab.views.widgets inlines this file into one hidden output of
// each live control, as
//   (function () { "use strict"; widget-keys.js guardWidgetKeys(document); })();
//
// JupyterLab runs its command-mode shortcuts from keydown events that bubble up to the
// document, and a dropdown, a slider handle or a button is not a text field, so the
// notebook reads their keys as its own: "r" turns the cell into a Raw cell and drops its
// output, ArrowDown moves to the next cell instead of to the next option, Enter opens the
// cell's editor.  (ipywidgets' text boxes stop their own keys; the other controls do not.)
// JupyterLab's command registry skips any event from inside an element marked
// data-lm-suppress-shortcuts, as the explorers' inputs are.  One capturing listener on the
// document, installed once per page, marks the widget element a key press starts from
// before the registry sees the event.  Tab and Escape (leave the control) and keys held
// with Ctrl, Alt or Meta (save, run the cell) stay the notebook's: the mark is taken off
// again for them.

// Does the notebook keep this key, pressed inside a widget?
function notebookKeepsKey(event) {
  return event.key === "Tab" || event.key === "Escape" ||
    event.ctrlKey || event.metaKey || event.altKey;
}

// The element to mark for a keydown event: its target when that is inside a widget
// view (ipywidgets gives each view the class jupyter-widgets), else null.
function widgetKeyTarget(event) {
  var el = event.target;
  if (!el || typeof el.closest !== "function" || !el.closest(".jupyter-widgets")) {
    return null;
  }
  return el;
}

// Mark or unmark the target of one keydown event (capturing, so before JupyterLab).
function markWidgetKey(event) {
  var el = widgetKeyTarget(event);
  if (!el) {
    return;
  }
  if (notebookKeepsKey(event)) {
    el.removeAttribute("data-lm-suppress-shortcuts");
  } else {
    el.setAttribute("data-lm-suppress-shortcuts", "true");
  }
}

// Install the listener on doc, once however many controls the page shows.
function guardWidgetKeys(doc) {
  if (doc.documentElement.hasAttribute("data-fv-widget-keys")) {
    return false;
  }
  doc.documentElement.setAttribute("data-fv-widget-keys", "1");
  doc.addEventListener("keydown", markWidgetKey, true);
  return true;
}
