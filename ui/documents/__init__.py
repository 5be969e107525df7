"""The documents (文书) workspace: a case's document set, its signatures, sealing and checks."""
