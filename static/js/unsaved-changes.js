// The story's form: leaving the page with changes not saved asks first.
(function () {
  "use strict";
  function watch() {
    const form = document.getElementById("article_form");
    if (!form) {
      return;
    }
    let changed = false;
    const mark = () => { changed = true; };
    form.addEventListener("input", mark);
    form.addEventListener("change", mark);
    // Saving (or a workflow button, which saves first) is not leaving unsaved work.
    form.addEventListener("submit", () => { changed = false; });
    window.addEventListener("beforeunload", (event) => {
      if (changed) {
        event.preventDefault();
        event.returnValue = "";
      }
    });
  }
  // The admin loads this script in the page's head, before the form exists.
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", watch);
  } else {
    watch();
  }
})();
