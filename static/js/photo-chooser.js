// The photo chooser's window (admin/photos/photo/choose.html): the photo chosen,
// or just uploaded from here, is handed to the body editor that opened it
// (js/body-editor-photo.js), and the window closes.
(function () {
  "use strict";
  const hand = (id) => {
    if (window.opener) {
      window.opener.postMessage(
        { type: "newsroom:photo", id: Number(id) },
        window.location.origin,
      );
      window.close();
    }
  };
  document.addEventListener("DOMContentLoaded", () => {
    const chosen = document.querySelector("[data-photo-chosen]");
    if (chosen) {
      hand(chosen.dataset.photoChosen);
    }
    for (const button of document.querySelectorAll("[data-photo-id]")) {
      button.addEventListener("click", () => hand(button.dataset.photoId));
    }
  });
})();
