/* global window, document, fetch, DOMParser, setTimeout */
// The dashboard's only script: live refresh of the parts marked data-live="<seconds>" (the page is
// fetched again and those parts swapped in place), and the print button. Everything works without it.
(function () {
  'use strict';
  function refresh(element, seconds) {
    setTimeout(function tick() {
      if (document.hidden) return setTimeout(tick, seconds * 1000);
      fetch(window.location.href, { credentials: 'same-origin', headers: { Accept: 'text/html' } })
        .then(function (response) {
          if (!response.ok || response.redirected) throw new Error('HTTP ' + response.status);
          return response.text();
        })
        .then(function (html) {
          var fresh = new DOMParser().parseFromString(html, 'text/html').getElementById(element.id);
          if (fresh) element.innerHTML = fresh.innerHTML;
        })
        .catch(function () {
          /* keep what is shown; try again later */
        })
        .then(function () {
          setTimeout(tick, seconds * 1000);
        });
    }, seconds * 1000);
  }
  document.addEventListener('DOMContentLoaded', function () {
    document.querySelectorAll('[data-live][id]').forEach(function (element) {
      var seconds = Number(element.getAttribute('data-live')) || 10;
      refresh(element, seconds);
    });
    document.querySelectorAll('[data-print]').forEach(function (button) {
      button.addEventListener('click', function () {
        window.print();
      });
    });
  });
})();
