"""Purchase–sale–stock (进销存) reconciliation of drugs and consumables against settlements."""
