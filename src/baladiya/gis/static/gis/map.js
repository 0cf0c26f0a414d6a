/* The parcel map: vector layers only (a basemap when a tile URL is configured),
   parcels fetched for the visible area, a click finds the parcel under the
   pointer (server-side point look-up) and shows its card. */
(function () {
  "use strict";
  var el = document.getElementById("gis-map");
  if (!el || !window.L) { return; }
  var config = JSON.parse(document.getElementById("gis-config").textContent);
  var panel = document.getElementById("parcel-panel");
  var status = document.getElementById("map-status");
  var map = L.map(el, { preferCanvas: true, zoomControl: true, attributionControl: !!config.tiles });
  window.baladiyaMap = map;
  if (config.tiles) {
    L.tileLayer(config.tiles, { maxZoom: 20 }).addTo(map);
  }
  if (config.extent) {
    map.fitBounds(config.extent);
    if (map.getZoom() < config.minZoom) { map.setView(map.getCenter(), config.minZoom); }
  } else {
    map.setView(config.centre, config.minZoom);
  }

  var zones = L.geoJSON(null, {
    interactive: false,
    style: function (f) {
      return { color: f.properties.colour, weight: 1, fillColor: f.properties.colour, fillOpacity: 0.18 };
    }
  }).addTo(map);
  fetch(config.zones).then(function (r) { return r.json(); }).then(function (data) { zones.addData(data); });

  var selected = null;
  function parcelStyle(f) {
    var chosen = selected !== null && f.properties.id === selected;
    return {
      color: chosen ? "#c0392b" : (f.properties.status === "unnumbered" ? "#7a4b8a" : "#1d3557"),
      weight: chosen ? 3 : 1,
      fillOpacity: chosen ? 0.35 : 0.05,
      fillColor: chosen ? "#f4a261" : "#1d3557",
      dashArray: f.properties.status === "unnumbered" ? "3 3" : null
    };
  }
  var parcels = L.geoJSON(null, { interactive: false, style: parcelStyle }).addTo(map);
  var overlays = {};
  overlays[config.labels.parcels] = parcels;
  overlays[config.labels.zones] = zones;
  var extra = {};
  config.layers.forEach(function (layer) {
    var group = L.geoJSON(null, {
      interactive: false,
      pointToLayer: function (f, latlng) {
        return L.circleMarker(latlng, { radius: 5, color: layer.colour, fillOpacity: 0.8 });
      },
      style: function () { return { color: layer.colour, weight: 2 }; }
    });
    extra[layer.key] = group;
    overlays[layer.label] = group;
  });
  L.control.layers(null, overlays, { collapsed: false }).addTo(map);
  L.control.scale({ imperial: false }).addTo(map);

  function bboxParam() {
    var b = map.getBounds();
    return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (v) { return v.toFixed(6); }).join(",");
  }
  var pending = 0;
  function refresh() {
    var ticket = ++pending;
    if (map.getZoom() < config.minZoom) {
      parcels.clearLayers();
      status.textContent = config.labels.zoomIn;
      return;
    }
    el.setAttribute("aria-busy", "true");
    fetch(config.parcels + "?bbox=" + bboxParam()).then(function (r) { return r.json(); }).then(function (data) {
      if (ticket !== pending) { return; }
      parcels.clearLayers();
      parcels.addData(data);
      status.textContent = data.truncated ? config.labels.tooMany : "";
      el.setAttribute("aria-busy", "false");
      el.dataset.parcels = String(data.features.length);
    });
    Object.keys(extra).forEach(function (key) {
      if (!map.hasLayer(extra[key])) { return; }
      fetch(config.layer.replace("__key__", key) + "?bbox=" + bboxParam())
        .then(function (r) { return r.json(); })
        .then(function (data) { extra[key].clearLayers(); extra[key].addData(data); });
    });
  }
  map.on("moveend overlayadd", refresh);
  refresh();

  var drawing = null;
  if (el.dataset.draw) {
    drawing = { points: [], line: L.polygon([], { color: "#c0392b", weight: 2, dashArray: "6 4" }).addTo(map) };
    var area = document.getElementById("id_area");
    document.getElementById("clear-area").addEventListener("click", function () {
      drawing.points = []; drawing.line.setLatLngs([]); area.value = "";
    });
  }

  function showCard(html) {
    panel.innerHTML = html;
    var card = panel.querySelector("[data-parcel-id]");
    selected = card ? parseInt(card.dataset.parcelId, 10) : null;
    parcels.setStyle(parcelStyle);
    var heading = panel.querySelector("h2");
    if (heading) { heading.setAttribute("tabindex", "-1"); heading.focus(); }
  }

  map.on("click", function (e) {
    if (drawing) {
      drawing.points.push(e.latlng);
      drawing.line.setLatLngs(drawing.points);
      var ring = drawing.points.map(function (p) { return [p.lng, p.lat]; });
      if (ring.length >= 3) {
        ring.push(ring[0]);
        document.getElementById("id_area").value = JSON.stringify({ type: "Polygon", coordinates: [ring] });
      }
      return;
    }
    var url = panel.dataset.at + "?lon=" + e.latlng.lng.toFixed(8) + "&lat=" + e.latlng.lat.toFixed(8);
    fetch(url, { headers: { "HX-Request": "true" } }).then(function (r) { return r.text(); }).then(showCard);
  });
})();
