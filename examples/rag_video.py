"""RAG over a video: transcript Documents -> vector store -> an answer citing [MM:SS] timestamps.

Run: ``python examples/rag_video.py [VIDEO]``. With GOOGLE_API_KEY set it transcribes and answers
with the live Gemini API (pass a real VIDEO: the bundled sample has no real frames); without it, a
local FakeGeminiServer answers from the scripted demo world and the first line says so.

Embeddings: ``KeywordHashEmbedding`` below, a tiny deterministic bag-of-words embedding (hashed word
counts) so the example runs offline with meaningful retrieval. In production use a real embedding
model, e.g. ``langchain_google_genai.GoogleGenerativeAIEmbeddings``.
"""

from __future__ import annotations

import hashlib
import math
import re
import sys

from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings
from langchain_core.vectorstores import InMemoryVectorStore

from langchain_gemini_vision.document_loaders import GeminiVideoTranscriptLoader
from langchain_gemini_vision.testing.demo import RAG_MARKER, demo_session

QUESTIONS = (
    "What do I use to get the tyre off the rim?",
    "What pressure should I pump the tyre to?",
)
STOP_WORDS = frozenset((
    "a", "an", "and", "are", "at", "do", "does", "for", "how", "i", "in", "is", "it", "of", "on",
    "or", "the", "to", "what",
))  # fmt: skip


class KeywordHashEmbedding(Embeddings):
    """Deterministic bag-of-words vectors: each word is hashed into one of ``dims`` buckets."""

    def __init__(self, dims: int = 512) -> None:
        self.dims = dims

    def _vector(self, text: str) -> list[float]:
        vec = [0.0] * self.dims
        for word in re.findall(r"[a-z0-9]+", text.lower()):
            if word not in STOP_WORDS:
                bucket = int.from_bytes(hashlib.sha256(word.encode()).digest()[:4], "big")
                vec[bucket % self.dims] += 1.0
        norm = math.sqrt(sum(v * v for v in vec)) or 1.0
        return [v / norm for v in vec]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [self._vector(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._vector(text)


def answer_prompt(question: str, docs: list[Document]) -> str:
    excerpts = "\n\n".join(f"Excerpt from {d.metadata['source']}:\n{d.page_content}" for d in docs)
    return (
        f"{RAG_MARKER}. Cite the [MM:SS] timestamp of every line you use, like [01:05]. If the "
        f"excerpts do not contain the answer, say so.\n\n{excerpts}\n\nQuestion: {question}"
    )


def main() -> None:
    with demo_session() as session:
        print(session.banner, flush=True)
        video = sys.argv[1] if len(sys.argv) > 1 else str(session.samples.video)
        loader = GeminiVideoTranscriptLoader(video, llm=session.llm, chunk_seconds=30)
        docs = loader.load()
        print(f"Loaded {len(docs)} transcript Documents (30 s each) from {video}")

        store = InMemoryVectorStore(KeywordHashEmbedding())
        store.add_documents(docs)
        for question in QUESTIONS:
            hits = store.similarity_search(question, k=2)
            reply = session.llm.invoke(answer_prompt(question, hits))
            print(f"\nQ: {question}")
            for doc in hits:
                print(f"   retrieved {doc.metadata['start_timestamp']}  {doc.metadata['source']}")
            print(f"A: {reply.text}")


if __name__ == "__main__":
    main()
