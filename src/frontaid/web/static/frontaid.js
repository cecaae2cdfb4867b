// Small behaviours every page shares. A static file, never inline: the hub's
// Content-Security-Policy runs only scripts served from /static.
(function () {
  "use strict";
  // A button with data-confirm asks before its form is sent (e.g. cancelling a request).
  document.addEventListener("click", function (ev) {
    var el = ev.target instanceof Element ? ev.target.closest("[data-confirm]") : null;
    if (el && !window.confirm(el.getAttribute("data-confirm"))) {
      ev.preventDefault();
      ev.stopPropagation();
    }
  }, true);
})();
