"""The electronic archive: documents, ingest and OCR, search and confidentiality."""
