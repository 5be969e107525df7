"""Content-addressed blob storage: a folder by default, S3-compatible in production."""
