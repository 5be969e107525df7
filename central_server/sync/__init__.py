"""The server side of the sync protocol: placing, authorising, merging and serving records."""
