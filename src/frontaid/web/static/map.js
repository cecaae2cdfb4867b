// The map page's script (a static file: the Content-Security-Policy allows no inline script).
(function () {
  "use strict";
  var el = document.getElementById("map");
  if (!window.L || !el) { return; }
  var labels = JSON.parse(document.getElementById("map-labels").textContent);
  var map = L.map(el, {zoomSnap: 0.25});
  map.attributionControl.setPrefix("Leaflet");
  var c = el.dataset.centre.split(",").map(Number);
  map.setView(c, 13);
  var groups = {}, byEid = {};
  Object.keys(labels).forEach(function (k) { groups[k] = L.featureGroup(); });
  var styles = {
    request: {radius: 6, color: "#fff", weight: 1, fillColor: "#1f5fbf", fillOpacity: 0.9},
    body: {radius: 8, color: "#fff", weight: 2, fillColor: "#000", fillOpacity: 1},
    death: {radius: 7, color: "#fff", weight: 2, fillColor: "#6a3d9a", fillOpacity: 1},
    incident: {radius: 4, color: "#c00", weight: 1, fillColor: "#c00", fillOpacity: 0.7}
  };
  function popup(lines) {
    var div = document.createElement("div");
    lines.forEach(function (line, i) {
      var p = document.createElement("p");
      if (i === 0) { var b = document.createElement("strong"); b.textContent = line; p.appendChild(b); }
      else { p.textContent = line; }
      div.appendChild(p);
    });
    return div;
  }
  function cls(p) { return "f-" + p.layer + " f-" + p.eid; }
  // /map?focus=request:CODE (the board's, the household page's, the incidents' links) or a search:
  // the place the hub found, at street level, with its own popup, or a marker saying what it is.
  function focus() {
    if (!el.dataset.focus) { return; }
    var at = el.dataset.focus.split(",").map(Number);
    map.setView(at, 17);
    var known = byEid[el.dataset.focusEid];
    if (known && known.openPopup) { known.openPopup(); return; }
    var hollow = el.dataset.focusApproximate === "1";
    L.circleMarker(at, {radius: 11, color: "#c00", weight: 3, fillColor: "#c00", fillOpacity: hollow ? 0 : 0.4,
                        className: "f-focus"})
      .addTo(map).bindPopup(popup([el.dataset.focusTitle])).openPopup();
  }
  fetch(el.dataset.src, {credentials: "same-origin", headers: {"Accept": "application/geo+json"}})
    .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
    .then(function (fc) {
      fc.features.forEach(function (f) {
        var p = f.properties, layer;
        if (!f.geometry || !groups[p.layer]) { return; }
        if (p.layer === "danger") {
          layer = L.geoJSON(f, {style: {color: p.colour, weight: 5, opacity: 0.85, className: cls(p)}});
        } else if (p.layer === "zone") {
          layer = L.geoJSON(f, {style: {color: "#444", weight: 1, fillColor: p.colour, fillOpacity: 0.55,
                                        className: cls(p) + " danger-" + p.danger}});
        } else {
          var ll = [f.geometry.coordinates[1], f.geometry.coordinates[0]];
          var s = styles[p.layer] || {radius: 8, color: "#fff", weight: 2, fillColor: p.colour, fillOpacity: 1};
          if (p.layer === "site" && p.kind === "crossing") { s = {radius: 9, color: "#000", weight: 2, fillColor: p.colour, fillOpacity: 1}; }
          if (p.layer === "request" && p.urgency === "critical") { s = L.extend({}, s, {color: "#c00", weight: 3}); }
          if (p.approximate) {  // no position of its own: drawn hollow at its zone's centre
            s = L.extend({}, s, {color: s.fillColor || p.colour || "#1f5fbf", weight: 2, fillOpacity: 0});
          }
          layer = L.circleMarker(ll, L.extend({className: cls(p) + (p.state ? " state-" + p.state : "")}, s));
        }
        layer.bindPopup(popup(p.popup || []));
        groups[p.layer].addLayer(layer);
        if (p.eid) { byEid[p.eid] = layer; }
      });
      var overlays = {}, bounds = L.latLngBounds([]);
      ["zone", "danger", "site", "incident", "request", "death", "body"].forEach(function (k) {
        if (!groups[k]) { return; }
        groups[k].addTo(map);
        overlays[labels[k]] = groups[k];
        if (groups[k].getLayers().length) { bounds.extend(groups[k].getBounds()); }
      });
      L.control.layers(null, overlays, {collapsed: true}).addTo(map);
      if (groups.zone && groups.zone.getLayers().length) { map.fitBounds(groups.zone.getBounds(), {padding: [8, 8]}); }
      else if (bounds.isValid()) { map.fitBounds(bounds, {padding: [20, 20], maxZoom: 16}); }
      focus();
      el.dataset.ready = String(fc.features.length);
    })
    .catch(function () { el.dataset.ready = "error"; });
})();
