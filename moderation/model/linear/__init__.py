"""The linear tier (``--fast``): normalised text, hashed word n-grams, linear heads, word-overlap relevance.

It runs at a profanity filter's speed and is kept whole inside the full tier, which blends its scores.
"""
