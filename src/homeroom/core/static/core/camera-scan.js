// Scan pages (the devices' scan station, the library's desk): read a badge, asset tag or
// book barcode with the device's camera, for a phone or a Chromebook without a barcode
// scanner. Uses the browser's own BarcodeDetector; where the browser has none, the button
// stays hidden and typing works as before.
(function () {
  "use strict";
  var FORMATS = ["code_128", "code_39", "qr_code", "ean_13", "upc_a", "codabar", "itf"];

  function setUp() {
    var button = document.getElementById("camera-scan");
    var panel = document.getElementById("camera-panel");
    var video = document.getElementById("camera-video");
    if (!button || !("BarcodeDetector" in window) || !navigator.mediaDevices) return;
    button.hidden = false;
    var stream = null;
    var timer = null;

    function stop() {
      if (timer) window.clearInterval(timer);
      timer = null;
      if (stream) stream.getTracks().forEach(function (track) { track.stop(); });
      stream = null;
      panel.hidden = true;
      button.setAttribute("aria-expanded", "false");
    }

    // A badge fills the "who" field while nobody is picked; after that, scans are devices.
    function target() {
      var who = document.getElementById("scan-who");
      var picked = document.querySelector('#person-picker input[name="person"]');
      return who && !picked ? who : document.getElementById("id_scan");
    }

    function found(text) {
      var field = target();
      stop();
      field.value = text;
      field.form.requestSubmit();
    }

    button.addEventListener("click", function () {
      if (stream) { stop(); return; }
      var detector = new window.BarcodeDetector({ formats: FORMATS });
      navigator.mediaDevices
        .getUserMedia({ video: { facingMode: "environment" }, audio: false })
        .then(function (media) {
          stream = media;
          video.srcObject = media;
          panel.hidden = false;
          button.setAttribute("aria-expanded", "true");
          return video.play();
        })
        .then(function () {
          timer = window.setInterval(function () {
            detector.detect(video).then(function (codes) {
              if (codes.length && codes[0].rawValue) found(codes[0].rawValue.trim());
            });
          }, 250);
        })
        .catch(function (error) {
          stop();
          document.getElementById("camera-problem").textContent =
            "The camera could not start (" + error.name + "). Type the tag instead.";
        });
    });
  }

  document.addEventListener("DOMContentLoaded", setUp);
})();
