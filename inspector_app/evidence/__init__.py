"""Evidence: encrypted originals, device signatures and a per-case chain of custody."""
