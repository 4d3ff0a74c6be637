"""The questions the latency and load benchmarks ask of the shipped article's index."""

ARTICLE_QUESTIONS = [
    "How many hectares of coca were under cultivation in 2019?",
    "Where did the October 2020 operation against illegal mining take place?",
    "Who leads DEVIDA?",
    "When did Congress remove President Martin Vizcarra?",
    "Where is coca production in Peru principally concentrated?",
    "How many riverboats has the Peruvian Navy deployed?",
    "What is the capital of Australia?",
]
