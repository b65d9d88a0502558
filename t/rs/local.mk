# t/rs: (filled in by its owner)
