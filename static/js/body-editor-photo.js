// The body editor's photo button: it opens the photo chooser in a window of its own
// (/admin/photos/photo/choose/), which hands back the photo chosen; the photo goes
// in where the cursor is, as its own paragraph [photo:ID], which pages show as a
// figure with its caption and credit.
(function () {
  "use strict";
  let waiting = null; // the editor whose button opened the chooser
  window.addEventListener("message", (event) => {
    const data = event.data || {};
    if (event.origin !== window.location.origin || data.type !== "newsroom:photo") {
      return;
    }
    if (waiting && Number.isInteger(data.id)) {
      waiting.chain().focus().insertContent(`<p>[photo:${data.id}]</p>`).run();
    }
  });
  // A button of its own above the editor: the editor rebuilds its menu bar.
  document.addEventListener("prose-editor:ready", (event) => {
    const { editor, textarea } = event.detail;
    const frame = textarea.closest(".prose-editor");
    if (!frame || !textarea.closest(".field-body")) {
      return;
    }
    const button = document.createElement("button");
    button.type = "button";
    button.className = "button photo-button";
    button.textContent = window.gettext ? window.gettext("Insert photo") : "Insert photo";
    button.addEventListener("click", () => {
      waiting = editor;
      const language = document.getElementById("id_language")?.value || "";
      window.open(
        `/admin/photos/photo/choose/?language=${encodeURIComponent(language)}`,
        "photo-chooser",
        "width=960,height=760",
      );
    });
    frame.before(button);
  });
})();
