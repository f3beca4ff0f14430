"""The demo world's videos: what ``bike-repair.mp4`` says and shows, and the YouTube lecture.

Public names are re-exported by ``langchain_gemini_vision.testing.demo``; the scripted answers that
use them live there.
"""

from __future__ import annotations

VIDEO_DURATION_S = 95.0
"""Length declared by ``bike-repair.mp4`` (1:35)."""

# (start, end, text, visual). Start/end strings mix the styles the live model produces.
TRANSCRIPT: tuple[tuple[str, str, str, str], ...] = (
    (
        "00:00",
        "0:09",
        "Hi, I'm Sam. Today I'll show you how to fix a flat bicycle tyre in under two minutes.",
        "A person in a grey apron stands next to a blue road bike in a workshop.",
    ),
    (
        "0:09",
        "00:21",
        "First, open the brake and the quick-release lever, then lift the wheel out of the frame.",
        "Close-up of hands flipping the quick-release lever on the front wheel.",
    ),
    (
        "00:21",
        "0:34",
        "Hook two tyre levers under the bead, about ten centimetres apart, and slide one around "
        "the rim until the tyre comes off.",
        "Two orange plastic tyre levers prise the tyre off the rim.",
    ),
    (
        "0:34",
        "00:47",
        "Pull out the inner tube and pump a little air into it to find the hole. Listen for the "
        "hiss.",
        "The tube is held near an ear; a small puncture is circled with chalk.",
    ),
    (
        "00:47",
        "0:58",
        "Now run your fingers carefully around the inside of the tyre. Here's the culprit: a "
        "tiny piece of glass.",
        "Fingertips hold up a shard of glass taken from the tyre.",
    ),
    (
        "0:58",
        "01:12",
        "Put a little air into the new tube so it holds its shape, and tuck it into the tyre, "
        "valve first.",
        "A new tube is fitted, starting at the valve hole.",
    ),
    (
        "01:12",
        "1:24",
        "Push the bead back onto the rim with your thumbs. Avoid the levers here: they can pinch "
        "the new tube.",
        "Thumbs roll the last section of the tyre onto the rim.",
    ),
    (
        "1:24",
        "01:35",
        "Inflate to the pressure printed on the sidewall, about 80 psi for this tyre, refit the "
        "wheel and close the brake. Done!",
        "A floor pump gauge reads 80 psi; the wheel spins freely in the frame.",
    ),
)
"""The scripted transcript of ``bike-repair.mp4``."""

YOUTUBE_URL = "https://www.youtube.com/watch?v=aircAruvnKk"
"""A public lecture (3Blue1Brown: 'But what is a neural network?'); scripted offline."""
YOUTUBE_DURATION_S = 1119.0

YOUTUBE_CHAPTERS: tuple[tuple[str, str, str], ...] = (
    (
        "0:00",
        "Recognising handwritten digits",
        "Why reading a sloppy 3 is easy for people and hard "
        "to program, and the 28x28-pixel digits used throughout.",
    ),
    (
        "2:42",
        "What is a neuron?",
        "A neuron is just a number between 0 and 1, its activation; "
        "the first layer holds one neuron per pixel, 784 in all.",
    ),
    (
        "05:31",
        "Why layers?",
        "The hope that hidden layers pick up edges, then loops and lines, then whole digits.",
    ),
    (
        "8:38",
        "Edge detection example",
        "How weights on the pixels and a bias let one neuron respond to one small edge.",
    ),
    (
        "11:34",
        "Counting weights and biases",
        "The network has about 13,000 weights and biases; "
        "learning means finding good values for all of them.",
    ),
    (
        "13:26",
        "Notation and linear algebra",
        "A whole layer's transition written as a matrix-"
        "vector product plus a bias vector, squashed by the sigmoid.",
    ),
    ("17:03", "ReLU vs sigmoid", "Why modern networks mostly use ReLU instead of the sigmoid."),
)

YOUTUBE_SUMMARIES = {
    "brief": (
        "An introduction to neural networks built around recognising handwritten digits: neurons "
        "hold numbers, layers of weighted sums and biases pass them on, and the whole network is "
        "one big function with about 13,000 parameters to learn."
    ),
    "bullets": (
        "- The task: recognise handwritten digits from 28x28-pixel images.\n"
        "- A neuron holds a number between 0 and 1, its activation.\n"
        "- Layers: 784 input neurons, two hidden layers of 16, and 10 outputs.\n"
        "- Each neuron takes a weighted sum of the previous layer plus a bias, then a sigmoid.\n"
        "- The network has about 13,000 weights and biases; learning means tuning them.\n"
        "- Modern networks mostly use ReLU instead of the sigmoid."
    ),
    "detailed": (
        "The video motivates neural networks with handwritten digit recognition. It defines a "
        "neuron as a holder of a number between 0 and 1 and arranges them in layers: 784 input "
        "neurons for the pixels, two hidden layers and ten outputs.\n\nIt then explains how a "
        "neuron's activation is a weighted sum of the previous layer plus a bias, passed through a "
        "sigmoid, why one might hope that hidden layers detect edges and patterns, and how all "
        "13,000 parameters can be written compactly with matrices. It ends by comparing the "
        "sigmoid with ReLU."
    ),
    "chapters": (
        "A visual introduction to the structure of a neural network, using handwritten digit "
        "recognition as the running example."
    ),
}
