# t/bird: (filled in by its owner)
