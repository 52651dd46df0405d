// The queue by keyboard: j and k move between tickets, x ticks the one in focus, Enter
// opens it (it is a link). Rows are looked up on each key, so htmx swaps need nothing.
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    var typing = target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName);
    if (typing || event.ctrlKey || event.metaKey || event.altKey) {
      return;
    }
    var links = Array.prototype.slice.call(document.querySelectorAll("#queue-table tbody th a"));
    if (!links.length) {
      return;
    }
    var row = target.closest ? target.closest("#queue-table tbody tr") : null;
    var at = row ? links.indexOf(row.querySelector("th a")) : -1;
    if (event.key === "j" || event.key === "k") {
      var next = event.key === "j" ? Math.min(at + 1, links.length - 1) : Math.max(at - 1, 0);
      links[next].focus();
      event.preventDefault();
    } else if (event.key === "x" && row) {
      var box = row.querySelector("input[type=checkbox]");
      box.checked = !box.checked;
      event.preventDefault();
    }
  });
})();
