"""Shared plumbing: client, clock, response, lenient JSON, timestamps, retry, polling."""
