// ShopCS order pages: filter selects submit themselves; the ship form shows the carrier warning for the chosen carrier.
(function () {
  "use strict";
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { if (select.form) { select.form.submit(); } });
  });
  var warning = document.querySelector("[data-not-reaching]");
  var carrier = document.querySelector("[data-test='carrier-select']");
  if (warning && carrier) {
    var codes = warning.getAttribute("data-not-reaching").split(",");
    var update = function () { warning.hidden = codes.indexOf(carrier.value) === -1; };
    carrier.addEventListener("change", update);
    update();
  }
}());
