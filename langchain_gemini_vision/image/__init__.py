"""Image capabilities: captioning, object detection, annotation, geometry, tokens."""
