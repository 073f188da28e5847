"""rnakit: machine learning on RNA, centred on siRNA knockdown-efficacy prediction."""

__version__ = "0.1.0"
