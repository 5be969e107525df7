"""Findings (问题): violations of Order 735 found in a case, with amounts, handling and links."""
