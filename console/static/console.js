/* SSID Workbench console: progress bars of background jobs, confirmations, keyboard navigation.
   Served locally; no inline script, no external source (the page's Content-Security-Policy). */
(function () {
  "use strict";

  /* A background job: poll its JSON status, fill the bar (percent and lines), say why it failed. */
  function pollJob(box) {
    var url = box.getAttribute("data-job-url");
    var bar = box.querySelector(".progress-bar");
    var lines = box.querySelector(".job-lines");
    var outcome = box.querySelector(".job-outcome");
    var done = box.getAttribute("data-done-url");

    function show(status) {
      var percent = status.percent;
      if (percent === null || percent === undefined) {
        bar.classList.add("progress-bar-striped", "progress-bar-animated");
        bar.style.width = "100%";
        bar.textContent = status.state;
      } else {
        bar.style.width = percent + "%";
        bar.setAttribute("aria-valuenow", String(percent));
        bar.textContent = percent + "%";
      }
      var text = status.lines.toLocaleString() + (status.total ? " of " + status.total.toLocaleString() : "") + " " + (box.getAttribute("data-unit") || "lines");
      if (status.message) { text += " \u2014 " + status.message; }
      lines.textContent = text;
      if (status.state === "failed") {
        bar.classList.remove("progress-bar-animated");
        bar.classList.add("bg-danger");
        outcome.className = "job-outcome alert alert-danger mt-2";
        outcome.textContent = "The job failed: " + (status.error || "no reason given");
      } else if (status.state === "done") {
        bar.classList.remove("progress-bar-animated", "progress-bar-striped");
        bar.classList.add("bg-success");
        outcome.className = "job-outcome alert alert-success mt-2";
        outcome.textContent = "Done. " + ((status.result && status.result.summary) || "");
        if (done) { window.setTimeout(function () { window.location.assign(done); }, 1200); }
      }
      return status.finished;
    }

    function tick() {
      fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) {
          if (!response.ok) { throw new Error("status " + response.status); }
          return response.json();
        })
        .then(function (status) { if (!show(status)) { window.setTimeout(tick, 500); } })
        .catch(function (error) {
          outcome.className = "job-outcome alert alert-warning mt-2";
          outcome.textContent = "Could not read the job's progress (" + error.message + "); retrying.";
          window.setTimeout(tick, 2000);
        });
    }
    tick();
  }

  /* Buttons that ask before they act: data-confirm="question". */
  function confirmBeforeSubmit(event) {
    var button = event.submitter;
    var question = button && button.getAttribute("data-confirm");
    if (question && !window.confirm(question)) { event.preventDefault(); }
  }

  /* Review: [ and ] (or Alt+Left / Alt+Right) go to the previous / next student. */
  function reviewKeys(event) {
    var target = event.target;
    if (target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" || target.tagName === "SELECT")) { return; }
    var which = null;
    if (event.key === "[" || (event.altKey && event.key === "ArrowLeft")) { which = "review-previous"; }
    if (event.key === "]" || (event.altKey && event.key === "ArrowRight")) { which = "review-next"; }
    var link = which && document.getElementById(which);
    if (link && link.getAttribute("href")) { window.location.assign(link.getAttribute("href")); }
  }

  /* Toggles in the review's toolbar submit their form when changed. */
  function autoSubmit(event) {
    var input = event.target;
    if (input && input.classList && input.classList.contains("auto-submit") && input.form) { input.form.submit(); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-job-url]"), pollJob);
    document.addEventListener("submit", confirmBeforeSubmit, true);
    document.addEventListener("change", autoSubmit);
    if (document.querySelector(".review-table")) { document.addEventListener("keydown", reviewKeys); }
  });
})();
