"""Media inputs and the trust boundary: prepare, sniff, images, fetch, safe open, probes."""
