"""The settlement-data workspace: claims, screening, sampling and review, 进销存."""
