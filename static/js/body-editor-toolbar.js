// The body editor names its toolbar buttons in English ("bold", "insert link",
// "heading 2") without asking the catalogue; its dialogs do ask. Each button's
// tooltip and screen-reader label is put through the admin's catalogue here
// (locale/ru/LC_MESSAGES/djangojs.po), as the editor builds its toolbar, which it
// does just after announcing that it is ready.
(function () {
  "use strict";
  const translate = (text) => {
    const heading = /^heading (\d)$/.exec(text);
    if (heading) {
      return window.interpolate(window.gettext("heading %s"), [heading[1]]);
    }
    return window.gettext(text);
  };
  const translateWithin = (root) => {
    for (const element of root.querySelectorAll("[title], [aria-label]")) {
      for (const name of ["title", "aria-label"]) {
        const text = element.getAttribute(name);
        if (text) {
          element.setAttribute(name, translate(text));
        }
      }
    }
  };
  document.addEventListener("prose-editor:ready", (event) => {
    const editor = event.target.closest(".prose-editor");
    if (!window.gettext || !editor) {
      return;
    }
    translateWithin(editor);
    new MutationObserver((changes) => {
      for (const change of changes) {
        for (const node of change.addedNodes) {
          if (node.nodeType === Node.ELEMENT_NODE) {
            translateWithin(node.parentElement || node);
          }
        }
      }
    }).observe(editor, { childList: true, subtree: true });
  });
})();
