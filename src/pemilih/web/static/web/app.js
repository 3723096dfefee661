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
  // The ballots of a TPS: received = used + spoiled + unused, said as the figures are typed
  // (the server checks it again and decides).
  document.querySelectorAll("form[data-balance]").forEach((form) => {
    const out = form.querySelector("[data-balance-out]");
    const received = form.querySelector("[data-balance-received]");
    const parts = form.querySelectorAll("[data-balance-part]");
    const show = () => {
      const values = [received, ...parts].map((i) => (i.value === "" ? null : Number(i.value)));
      if (values.some((v) => v === null || !Number.isInteger(v))) return;
      const sum = values.slice(1).reduce((a, b) => a + b, 0);
      const even = values[0] === sum;
      out.textContent = `${values[0]} = ${values.slice(1).join(" + ")} = ${sum}: `
        + (even ? "seimbang" : `TIDAK SEIMBANG (selisih ${Math.abs(values[0] - sum)})`);
      out.className = even ? "ok" : "error";
    };
    [received, ...parts].forEach((i) => i.addEventListener("input", show));
    show();
  });
});
