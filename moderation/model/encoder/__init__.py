"""The pretrained sentence encoder under the full tier: its tokenizer, its int8 network and an embedding cache."""
