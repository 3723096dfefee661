// Small enhancements; every page works without them.
document.addEventListener("DOMContentLoaded", () => {
  // "select all" boxes: <input type="checkbox" data-select-all="name">
  document.querySelectorAll("[data-select-all]").forEach((box) => {
    box.addEventListener("change", () => {
      document.querySelectorAll(`input[type=checkbox][name="${box.dataset.selectAll}"]`)
        .forEach((b) => { b.checked = box.checked; });
    });
  });
  // Forms that start long work: disable the button so it is not sent twice.
  document.querySelectorAll("form[data-once]").forEach((form) => {
    form.addEventListener("submit", () => {
      form.querySelectorAll("button[type=submit]").forEach((b) => { b.disabled = true; });
    });
  });
});
