"""Paper and formats: printouts (bulletin, sitrep, cards, lists) and exports (HXL, XLSX, 5W, GeoJSON)."""
