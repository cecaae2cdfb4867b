/* The day's plan on the map: each team's route as a line, each visit as a numbered point.
   A static file (no inline script), so the page works under a strict Content-Security-Policy. */
(function () {
  "use strict";
  function colourSwatches() {
    document.querySelectorAll(".swatch[data-colour]").forEach(function (el) {
      el.style.background = el.dataset.colour;
    });
  }
  function popup(lines) {
    var div = document.createElement("div");
    lines.forEach(function (line, i) {
      if (!line) { return; }
      var p = document.createElement("p");
      if (i === 0) { var b = document.createElement("strong"); b.textContent = line; p.appendChild(b); }
      else { p.textContent = line; }
      div.appendChild(p);
    });
    return div;
  }
  function draw() {
    colourSwatches();
    var el = document.getElementById("plan-map");
    if (!el || !window.L) { return; }
    var map = L.map(el, {zoomSnap: 0.25});
    map.attributionControl.setPrefix("Leaflet");
    map.setView(el.dataset.centre.split(",").map(Number), 13);
    fetch(el.dataset.src, {credentials: "same-origin", headers: {"Accept": "application/geo+json"}})
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (fc) {
        var group = L.featureGroup();
        fc.features.forEach(function (f) {
          var p = f.properties, layer;
          if (p.layer === "route") {
            layer = L.geoJSON(f, {style: {color: p.colour, weight: 4, opacity: 0.85, className: "route team-" + p.team}});
          } else {
            var ll = [f.geometry.coordinates[1], f.geometry.coordinates[0]];
            layer = L.circleMarker(ll, {radius: 7, color: "#fff", weight: 2, fillColor: p.done ? "#888" : p.colour,
                                        fillOpacity: 1, className: "visit team-" + p.team});
            layer.bindTooltip(String(p.seq), {permanent: true, direction: "center", className: "seq"});
          }
          layer.bindPopup(popup(p.popup || []));
          group.addLayer(layer);
        });
        group.addTo(map);
        if (group.getLayers().length) { map.fitBounds(group.getBounds(), {padding: [16, 16]}); }
        el.dataset.ready = String(fc.features.length);
      })
      .catch(function () { el.dataset.ready = "error"; });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); }
  else { draw(); }
})();
