"""``python -m langchain_gemini_vision.cli``."""

from langchain_gemini_vision.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
