"""Taking in the lists and forms teams already have: CSV and XLSX lists, KoBoToolbox / ODK submissions."""
