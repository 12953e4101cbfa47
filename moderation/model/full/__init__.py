"""The full tier: heads over the sentence encoder's vectors, blended with the linear tier, and its training."""
