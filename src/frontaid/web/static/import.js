// The import page: refuse a file over the size limit before sending it, and grey the buttons
// while the server works (a 100,000-row list takes a while). A file of its own: the pages'
// Content-Security-Policy allows no inline script. The server checks everything again.
(function () {
  "use strict";
  var upload = document.getElementById("import-upload");
  if (upload) {
    var input = document.getElementById("import-file");
    var warning = document.getElementById("import-too-big");
    var max = parseInt(upload.getAttribute("data-max-bytes"), 10) || 0;
    var tooBig = function () {
      var f = input.files && input.files[0];
      return Boolean(f && max && f.size > max);
    };
    input.addEventListener("change", function () { warning.hidden = !tooBig(); });
    upload.addEventListener("submit", function (event) {
      if (tooBig()) { event.preventDefault(); warning.hidden = false; return; }
      upload.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
    });
  }
  var confirmForm = document.getElementById("import-confirm");
  if (confirmForm) {
    confirmForm.addEventListener("submit", function (event) {
      // Keep the pressed button's name/value: disable the buttons only after the form is sent.
      var buttons = confirmForm.querySelectorAll("button");
      window.setTimeout(function () { buttons.forEach(function (b) { b.disabled = true; }); }, 0);
      void event;
    });
  }
}());
