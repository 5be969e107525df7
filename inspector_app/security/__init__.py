"""Key material of a profile: password-wrapped database keys and their session cache."""
