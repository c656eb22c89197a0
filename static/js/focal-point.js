// The photo's focal point: a click on the preview sets the two fields under it
// (fractions of the width and height), and the mark shows where it stands.
(function () {
  "use strict";
  const place = (frame, x, y) => {
    const mark = frame.querySelector(".focal-point-mark");
    mark.style.left = `${x * 100}%`;
    mark.style.top = `${y * 100}%`;
  };
  document.addEventListener("DOMContentLoaded", () => {
    const frame = document.querySelector(".focal-point");
    const across = document.getElementById("id_focal_x");
    const down = document.getElementById("id_focal_y");
    if (!frame || !across || !down) {
      return;
    }
    const image = frame.querySelector("img");
    place(frame, Number(across.value), Number(down.value));
    image.addEventListener("click", (event) => {
      const box = image.getBoundingClientRect();
      const x = Math.min(1, Math.max(0, (event.clientX - box.left) / box.width));
      const y = Math.min(1, Math.max(0, (event.clientY - box.top) / box.height));
      across.value = x.toFixed(3);
      down.value = y.toFixed(3);
      // The unsaved-changes guard and anyone else listening hear of it.
      across.dispatchEvent(new Event("change", { bubbles: true }));
      down.dispatchEvent(new Event("change", { bubbles: true }));
      place(frame, x, y);
    });
    for (const field of [across, down]) {
      field.addEventListener("input", () =>
        place(frame, Number(across.value), Number(down.value)),
      );
    }
  });
})();
