# t/certs: (filled in by its owner)
