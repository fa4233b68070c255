// Small progressive enhancements; every page works without JavaScript.
document.addEventListener("DOMContentLoaded", () => {
  // On a phone the list's filters start folded so the results come first.
  const filters = document.querySelector("details.filters-box");
  if (filters && window.matchMedia("(max-width: 760px)").matches && !filters.querySelector(".field-error")) {
    filters.open = false;
  }
  // After a refused submit, start on the first field that needs attention.
  const bad = document.querySelector(".has-error input, .has-error select, .has-error textarea");
  if (bad) bad.focus();
  const toggle = document.querySelector(".nav-toggle");
  const nav = document.getElementById("mainnav");
  if (toggle && nav) {
    toggle.addEventListener("click", () => {
      const open = nav.classList.toggle("open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }
});

// Ctrl/Cmd+Enter in a text box submits its form (plain Enter submits from any one-line input).
document.addEventListener("keydown", (ev) => {
  if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey) && ev.target.matches("textarea") && ev.target.form) {
    ev.preventDefault();
    ev.target.form.requestSubmit();
  }
});

document.addEventListener("click", (ev) => {
  const target = ev.target instanceof Element ? ev.target : null;
  if (!target) return;

  // Intake: take a known customer from the lookup. Their contact data stays on the server.
  const use = target.closest("[data-use-customer]");
  if (use) {
    const form = use.closest("form");
    form.querySelector("[name=customer_id]").value = use.dataset.useCustomer;
    for (const key of ["name", "region", "level"]) {
      const input = form.querySelector(`[name=${key}]`);
      const value = use.dataset[key];
      if (input && value && (key === "level" || !input.value.trim())) input.value = value;
    }
    const picked = document.getElementById("picked-customer");
    if (picked) {
      picked.hidden = false;
      picked.textContent = `✔ ${use.dataset.label}`;
    }
    document.body.dispatchEvent(new Event("ld-customer-picked"));
    const subject = form.querySelector("[name=subject]");
    if (subject) subject.focus();
    return;
  }

  // Intake: apply a classification suggestion to its field (never done without a click).
  const apply = target.closest("[data-apply-field]");
  if (apply) {
    const select = document.getElementById(apply.dataset.applyField);
    if (select) {
      select.value = apply.dataset.applyValue;
      select.dispatchEvent(new Event("change", { bubbles: true }));
      select.focus();
    }
    return;
  }

  // List: select every row for bulk assignment.
  const all = target.closest("[data-select-all]");
  if (all) {
    for (const box of document.querySelectorAll(`input[type=checkbox][name=${all.dataset.selectAll}]`)) {
      box.checked = all.checked;
    }
  }
});

// Intake: typing other contact details after picking a customer unlinks the pick.
document.addEventListener("input", (ev) => {
  const t = ev.target;
  if (!(t instanceof HTMLInputElement) || !["phone", "member_no", "email"].includes(t.name)) return;
  const id = t.form && t.form.querySelector("[name=customer_id]");
  if (id && id.value) {
    id.value = "";
    const picked = document.getElementById("picked-customer");
    if (picked) picked.hidden = true;
  }
});
