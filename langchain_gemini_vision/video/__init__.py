"""Video capabilities: transcription, windows, transcript parsing, Q&A, YouTube."""
