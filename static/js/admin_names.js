/* Accessible names for the admin controls that scripts draw or tables hold.
 *
 * The admin's autocompletes (select2) and the body editor (django-prose-editor)
 * replace a labelled <select> or <textarea> with elements of their own that carry
 * no name; the inputs of a tabular inline have a column header, not a label. Each
 * such control is named here by the visible text a sighted person reads for it:
 * the field's <label for>, or the column's header. Rows added later ("Add another
 * byline") and editors built after load are named as they appear.
 */
"use strict";
{
  let serial = 0;

  /* The id of an element, given one (`wanted`, if free) when it has none. */
  function idOf(element, wanted) {
    if (!element.id) {
      serial += 1;
      element.id = document.getElementById(wanted) ? `${wanted}-${serial}` : wanted;
    }
    return element.id;
  }

  /* The id of the column header above a tabular inline's cell. */
  function headerOf(cell) {
    const table = cell.closest("table");
    const header = table && table.tHead && table.tHead.rows[0].cells[cell.cellIndex];
    if (!header || !header.textContent.trim()) {
      return null;
    }
    const group = cell.closest(".inline-group");
    return idOf(header, `${group ? group.id : "inline"}-column-${cell.cellIndex}`);
  }

  /* The ids of what names a form control: its <label for>, else its column header. */
  function namesOf(control) {
    if (control.id) {
      const label = document.querySelector(`label[for="${CSS.escape(control.id)}"]`);
      if (label) {
        return idOf(label, `${control.id}_label`);
      }
    }
    const cell = control.closest(".tabular td");
    return cell ? headerOf(cell) : null;
  }

  function name(element, ids) {
    if (ids && element.getAttribute("aria-labelledby") !== ids) {
      element.setAttribute("aria-labelledby", ids);
    }
  }

  function nameTabularInputs(root) {
    const selector = ".tabular td input:not([type=hidden]), .tabular td select, .tabular td textarea";
    for (const control of root.querySelectorAll(selector)) {
      // A control with a label of its own keeps it (the column header is its name
      // only when nothing else names it).
      if (control.labels && control.labels.length) continue;
      if (control.hasAttribute("aria-label")) continue;
      name(control, namesOf(control));
    }
  }

  function nameAutocompletes(root) {
    for (const container of root.querySelectorAll(".select2-container")) {
      const select = container.previousElementSibling;
      if (!select || select.tagName !== "SELECT") continue;
      const field = namesOf(select);
      const selection = container.querySelector(".select2-selection");
      const rendered = container.querySelector(".select2-selection__rendered");
      if (!field || !selection) continue;
      // Read as "Region, North Valley": the field, then what is chosen.
      name(selection, rendered && rendered.id ? `${field} ${rendered.id}` : field);
      if (rendered) name(rendered, field);
    }
  }

  function nameBodyEditors(root) {
    for (const wrapper of root.querySelectorAll(".prose-editor")) {
      const textarea = wrapper.querySelector("textarea");
      const editable = wrapper.querySelector("[contenteditable]");
      if (!textarea || !editable) continue;
      name(editable, namesOf(textarea));
      if (editable.getAttribute("aria-multiline") !== "true") {
        editable.setAttribute("aria-multiline", "true");
      }
    }
  }

  function nameAll() {
    nameTabularInputs(document);
    nameAutocompletes(document);
    nameBodyEditors(document);
  }

  let pending = false;
  function soon() {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      nameAll();
    });
  }

  function start() {
    nameAll();
    // Only new elements matter (a row added, an editor or autocomplete built);
    // attribute changes, ours included, do not wake the observer.
    new MutationObserver(soon).observe(document.body, { childList: true, subtree: true });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}
