"""The chat screen: a Textual app over the assistant (see ``segmenta.tui.app``)."""
