// Small behaviours declared in the markup with data-* attributes, so that no page needs
// inline script and the Content-Security-Policy can forbid it (script-src 'self').

// <form data-confirm="Delete this?">: ask before submitting.
document.addEventListener("submit", (event) => {
  const message = event.target.dataset && event.target.dataset.confirm;
  if (message && !window.confirm(message)) {
    event.preventDefault();
    event.stopImmediatePropagation();
  }
}, true);

// <select data-autosubmit>: submit the form on change.
document.addEventListener("change", (event) => {
  if (event.target.matches && event.target.matches("[data-autosubmit]")) {
    event.target.form.requestSubmit();
  }
});

// <button data-print>: print the page.
document.addEventListener("click", (event) => {
  if (event.target.closest && event.target.closest("[data-print]")) {
    window.print();
  }
});

// Inside [data-swap-errors], htmx swaps 422/409 answers (a form with its errors) like a 200.
document.addEventListener("htmx:beforeSwap", (event) => {
  const status = event.detail.xhr.status;
  if ((status === 422 || status === 409) && event.target.closest("[data-swap-errors]")) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
