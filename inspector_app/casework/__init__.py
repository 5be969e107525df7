"""What every case-file service shares: who may do what in a case, and links between records."""
