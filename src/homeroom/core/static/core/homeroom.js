// Small progressive enhancements; every page also works without this file.
(function () {
  "use strict";

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    var typing = target.closest && target.closest("input, textarea, select, [contenteditable]");
    if (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
      var search = document.getElementById("global-search");
      if (search) {
        event.preventDefault();
        search.focus();
        search.select();
      }
    }
    if (event.key === "Escape" && target.id === "global-search") {
      document.getElementById("search-results").innerHTML = "";
    }
  });

  document.addEventListener("click", function (event) {
    var toggle = event.target.closest(".nav-toggle");
    if (toggle) {
      var open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", String(open));
      document.body.classList.toggle("nav-open", open);
    }
    // A print button: the Content-Security-Policy refuses inline onclick handlers.
    if (event.target.closest("[data-print]")) {
      window.print();
    }
  });

  document.addEventListener("change", function (event) {
    if (event.target.matches("[data-autosubmit]")) {
      event.target.form.requestSubmit();
    }
  });

  document.addEventListener("focusin", function (event) {
    if (event.target.matches("[data-select-on-focus]")) {
      event.target.select();
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    document.documentElement.classList.add("js");
    var summary = document.querySelector("[data-focus]");
    if (summary) {
      summary.focus();
    }
  });
})();

// Lists: on a phone, each filter bar folds behind a "Filters" button that says how many
// filters are on; on a desktop the fold stays open and its button hidden (see homeroom.css).
// A form that is a page's only content (class filters--open) never folds.
(function () {
  "use strict";
  var phone = window.matchMedia("(max-width: 760px)");

  function label(form) {
    var on = 0;
    form.querySelectorAll("input, select").forEach(function (field) {
      var typed = field.type === "checkbox" || field.type === "radio" ? field.checked : field.value;
      if (field.name && field.type !== "hidden" && field.type !== "submit" && typed) {
        on += 1;
      }
    });
    return on ? "Filters (" + on + " on)" : "Filters";
  }

  function fold(form) {
    var details = document.createElement("details");
    var summary = document.createElement("summary");
    details.className = "filters-fold";
    summary.textContent = label(form);
    form.parentNode.insertBefore(details, form);
    details.appendChild(summary);
    details.appendChild(form);
    details.open = !phone.matches;
    form.addEventListener("change", function () {
      summary.textContent = label(form);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form.filters:not(.filters--open)").forEach(fold);
    phone.addEventListener("change", function () {
      document.querySelectorAll(".filters-fold").forEach(function (details) {
        details.open = !phone.matches;
      });
    });
  });
})();

// Scan station: after each scan, clear the field, keep the focus there, and sound the result.
(function () {
  "use strict";
  var audio = null;

  function beep(ok) {
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) {
      return;
    }
    audio = audio || new Context();
    var tone = audio.createOscillator();
    var volume = audio.createGain();
    tone.frequency.value = ok ? 880 : 220;
    volume.gain.value = 0.15;
    tone.connect(volume);
    volume.connect(audio.destination);
    tone.start();
    tone.stop(audio.currentTime + (ok ? 0.12 : 0.4));
  }

  document.addEventListener("htmx:afterSettle", function (event) {
    var field = document.querySelector("[data-keep-focus]");
    if (!field) {
      return;
    }
    var fromScan = event.target && event.target.id === "scan-area";
    var outcome = document.querySelector("#scan-area [data-outcome]");
    if (fromScan && outcome) {
      beep(outcome.getAttribute("data-outcome") === "ok");
    }
    if (fromScan || document.querySelector("#person-picker input[name=person]")) {
      field.value = "";
      field.focus();
    }
  });
})();
