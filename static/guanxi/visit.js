// Check-in: ask the browser where the phone is and put it in the form's hidden fields. Without a
// location (refused, no GPS, an insecure address) the check-in still works, without one.
(function () {
  "use strict";
  const form = document.querySelector("[data-visit-form]");
  if (!form) return;
  const status = form.querySelector("[data-location-status]");
  if (!("geolocation" in navigator)) {
    status.textContent = status.dataset.failed;
    return;
  }
  status.textContent = status.dataset.waiting;
  navigator.geolocation.getCurrentPosition(
    function (position) {
      form.elements.latitude.value = position.coords.latitude.toFixed(6);
      form.elements.longitude.value = position.coords.longitude.toFixed(6);
      form.elements.accuracy.value = Math.round(position.coords.accuracy);
      status.textContent = status.dataset.found.replace("%s", Math.round(position.coords.accuracy));
    },
    function () {
      status.textContent = status.dataset.failed;
    },
    { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
  );
})();
